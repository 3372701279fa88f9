/// The CORS headers of CONTRACT.md §1.4, as pure functions of the request's `Origin` and preflight headers.
package struct CORSPolicy: Equatable, Sendable {
    /// Wildcard or list mode, from `ALLOWED_ORIGINS`.
    package let allowedOrigins: AllowedOrigins
    /// `Access-Control-Max-Age` of preflights, from `CORS_MAX_AGE_SECONDS`.
    package let maxAgeSeconds: Int

    /// `Access-Control-Allow-Methods`: one fixed list on every path, whatever the route accepts (§1.4).
    package static let allowedMethods = "GET, POST, DELETE, OPTIONS"

    /// `Access-Control-Allow-Headers` when the preflight names no usable header (§1.4).
    package static let defaultAllowedHeaders =
        "content-type, authorization, x-relay-token, x-relay-base-url, x-relay-referer, x-title, http-referer, "
        + "anthropic-version, anthropic-beta, openai-organization, openai-project, openai-beta, x-api-key, "
        + "x-goog-api-key, x-request-id, accept"

    /// At most this many names are echoed in `Access-Control-Allow-Headers` (§1.4).
    package static let maximumAllowedHeaderCount = 64

    /// The headers every non-preflight response with `Access-Control-Allow-Origin` exposes (§1.4).
    package static let exposedHeaders =
        "x-request-id, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"

    /// A policy from its parts.
    package init(allowedOrigins: AllowedOrigins, maxAgeSeconds: Int) {
        self.allowedOrigins = allowedOrigins
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// The policy `ALLOWED_ORIGINS` and `CORS_MAX_AGE_SECONDS` describe.
    package init(configuration: Configuration) {
        self.init(allowedOrigins: configuration.allowedOrigins, maxAgeSeconds: configuration.corsMaxAgeSeconds)
    }

    /// The `Access-Control-Allow-Origin` value for a request, or nil when list mode does not admit its origin.
    package func allowOriginValue(origin: String?) -> String? {
        switch allowedOrigins {
        case .any:
            return "*"
        case .list(let origins):
            // §1.4: the request's Origin, lower-cased, equals an entry; the response echoes it verbatim.
            guard let origin, origins.contains(origin.lowercased()) else { return nil }
            return origin
        }
    }

    /// Headers for a non-preflight response; `forwardedHeaderNames` are the upstream headers forwarded on a
    /// relayed response (§5.7), exposed after the fixed list.
    package func responseHeaders(origin: String?, forwardedHeaderNames: [String] = []) -> [(String, String)] {
        var headers: [(String, String)] = []
        if let allowOrigin = allowOriginValue(origin: origin) {
            headers.append(("Access-Control-Allow-Origin", allowOrigin))
            let exposed = ([Self.exposedHeaders] + forwardedHeaderNames).joined(separator: ", ")
            headers.append(("Access-Control-Expose-Headers", exposed))
        }
        // §1.4: in list mode every response varies by origin, matched or not; in wildcard mode none does.
        if case .list = allowedOrigins {
            headers.append(("Vary", "Origin"))
        }
        return headers
    }

    /// Headers for a relayed provider response: the fixed exposed list followed by every upstream header name
    /// `upstream` forwards (§1.4, §5.7), so browser code can read request ids, rate limits and retry hints.
    package func responseHeaders(origin: String?, relaying upstream: ResponseHeaders) -> [(String, String)] {
        responseHeaders(origin: origin, forwardedHeaderNames: upstream.exposedNames)
    }

    /// Headers for the `204` answer to any `OPTIONS` request (§1.4's preflight table).
    ///
    /// `requestedHeaders` is the `Access-Control-Request-Headers` value (several fields joined with `, `).
    package func preflightHeaders(origin: String?, requestedHeaders: String?) -> [(String, String)] {
        var headers: [(String, String)] = []
        let vary: String
        switch allowedOrigins {
        case .any: vary = "Access-Control-Request-Headers"
        case .list: vary = "Origin, Access-Control-Request-Headers"
        }
        // §1.4: without Access-Control-Allow-Origin no other Access-Control-* header is sent; Vary still is.
        if let allowOrigin = allowOriginValue(origin: origin) {
            headers.append(("Access-Control-Allow-Origin", allowOrigin))
            headers.append(("Access-Control-Allow-Methods", Self.allowedMethods))
            headers.append(("Access-Control-Allow-Headers", Self.allowedHeaders(requested: requestedHeaders)))
            headers.append(("Access-Control-Max-Age", String(maxAgeSeconds)))
        }
        headers.append(("Vary", vary))
        return headers
    }

    /// The requested header names lower-cased, in order, names that are not RFC 9110 tokens dropped, at most 64.
    ///
    /// When the request names none, or none survive, the default list is sent: a browser that asked for
    /// nothing usable is best served by the headers the relay's own clients need (the contract only covers
    /// the absent case).
    package static func allowedHeaders(requested: String?) -> String {
        guard let requested else { return defaultAllowedHeaders }
        var names: [String] = []
        for field in requested.split(separator: ",", omittingEmptySubsequences: true) {
            let name = field.trimmingBlanks()
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { continue }
            names.append(name.lowercased())
            if names.count == maximumAllowedHeaderCount {
                break
            }
        }
        return names.isEmpty ? defaultAllowedHeaders : names.joined(separator: ", ")
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
