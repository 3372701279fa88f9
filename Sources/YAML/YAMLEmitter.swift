import EventLoop

/// Writes a `JSONValue` as block-style YAML 1.2 that reads back as the same data (the `/openapi.yaml` body,
/// CONTRACT.md §9.3; DESIGN.md §2). Member order is kept; empty collections are written `[]` and `{}`; a string is
/// written plain only when no YAML reader could take it for anything else, otherwise double-quoted with escapes,
/// so the output holds no tab and no control character except the line breaks between lines.
package enum YAMLEmitter {
    /// YAML 1.2 limits an implicit key to 1024 characters; longer keys are written as explicit `? key` entries.
    static let implicitKeyLimit = 1024

    /// The YAML text of `value`, ending with a line break.
    package static func text(_ value: JSONValue) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        append(value, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the YAML text of `value`, ending with a line break.
    package static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            appendSequence(elements, indent: 0, continuing: false, to: &output)
        case .object(let members) where !members.isEmpty:
            appendMapping(members, indent: 0, continuing: false, to: &output)
        default:
            appendInline(value, to: &output)
            output.append(newline)
        }
    }

    /// The scalar text of `string`: plain when that reads back as this string, else double-quoted.
    package static func scalar(_ string: String) -> String {
        var output: [UInt8] = []
        appendString(string, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `string` reads back as itself when written without quotes, under YAML 1.2's core schema and the
    /// YAML 1.1 words (`yes`, `off`, ...) older readers still resolve. Deliberately strict: only printable ASCII,
    /// no indicator first, no number-like or keyword text, nothing that could start a comment or a mapping.
    package static func isPlainSafe(_ string: String) -> Bool {
        let bytes = Array(string.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F || $0 == 0x20 }) else { return false }
        if first == 0x20 || last == 0x20 || last == UInt8(ascii: ":") { return false }
        // Indicators (YAML 1.2 §5.3) and anything that starts a number, `.inf`, `.nan` or `<<`.
        if Array("-?:,[]{}#&*!|>'\"%@`+.<=~0123456789".utf8).contains(first) { return false }
        // Flow indicators anywhere, `: ` (a mapping), ` #` (a comment); backslashes are fine in plain text.
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                return false
            case UInt8(ascii: ":") where bytes[index + 1] == 0x20: return false
            case UInt8(ascii: "#") where bytes[index - 1] == 0x20: return false
            default: continue
            }
        }
        return !keywords.contains(string.lowercased())
    }

    /// Words some YAML reader (1.2 core schema or 1.1) resolves to a null or a boolean, compared lower-cased; and
    /// the infinities and NaN spelt without YAML's dot, which number parsers (Swift's `Double(_:)` among them) take.
    static let keywords: Set<String> = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity",
    ]

    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")

    private static func appendIndent(_ count: Int, to output: inout [UInt8]) {
        output.append(contentsOf: repeatElement(space, count: count))
    }

    /// Scalars and empty collections: one line's worth of text, no line break.
    private static func appendInline(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .string(let string): appendString(string, to: &output)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        // JSON has no infinities or NaN; written as `null` as JSONValue writes them.
        case .double(let number): output.append(contentsOf: (number.isFinite ? String(number) : "null").utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        case .array: output.append(contentsOf: "[]".utf8)
        case .object: output.append(contentsOf: "{}".utf8)
        }
    }

    private static func isBlock(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        default: false
        }
    }

    /// `continuing`: the first line's indentation is already written (after `- `).
    private static func appendSequence(_ elements: [JSONValue], indent: Int, continuing: Bool, to output: inout [UInt8])
    {
        for (index, element) in elements.enumerated() {
            if index > 0 || !continuing { appendIndent(indent, to: &output) }
            output.append(UInt8(ascii: "-"))
            output.append(space)
            switch element {
            case .array(let inner) where !inner.isEmpty:
                appendSequence(inner, indent: indent + 2, continuing: true, to: &output)
            case .object(let members) where !members.isEmpty:
                appendMapping(members, indent: indent + 2, continuing: true, to: &output)
            default:
                appendInline(element, to: &output)
                output.append(newline)
            }
        }
    }

    private static func appendMapping(
        _ members: [(String, JSONValue)],
        indent: Int,
        continuing: Bool,
        to output: inout [UInt8]
    ) {
        for (index, (name, value)) in members.enumerated() {
            if index > 0 || !continuing { appendIndent(indent, to: &output) }
            var key: [UInt8] = []
            appendString(name, to: &key)
            if key.count > implicitKeyLimit {
                output.append(UInt8(ascii: "?"))
                output.append(space)
                output.append(contentsOf: key)
                output.append(newline)
                appendIndent(indent, to: &output)
            } else {
                output.append(contentsOf: key)
            }
            output.append(UInt8(ascii: ":"))
            if isBlock(value) {
                output.append(newline)
                switch value {
                case .array(let elements):
                    appendSequence(elements, indent: indent + 2, continuing: false, to: &output)
                case .object(let inner): appendMapping(inner, indent: indent + 2, continuing: false, to: &output)
                default: break
                }
            } else {
                output.append(space)
                appendInline(value, to: &output)
                output.append(newline)
            }
        }
    }

    private static func appendString(_ string: String, to output: inout [UInt8]) {
        if isPlainSafe(string) {
            output.append(contentsOf: string.utf8)
            return
        }
        output.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x22: output.append(contentsOf: "\\\"".utf8)
            case 0x5C: output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x00: output.append(contentsOf: "\\0".utf8)
            case 0x85: output.append(contentsOf: "\\N".utf8)
            case 0x2028: output.append(contentsOf: "\\L".utf8)
            case 0x2029: output.append(contentsOf: "\\P".utf8)
            case 0x01..<0x20, 0x7F, 0x80..<0xA0: output.append(contentsOf: "\\x\(hex(scalar.value, digits: 2))".utf8)
            case 0xFEFF, 0xD800..<0xE000, 0xFFFE, 0xFFFF:
                output.append(contentsOf: "\\u\(hex(scalar.value, digits: 4))".utf8)
            default: output.append(contentsOf: String(Character(scalar)).utf8)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
