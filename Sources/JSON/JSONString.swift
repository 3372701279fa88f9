/// Writes JSON string literals, for response bodies and for `JSONSplice`.
package enum JSONString {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a quoted JSON string: `"` and `\` escaped, controls as `\b \f \n \r \t` or `\u00XX`,
    /// everything else (non-ASCII included) as its UTF-8 bytes. The result always re-parses to exactly `text`.
    package static func encode(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(JSONSyntax.quotationMark)
        for byte in text.utf8 {
            switch byte {
            case JSONSyntax.quotationMark, JSONSyntax.backslash:
                bytes.append(JSONSyntax.backslash)
                bytes.append(byte)
            case JSONSyntax.backspace:
                bytes.append(contentsOf: [JSONSyntax.backslash, UInt8(ascii: "b")])
            case JSONSyntax.formFeed:
                bytes.append(contentsOf: [JSONSyntax.backslash, UInt8(ascii: "f")])
            case JSONSyntax.lineFeed:
                bytes.append(contentsOf: [JSONSyntax.backslash, UInt8(ascii: "n")])
            case JSONSyntax.carriageReturn:
                bytes.append(contentsOf: [JSONSyntax.backslash, UInt8(ascii: "r")])
            case JSONSyntax.tab:
                bytes.append(contentsOf: [JSONSyntax.backslash, UInt8(ascii: "t")])
            case 0..<JSONSyntax.space:
                bytes.append(contentsOf: [JSONSyntax.backslash, UInt8(ascii: "u"), JSONSyntax.zero, JSONSyntax.zero])
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(JSONSyntax.quotationMark)
    }

    /// `text` as a quoted JSON string (see `encode(_:into:)`).
    package static func encoded(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        encode(text, into: &bytes)
        return bytes
    }
}
