/// Shapes the headers of an upstream request from the client's (CONTRACT.md §5.4).
///
/// An allowlist: only `content-type`, `accept`, `accept-encoding`, the provider's defaulted and feature headers
/// travel, and `neverForwarded` is checked first so that no table entry can ever re-admit an excluded name.
/// Allowed names are matched case-insensitively and sent in the spelling of the table (lowercase, or `X-Title`);
/// values are verbatim. A repeated allowed header is forwarded once per occurrence, in order: repeated field lines
/// mean the same as one comma-joined line (RFC 9110 §5.3), so forwarding each changes nothing upstream.
package enum RequestHeaders {
    /// Excluded names (lowercase), dropped even if a provider entry listed them (§5.4 "never forwarded").
    package static let neverForwarded: Set<String> = [
        "cookie",
        // The injected key replaces these: a client can neither substitute its own key nor leak its relay token.
        "authorization", "x-api-key", "x-goog-api-key", "xi-api-key",
        // Hop-by-hop (RFC 9110 §7.6.1); headers named in `Connection` are dropped as well.
        "connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade",
        // Set by the upstream client from the URL and the body actually sent.
        "host", "content-length", "expect",
        "origin", "referer", "user-agent",
        "forwarded", "x-real-ip", "x-request-id",
        "anthropic-dangerous-direct-browser-access",
    ]

    /// Excluded name prefixes (lowercase) (§5.4).
    package static let neverForwardedPrefixes: [String] = ["x-relay-", "x-forwarded-", "sec-", "x-stainless-"]

    /// The content type sent when the client sent none with a body (§5.4).
    package static let defaultContentType = "application/json"

    /// The upstream headers: forwarded client headers in their order, defaults, `HTTP-Referer`, then
    /// `User-Agent: byok-relay/<version>` and the injected key header last, so it always wins (§4.1).
    package static func shape(
        client: [(name: String, value: String)],
        provider: Provider,
        key: String,
        origin: String?,
        repositoryURL: String?,
        version: String,
        hasBody: Bool
    ) -> [(name: String, value: String)] {
        let connectionNamed = connectionTokens(in: client)
        var allowed: [String: String] = ["content-type": "content-type", "accept": "accept"]
        allowed["accept-encoding"] = "accept-encoding"
        for header in provider.defaultedHeaders { allowed[header.name.lowercased()] = header.name }
        for name in provider.featureHeaders { allowed[name.lowercased()] = name }

        var shaped: [(name: String, value: String)] = []
        for (name, value) in client {
            let lowercased = name.lowercased()
            guard !isNeverForwarded(lowercased), !connectionNamed.contains(lowercased),
                let upstreamName = allowed[lowercased]
            else { continue }
            // §5.4: an empty defaulted header counts as absent and is replaced by the default below.
            if value.isEmpty, provider.defaultedHeaders.contains(where: { $0.name.lowercased() == lowercased }) {
                continue
            }
            shaped.append((upstreamName, value))
        }

        if hasBody, !shaped.contains(where: { $0.name == "content-type" }) {
            shaped.append(("content-type", defaultContentType))
        }
        for header in provider.defaultedHeaders where !shaped.contains(where: { $0.name == header.name }) {
            shaped.append((header.name, header.value))
        }
        if provider.sendsHTTPReferer,
            let referer = referer(client: client, origin: origin, repositoryURL: repositoryURL)
        {
            shaped.append(("HTTP-Referer", referer))
        }
        shaped.append(("User-Agent", "byok-relay/\(version)"))
        shaped.append(provider.keyHeader(key))
        return shaped
    }

    /// Whether a lowercase header name is excluded whatever the provider.
    package static func isNeverForwarded(_ lowercasedName: String) -> Bool {
        neverForwarded.contains(lowercasedName) || neverForwardedPrefixes.contains { lowercasedName.hasPrefix($0) }
    }

    /// The first present of `http-referer`, `x-relay-referer`, `origin` unless `null`, the repository URL (§5.4).
    private static func referer(
        client: [(name: String, value: String)],
        origin: String?,
        repositoryURL: String?
    ) -> String? {
        let fromClient = ["http-referer", "x-relay-referer"].lazy.compactMap { wanted in
            client.first { $0.name.lowercased() == wanted && !$0.value.isEmpty }?.value
        }
        if let value = fromClient.first { return value }
        // An opaque origin serialises as the literal `null` (RFC 6454 §6.1); it names no site.
        if let origin, !origin.isEmpty, origin != "null" { return origin }
        if let repositoryURL, !repositoryURL.isEmpty { return repositoryURL }
        return nil
    }

    /// The lowercase names listed in every `Connection` header (RFC 9110 §7.6.1).
    private static func connectionTokens(in client: [(name: String, value: String)]) -> Set<String> {
        var tokens: Set<String> = []
        for (name, value) in client where name.lowercased() == "connection" {
            for token in value.split(separator: ",") {
                let trimmed = token.trimmingSpacesAndTabs().lowercased()
                if !trimmed.isEmpty { tokens.insert(trimmed) }
            }
        }
        return tokens
    }
}

extension Substring {
    fileprivate func trimmingSpacesAndTabs() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isWhitespace($0) }), let last = lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
