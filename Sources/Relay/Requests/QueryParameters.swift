import EventLoop

/// `name=value` pairs of a query string as browsers' `URLSearchParams` reads them: split on `&`, `+` is a space,
/// percent-escapes decoded (a malformed escape stays as written).
enum QueryParameters {
    static func parse(_ query: Substring?) -> [(name: String, value: String)] {
        guard let query else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }

    /// The first value of `name`, if present.
    static func value(of name: String, in query: Substring?) -> String? {
        parse(query).first { $0.name == name }?.value
    }

    private static func decoded(_ text: Substring) -> String {
        let spaced = text.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
        return String(decoding: PercentDecoding.decoded(spaced), as: UTF8.self)
    }
}
