import EventLoop

/// The query string rewrite for `google` (CONTRACT.md §5.3, E8): the client must not choose the key.
package enum GoogleQuery {
    /// The query to forward (without `?`), or nil for none.
    ///
    /// Drops every parameter whose percent-decoded name is `key` and appends `alt=sse` when `normalised` contains
    /// `stream` and no parameter is named `alt`. The remaining parameters keep their bytes and order.
    package static func rewrite(query: Substring?, normalised: String) -> String? {
        let parameters = (query ?? "").split(separator: "&", omittingEmptySubsequences: false)
        let kept = parameters.filter { decodedName(of: $0) != "key" }
        var result = kept.contains { !$0.isEmpty } ? kept.joined(separator: "&") : ""
        // Only an `alt` the client chose suppresses ours; the original appended a second one (§5.3).
        if normalised.contains("stream") && !kept.contains(where: { decodedName(of: $0) == "alt" }) {
            result += result.isEmpty ? "alt=sse" : "&alt=sse"
        }
        return result.isEmpty ? nil : result
    }

    private static func decodedName(of parameter: Substring) -> String {
        let name = parameter.prefix { $0 != "=" }
        return PercentDecoding.decoded(name)
    }
}
