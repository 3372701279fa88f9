/// A `RELAY_UPSTREAM_<PROVIDER>` base URL override (CONTRACT.md E3).
package struct UpstreamOverride: Equatable, Sendable {
    /// The provider name of §4, e.g. `openai-compatible`.
    package let provider: String
    /// The base URL without a trailing `/`; the upstream URL is `<baseURL><forwarded path>[?<query>]`.
    package let baseURL: String

    /// Whether the override uses `http://`, which E3 allows with a start-up warning.
    package var isPlainHTTP: Bool {
        baseURL.lowercased().hasPrefix("http://")
    }

    /// The providers of CONTRACT.md §4, in the contract's order.
    package static let providers = [
        "anthropic", "openai", "google", "groq", "openrouter", "mistral", "elevenlabs", "huggingface", "deepgram",
        "openai-compatible",
    ]

    /// The prefix of every override variable.
    package static let variablePrefix = "RELAY_UPSTREAM_"

    /// `RELAY_UPSTREAM_` and the provider name in upper case with `-` as `_` (E3).
    package static func variableName(for provider: String) -> String {
        variablePrefix + String(provider.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// The provider a variable suffix names (`OPENAI_COMPATIBLE` → `openai-compatible`), if any.
    package static func provider(forSuffix suffix: String) -> String? {
        providers.first { variableName(for: $0) == variablePrefix + suffix }
    }

    /// An override from a variable's value, or nil when it is not an absolute http(s) URL without credentials,
    /// query or fragment (E3). One trailing `/` is removed.
    package init?(provider: String, value: String) {
        guard let separator = value.firstRange(of: "://") else { return nil }
        let scheme = value[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = value[separator.upperBound...]
        // A query or fragment would be cut off by the forwarded path; credentials belong to no override.
        guard !rest.contains("?"), !rest.contains("#") else { return nil }
        let authority = rest.prefix { $0 != "/" }
        let path = rest[authority.endIndex...]
        guard !authority.contains("@"), URLSyntax.hostAndPort(authority) != nil,
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        self.provider = provider
        self.baseURL = value.hasSuffix("/") ? String(value.dropLast()) : value
    }
}
