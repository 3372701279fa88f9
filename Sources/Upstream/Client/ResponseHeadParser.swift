/// Assembles the response head from the lines curl's header callback hands over one at a time: a status line,
/// field lines, an empty line. Informational heads (1xx) are skipped; lines after the final head (trailers) are
/// ignored. Obsolete line folding continues the previous value.
struct ResponseHeadParser {
    private var status: Int?
    private var headers: [(name: String, value: String)] = []
    private(set) var isComplete = false

    /// Takes one line (with or without its CR LF); returns the head once the line completed it.
    mutating func consume(_ line: UnsafeRawBufferPointer) -> (status: Int, headers: [(name: String, value: String)])? {
        guard !isComplete else { return nil }
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let content = UnsafeRawBufferPointer(rebasing: line[0..<end])
        if content.isEmpty {
            guard let status else { return nil }
            if (100..<200).contains(status) {
                self.status = nil
                headers = []
                return nil
            }
            isComplete = true
            return (status, headers)
        }
        if content.starts(with: Self.httpPrefix) {
            status = Self.statusCode(in: content)
            headers = []
            return nil
        }
        if content[0] == UInt8(ascii: " ") || content[0] == UInt8(ascii: "\t") {
            if !headers.isEmpty { headers[headers.count - 1].value += " " + Self.trimmed(content[...]) }
            return nil
        }
        guard let colon = content.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return nil }
        let name = String(decoding: content[0..<colon], as: UTF8.self)
        headers.append((name, Self.trimmed(content[(colon + 1)...])))
        return nil
    }

    private static let httpPrefix = Array("HTTP/".utf8)

    /// The three digits after the first space of `HTTP/1.1 200 OK` or `HTTP/2 200`.
    private static func statusCode(in line: UnsafeRawBufferPointer) -> Int? {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space + 3 <= line.count else { return nil }
        var code = 0
        for byte in line[(space + 1)..<(space + 4)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return code
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var slice = bytes[...]
        while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            slice = slice.dropLast()
        }
        return String(decoding: slice, as: UTF8.self)
    }
}
