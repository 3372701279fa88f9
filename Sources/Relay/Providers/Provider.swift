/// One upstream provider as data (CONTRACT.md §4): adding a provider is one entry in `Provider.all`.
package struct Provider: Sendable, Equatable {
    /// How the stored key travels upstream (CONTRACT.md §4.1).
    package enum KeyInjection: Sendable, Equatable {
        /// `Authorization: Bearer <key>`.
        case bearer
        /// `Authorization: Token <key>` (Deepgram).
        case token
        /// `<name>: <key>`, e.g. `x-api-key`, `x-goog-api-key` (E8), `xi-api-key`.
        case header(String)
    }

    /// A header the relay forwards from the client and sets to `value` when the client sent none or an empty one.
    package struct DefaultedHeader: Sendable, Equatable {
        /// The header name as sent upstream (lowercase).
        package let name: String
        /// The value used when the client's is absent or empty.
        package let value: String

        /// A header defaulted to `value`.
        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The provider's name in routes and messages, e.g. `anthropic`.
    package let name: String
    /// The default base URL; nil for `openai-compatible`, whose origin comes from `x-relay-base-url` (§5.5).
    package let defaultBaseURL: String?
    /// How the key is injected.
    package let keyInjection: KeyInjection
    /// Headers forwarded from the client with a default when absent or empty (`anthropic-version`, §5.4).
    package let defaultedHeaders: [DefaultedHeader]
    /// Provider feature headers forwarded when present (E10), spelled as sent upstream; matched case-insensitively.
    package let featureHeaders: [String]
    /// Whether `HTTP-Referer` is built from the referer chain of §5.4 (OpenRouter).
    package let sendsHTTPReferer: Bool
    /// Whether endpoints commonly take or return non-JSON bodies; informs documentation only (§4.1).
    package let isBinary: Bool
    /// The rotation-time format check with its hint (§4.3); nil when keys are not checked.
    package let keyFormat: KeyFormat?
    /// The `GET` path that verifies a key (§4.3); nil when verification is skipped.
    package let verificationPath: String?
    /// The unauthenticated deep-health-check path (§4.3, §9.1); nil when not supported.
    package let probePath: String?

    /// A provider entry; every field is spelled out so a table row reads like CONTRACT.md §4.
    package init(
        name: String,
        defaultBaseURL: String?,
        keyInjection: KeyInjection,
        defaultedHeaders: [DefaultedHeader] = [],
        featureHeaders: [String] = [],
        sendsHTTPReferer: Bool = false,
        isBinary: Bool,
        keyFormat: KeyFormat?,
        verificationPath: String?,
        probePath: String?
    ) {
        self.name = name
        self.defaultBaseURL = defaultBaseURL
        self.keyInjection = keyInjection
        self.defaultedHeaders = defaultedHeaders
        self.featureHeaders = featureHeaders
        self.sendsHTTPReferer = sendsHTTPReferer
        self.isBinary = isBinary
        self.keyFormat = keyFormat
        self.verificationPath = verificationPath
        self.probePath = probePath
    }

    /// The header carrying `key` upstream; it is sent last and always wins (§4.1).
    package func keyHeader(_ key: String) -> (name: String, value: String) {
        switch keyInjection {
        case .bearer: ("Authorization", "Bearer \(key)")
        case .token: ("Authorization", "Token \(key)")
        case .header(let name): (name, key)
        }
    }

    /// The headers of a verification request (§4.3): the defaulted headers at their defaults, then the key.
    package func verificationHeaders(key: String) -> [(name: String, value: String)] {
        defaultedHeaders.map { ($0.name, $0.value) } + [keyHeader(key)]
    }
}
