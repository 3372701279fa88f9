import HTTP

/// Finding the relay token in a request (CONTRACT.md §2.4 steps 1–3, E12). Pure: no lookup, no clock.
enum TokenCredential: Equatable {
    /// A candidate token to look up.
    case presented(String)
    /// No credential at all → 401 `x-relay-token header required`.
    case missing
    /// A credential that can never be valid (repeated header, too long, bad characters) → 401 `Invalid or expired
    /// token`, without a lookup.
    case malformed

    /// The longest value looked up (§2.4 step 3).
    static let maximumLength = 512

    /// Reads `x-relay-token`, else the first SDK header (E12) whose value starts with `br_`.
    init(headers: HTTPHeaders) {
        let relayTokens = headers.values(for: "x-relay-token")
        if relayTokens.count > 1 {
            self = .malformed
            return
        }
        if let value = relayTokens.first, !value.isEmpty {
            self = Self.checked(value)
            return
        }
        for name in ["authorization", "x-api-key", "x-goog-api-key"] {
            let values = headers.values(for: name)
            let candidates = values.compactMap { Self.relayToken(in: $0, header: name) }
            guard let candidate = candidates.first else { continue }
            // The same credential header twice is refused rather than guessed at (§2.4 step 3).
            self = values.count > 1 ? .malformed : Self.checked(candidate)
            return
        }
        self = .missing
    }

    /// The token in an SDK header value, when it is one: `Bearer br_…` for Authorization, `br_…` for the others.
    private static func relayToken(in value: String, header: String) -> String? {
        var token = Substring(value)
        if header == "authorization" {
            let scheme = "bearer "
            guard token.utf8.count > scheme.utf8.count,
                HTTPSyntax.equalsIgnoringASCIICase(token.utf8.prefix(scheme.utf8.count), scheme.utf8)
            else { return nil }
            // Sliced by bytes: a combining mark after the space would merge with it into one Character.
            token = Substring(token.utf8.dropFirst(scheme.utf8.count))
        }
        return token.hasPrefix("br_") ? String(token) : nil
    }

    /// At most 512 characters, each visible ASCII (0x21–0x7E).
    private static func checked(_ value: String) -> TokenCredential {
        guard value.utf8.count <= maximumLength, value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return .malformed
        }
        return .presented(value)
    }
}
