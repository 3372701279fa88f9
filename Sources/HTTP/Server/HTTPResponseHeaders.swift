/// Response header fields, kept as the bytes they are written as, so a fixed block (security headers, CORS) is
/// built once and copied per response instead of re-encoded.
package struct HTTPResponseHeaders: Sendable, Equatable {
    /// `Name: value\r\n` lines in the order added.
    package private(set) var bytes: [UInt8] = []
    /// The `Content-Length` value when one was added (a streamed response of known length).
    package private(set) var contentLength: Int?

    /// No fields.
    package init() {}

    /// Fields from name/value pairs.
    package init(_ fields: [(String, String)]) {
        for (name, value) in fields { add(name, value) }
    }

    /// Appends one field. A name or value with CR, LF or NUL is dropped: it would split the response (header
    /// injection), and no value the relay sends legitimately contains one.
    package mutating func add(_ name: String, _ value: String) {
        guard Self.isSafe(name), !name.isEmpty, Self.isSafe(value) else { return }
        if name.utf8.count == 14, name.lowercased() == "content-length" { contentLength = Int(value) }
        bytes.reserveCapacity(bytes.count + name.utf8.count + value.utf8.count + 4)
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
        bytes.append(contentsOf: value.utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends every field of `other`.
    package mutating func add(contentsOf other: HTTPResponseHeaders) {
        bytes.append(contentsOf: other.bytes)
        if let length = other.contentLength { contentLength = length }
    }

    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
