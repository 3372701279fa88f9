import MockProvider

extension MockProvider {
    /// The providers of CONTRACT.md §4, whose base URLs `RELAY_UPSTREAM_<PROVIDER>` replaces (E3).
    package static let relayProviders = [
        "anthropic", "openai", "google", "groq", "openrouter", "mistral", "elevenlabs", "huggingface", "deepgram",
        "openai-compatible",
    ]

    /// `RELAY_UPSTREAM_<PROVIDER>` for each of `providers`, pointing at this mock, for `RelayProcess(environment:)`.
    /// `parameters` (e.g. `mock=status&code=401`) go into a `/_mock/` path prefix, for requests whose query a test
    /// cannot choose (key verification, deep probes).
    package func relayEnvironment(
        for providers: [String] = MockProvider.relayProviders,
        parameters: String? = nil
    ) -> [String: String] {
        let base = baseURL + (parameters.map { MockBehavior.pathPrefix + $0 } ?? "")
        var environment: [String: String] = [:]
        for provider in providers {
            environment["RELAY_UPSTREAM_" + String(provider.uppercased().map { $0 == "-" ? "_" : $0 })] = base
        }
        return environment
    }
}
