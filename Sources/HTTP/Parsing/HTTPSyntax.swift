/// Byte classes and ASCII helpers from RFC 9110/9112 that the parser and the head accessors share.
package enum HTTPSyntax {
    static let carriageReturn: UInt8 = 0x0D
    static let lineFeed: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let horizontalTab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let equalsSign: UInt8 = 0x3D
    static let quotationMark: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let comma: UInt8 = 0x2C
    static let numberSign: UInt8 = 0x23
    static let slash: UInt8 = 0x2F
    static let asterisk: UInt8 = 0x2A
    static let delete: UInt8 = 0x7F

    /// tchar (RFC 9110 §5.6.2): the bytes of methods, field names and chunk-extension names.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// SP or HTAB: the optional whitespace (OWS/BWS) around values and chunk extensions.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == horizontalTab
    }

    /// Control bytes other than HTAB, which no field value may carry (RFC 9110 §5.5, CONTRACT.md §1.7).
    static func isForbiddenInFieldValue(_ byte: UInt8) -> Bool {
        (byte < space && byte != horizontalTab) || byte == delete
    }

    /// The bytes a request-target may hold: visible ASCII without `#` (a fragment is never sent).
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E && byte != numberSign
    }

    /// VCHAR or obs-text: what a chunk-extension quoted-pair may escape, and qdtext apart from `"` and `\`.
    static func isQuotableByte(_ byte: UInt8) -> Bool {
        isWhitespace(byte) || (byte >= 0x21 && byte != delete)
    }

    /// The value of a hexadecimal digit, nil for any other byte.
    static func hexDigitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"):
            return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"):
            return Int(byte - UInt8(ascii: "A")) + 10
        default:
            return nil
        }
    }

    /// The value of a decimal digit, nil for any other byte.
    static func decimalDigitValue(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// ASCII lowercase of one byte; other bytes unchanged.
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
    }

    /// Compares with ASCII case folding only: field names and tokens are ASCII, and locale rules must not apply.
    package static func equalsIgnoringASCIICase<A: Sequence<UInt8>, B: Collection<UInt8>>(_ lhs: A, _ rhs: B) -> Bool {
        var rhsIndex = rhs.startIndex
        for byte in lhs {
            guard rhsIndex != rhs.endIndex, lowercased(byte) == lowercased(rhs[rhsIndex]) else {
                return false
            }
            rhsIndex = rhs.index(after: rhsIndex)
        }
        return rhsIndex == rhs.endIndex
    }

    /// The elements of a comma-separated list (RFC 9110 §5.6.1) with their OWS trimmed; empty elements kept.
    static func listElements(_ value: some StringProtocol) -> [Substring.UTF8View] {
        let bytes = Substring(value).utf8
        var elements: [Substring.UTF8View] = []
        var elementStart = bytes.startIndex
        var index = bytes.startIndex
        while true {
            if index == bytes.endIndex || bytes[index] == comma {
                elements.append(trimmingWhitespace(bytes[elementStart..<index]))
                if index == bytes.endIndex {
                    return elements
                }
                elementStart = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
    }

    /// The bytes without leading and trailing SP/HTAB.
    static func trimmingWhitespace(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start != end, isWhitespace(bytes[start]) {
            start = bytes.index(after: start)
        }
        while end != start, isWhitespace(bytes[bytes.index(before: end)]) {
            end = bytes.index(before: end)
        }
        return bytes[start..<end]
    }
}
