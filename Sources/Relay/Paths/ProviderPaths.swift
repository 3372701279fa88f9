/// The path prefixes each provider may be reached under (CONTRACT.md §4.2); everything else is refused with `403`.
package enum ProviderPaths {
    private static let openAICompatible = [
        "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages", "/v1/responses",
        "/api/v1/chat/completions", "/api/v1/completions", "/api/v1/embeddings",
        "/openai/v1/chat/completions", "/openai/v1/completions", "/openai/v1/embeddings",
    ]

    /// Allowed prefixes by provider name, in the order of §4.2.
    package static let prefixes: [String: [String]] = [
        "anthropic": ["/v1/messages", "/v1/complete"],
        "openai": ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"],
        "google": ["/v1beta/models", "/v1/models"],
        "groq": ["/openai/v1/chat/completions", "/openai/v1/completions", "/openai/v1/embeddings"],
        "openrouter": ["/api/v1/chat/completions", "/api/v1/completions", "/api/v1/embeddings"],
        "mistral": ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/fim/completions"],
        "elevenlabs": [
            "/v1/text-to-speech", "/v1/speech-to-speech", "/v1/sound-generation", "/v1/audio-isolation",
            "/v1/voice-generation", "/v1/voices",
        ],
        "huggingface": ["/models"],
        "deepgram": ["/v1/listen", "/v1/speak", "/v1/read"],
        "openai-compatible": openAICompatible,
    ]

    /// Whether `normalised` (`N` of §5.3) equals a prefix of `provider` or continues one after a `/`.
    ///
    /// Case-sensitive. False for a provider not in the table: unknown providers are refused earlier (§5.2 step 11).
    package static func isAllowed(normalised: String, provider: String) -> Bool {
        guard let allowed = prefixes[provider] else {
            return false
        }
        return allowed.contains { normalised == $0 || normalised.hasPrefix($0 + "/") }
    }

    /// The `403` message for a path outside the allowlist; `N` passed §5.3 and `provider` is from our table.
    package static func refusalMessage(normalised: String, provider: String) -> String {
        "Path \"\(normalised)\" is not permitted for provider \"\(provider)\". Only inference endpoints are allowed."
    }
}
