/// The provider's response head as the browser gets it (CONTRACT.md §5.7): an allowlist of names, the provider's
/// `x-request-id` renamed, and whether the body is an event stream (§5.8).
struct RelayedResponseHead {
    /// Forwarded headers in the provider's order, names lowercase.
    private(set) var forwarded: [(name: String, value: String)] = []
    private(set) var isEventStream = false
    /// No `content-encoding`, or `identity`: an SSE error frame may be appended (§5.8).
    private(set) var hasIdentityEncoding = true

    private static let forwardedNames: Set<String> = [
        "content-type", "content-length", "content-encoding", "content-disposition", "content-language",
        "retry-after", "retry-after-ms", "x-should-retry", "request-id", "openai-processing-ms", "openai-version",
        "dg-request-id", "history-item-id",
    ]
    private static let forwardedPrefixes = ["x-ratelimit-", "anthropic-ratelimit-", "ratelimitbysize-", "x-ratelimitbysize-"]

    init(upstreamHeaders: [(name: String, value: String)]) {
        for (name, value) in upstreamHeaders {
            let lower = name.lowercased()
            if lower == "x-request-id" {
                forwarded.append(("x-upstream-request-id", value))
            } else if Self.forwardedNames.contains(lower) || Self.forwardedPrefixes.contains(where: lower.hasPrefix) {
                forwarded.append((lower, value))
                if lower == "content-type" {
                    let media = (value.split(separator: ";", maxSplits: 1).first ?? "").trimmingBlanks()
                    isEventStream = media.lowercased() == "text/event-stream"
                } else if lower == "content-encoding" {
                    hasIdentityEncoding = value[...].trimmingBlanks().lowercased() == "identity"
                }
            }
        }
    }
}
