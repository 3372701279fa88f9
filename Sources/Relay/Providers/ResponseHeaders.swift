/// Shapes a provider's response headers for the client (CONTRACT.md §5.7) and reads what §5.8 needs from them.
///
/// An allowlist, as on the request side (`RequestHeaders`): only the names below reach the client, so a provider's
/// `set-cookie`, `location`, caching or CORS headers, or its own `ratelimit-*` (the names of the relay's limit,
/// §7.3), can never be mistaken for the relay's. Names are forwarded lower-cased; values verbatim; repeated
/// fields each forwarded, in order.
package struct ResponseHeaders: Sendable {
    /// Forwarded under their own name (§5.7's table).
    package static let forwardedNames: Set<String> = [
        "content-type", "content-length", "content-encoding", "content-disposition", "content-language",
        // The SDKs' retry hints (E12).
        "retry-after", "retry-after-ms", "x-should-retry",
        // Request ids, for support requests to the provider.
        "request-id", "openai-processing-ms", "openai-version", "dg-request-id", "history-item-id",
    ]

    /// Forwarded when the name starts with one of these: the providers' rate-limit state (§5.7).
    package static let forwardedPrefixes = [
        "x-ratelimit-", "anthropic-ratelimit-", "ratelimitbysize-", "x-ratelimitbysize-",
    ]

    /// The provider's `x-request-id` is renamed so the relay's own `x-request-id` (§1.5) stays unambiguous.
    package static let renamed: [String: String] = ["x-request-id": "x-upstream-request-id"]

    /// The headers to send, in the provider's order, names lower-cased.
    package let forwarded: [(name: String, value: String)]
    /// Whether the response is an event stream: the media type of `content-type` is `text/event-stream` (§5.8).
    package let isEventStream: Bool
    /// Whether a failure after the head may be reported with an SSE error frame: an event stream whose body is not
    /// encoded (no `content-encoding`, or `identity`). A frame spliced into a compressed body would corrupt it.
    package let acceptsErrorFrame: Bool

    /// Shapes `upstream`, the provider's header fields as received.
    package init(upstream: [(name: String, value: String)]) {
        var forwarded: [(name: String, value: String)] = []
        for (name, value) in upstream {
            let lowercased = name.lowercased()
            if let newName = Self.renamed[lowercased] {
                forwarded.append((newName, value))
            } else if Self.forwardedNames.contains(lowercased)
                || Self.forwardedPrefixes.contains(where: { lowercased.hasPrefix($0) })
            {
                forwarded.append((lowercased, value))
            }
        }
        self.forwarded = forwarded
        // With several `content-type` fields (which RFC 9110 does not allow), the first one decides.
        let contentType = forwarded.first { $0.name == "content-type" }?.value
        isEventStream = contentType.map(Self.isEventStreamMediaType) ?? false
        let encodings = forwarded.filter { $0.name == "content-encoding" }.map { $0.value.trimmingHTTPWhitespace() }
        acceptsErrorFrame = isEventStream && encodings.allSatisfy { $0.isEmpty || $0.lowercased() == "identity" }
    }

    /// The forwarded names, each once, in order: for `Access-Control-Expose-Headers` (§1.4), so browser code can
    /// read the provider's request ids, rate limits and retry hints.
    package var exposedNames: [String] {
        var seen: Set<String> = []
        return forwarded.map(\.name).filter { seen.insert($0).inserted }
    }

    /// `text/event-stream`, case-insensitive, parameters (`; charset=utf-8`) and surrounding whitespace ignored.
    package static func isEventStreamMediaType(_ value: String) -> Bool { MediaType.isEventStream(value) }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (RFC 9110 OWS).
    fileprivate func trimmingHTTPWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isWhitespace($0) }), let last = lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
