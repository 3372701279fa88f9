import EventLoop

/// Reads back the subset of YAML that `YAMLEmitter` writes: block mappings and sequences indented by two, compact
/// `- ` entries, explicit `? ` keys, plain and double-quoted scalars, `[]` and `{}`. Anything else is refused with
/// `nil`. It exists so the tests and the fuzzer can check that emitted text means the data it was made from; the
/// relay itself never reads YAML.
package struct YAMLReader {
    private let lines: [[UInt8]]
    private var line = 0

    private init(_ text: String) {
        var lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(
            Array.init
        )
        if lines.last == [] { lines.removeLast() }
        self.lines = lines
    }

    /// The value `text` describes, or `nil` if it is not in the emitter's subset.
    package static func read(_ text: String) -> JSONValue? {
        var reader = YAMLReader(text)
        guard !reader.lines.isEmpty, let value = reader.node(column: 0) else { return nil }
        return reader.line == reader.lines.count ? value : nil
    }

    private func indentation(of index: Int) -> Int { lines[index].prefix { $0 == 0x20 }.count }

    /// The node that starts at `column` of the current line.
    private mutating func node(column: Int) -> JSONValue? {
        let text = lines[line][column...]
        if text.first == UInt8(ascii: "-") && (text.count == 1 || text.dropFirst().first == 0x20) {
            return sequence(column: column)
        }
        if text.first == UInt8(ascii: "?") || Self.keyEnd(text) != nil { return mapping(column: column) }
        line += 1
        return Self.inlineValue(text)
    }

    private mutating func sequence(column: Int) -> JSONValue? {
        var elements: [JSONValue] = []
        while line < lines.count {
            let text = lines[line]
            guard text.count >= column + 2, text[column] == UInt8(ascii: "-"), text[column + 1] == 0x20 else { break }
            guard let element = node(column: column + 2) else { return nil }
            elements.append(element)
            guard line < lines.count, indentation(of: line) == column else { break }
        }
        return .array(elements)
    }

    private mutating func mapping(column: Int) -> JSONValue? {
        var members: [(String, JSONValue)] = []
        while line < lines.count {
            let text = lines[line][column...]
            let name: String
            var rest: ArraySlice<UInt8>
            if text.starts(with: Array("? ".utf8)) {
                guard case .string(let key)? = Self.scalar(text.dropFirst(2)) else { return nil }
                line += 1
                guard line < lines.count, indentation(of: line) == column,
                    lines[line].dropFirst(column).first == UInt8(ascii: ":")
                else { return nil }
                (name, rest) = (key, lines[line][(column + 1)...])
            } else {
                guard let end = Self.keyEnd(text), case .string(let key)? = Self.scalar(text[..<end]) else {
                    return nil
                }
                (name, rest) = (key, text[(end + 1)...])
            }
            if rest.isEmpty {
                line += 1
                guard line < lines.count, indentation(of: line) > column else { return nil }
                guard let value = node(column: indentation(of: line)) else { return nil }
                members.append((name, value))
            } else {
                guard rest.first == 0x20, let value = Self.inlineValue(rest.dropFirst()) else { return nil }
                line += 1
                members.append((name, value))
            }
            guard line < lines.count, indentation(of: line) == column else { break }
        }
        return .object(members)
    }

    /// Where the `:` after a key is: after a closing quote, or the first `: ` (or final `:`) of plain text.
    private static func keyEnd(_ text: ArraySlice<UInt8>) -> Int? {
        if text.first == UInt8(ascii: "\"") {
            var index = text.startIndex + 1
            while index < text.endIndex {
                if text[index] == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if text[index] == UInt8(ascii: "\"") { break }
                index += 1
            }
            let colon = index + 1
            return colon < text.endIndex && text[colon] == UInt8(ascii: ":") ? colon : nil
        }
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: ":") && (index + 1 == text.endIndex || text[index + 1] == 0x20) {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func inlineValue(_ text: ArraySlice<UInt8>) -> JSONValue? {
        if text.elementsEqual("[]".utf8) { return .array([]) }
        if text.elementsEqual("{}".utf8) { return .object([]) }
        return scalar(text)
    }

    /// A plain or double-quoted scalar, resolved as the emitter writes them.
    private static func scalar(_ text: ArraySlice<UInt8>) -> JSONValue? {
        guard let first = text.first else { return nil }
        if first == UInt8(ascii: "\"") { return quoted(text.dropFirst()).map(JSONValue.string) }
        let string = String(decoding: text, as: UTF8.self)
        switch string {
        case "null": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        if let number = Int(string) { return .int(number) }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: ".") || (0x30...0x39).contains(first) {
            return Double(string).map(JSONValue.double)
        }
        return YAMLEmitter.isPlainSafe(string) ? .string(string) : nil
    }

    private static func quoted(_ text: ArraySlice<UInt8>) -> String? {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                return index == text.endIndex ? String(validating: bytes, as: UTF8.self) : nil
            }
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            guard index < text.endIndex else { return nil }
            let escape = text[index]
            index += 1
            let simple: [UInt8: UInt32] = [
                UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09,
                UInt8(ascii: "r"): 0x0D, UInt8(ascii: "0"): 0x00, UInt8(ascii: "N"): 0x85, UInt8(ascii: "L"): 0x2028,
                UInt8(ascii: "P"): 0x2029,
            ]
            var value: UInt32
            if let known = simple[escape] {
                value = known
            } else {
                let digits = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : 0
                guard digits > 0, index + digits <= text.endIndex,
                    let parsed = UInt32(String(decoding: text[index..<(index + digits)], as: UTF8.self), radix: 16)
                else { return nil }
                value = parsed
                index += digits
            }
            // Lone surrogates cannot be in a Swift string, so the emitter never writes them.
            guard let scalar = Unicode.Scalar(value) else { return nil }
            bytes.append(contentsOf: String(Character(scalar)).utf8)
        }
        return nil
    }
}
