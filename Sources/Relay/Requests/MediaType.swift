import HTTP

/// Media-type tests on `Content-Type` values, byte by byte without allocating: they run on every relayed request
/// and response.
enum MediaType {
    /// The type/subtype part: before any `;`, without surrounding spaces and tabs.
    static func essence(of value: String) -> Substring.UTF8View {
        var bytes = value.utf8[...]
        if let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) { bytes = bytes[..<semicolon] }
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            bytes = bytes.dropFirst()
        }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            bytes = bytes.dropLast()
        }
        return bytes
    }

    /// `application/json` or `application/*+json`, case-insensitive, parameters ignored (CONTRACT.md §1.1).
    static func isJSON(_ value: String) -> Bool {
        let essence = essence(of: value)
        guard essence.count > applicationPrefix.count,
            HTTPSyntax.equalsIgnoringASCIICase(essence.prefix(applicationPrefix.count), applicationPrefix)
        else { return false }
        let subtype = essence.dropFirst(applicationPrefix.count)
        if HTTPSyntax.equalsIgnoringASCIICase(subtype, json) { return true }
        return subtype.count > plusJSON.count
            && HTTPSyntax.equalsIgnoringASCIICase(subtype.suffix(plusJSON.count), plusJSON)
    }

    /// `text/event-stream`, case-insensitive, parameters ignored (CONTRACT.md §5.8).
    static func isEventStream(_ value: String) -> Bool {
        HTTPSyntax.equalsIgnoringASCIICase(essence(of: value), eventStream)
    }

    private static let applicationPrefix = Array("application/".utf8)
    private static let json = Array("json".utf8)
    private static let plusJSON = Array("+json".utf8)
    private static let eventStream = Array("text/event-stream".utf8)
}
