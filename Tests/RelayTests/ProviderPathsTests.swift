import Relay
import Testing

// CONTRACT.md §4.2, copied here rather than read from `ProviderPaths` so a changed table fails a test.
private let contractPrefixes: [(String, [String])] = [
    ("anthropic", ["/v1/messages", "/v1/complete"]),
    ("openai", ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"]),
    ("google", ["/v1beta/models", "/v1/models"]),
    ("groq", ["/openai/v1/chat/completions", "/openai/v1/completions", "/openai/v1/embeddings"]),
    ("openrouter", ["/api/v1/chat/completions", "/api/v1/completions", "/api/v1/embeddings"]),
    ("mistral", ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/fim/completions"]),
    (
        "elevenlabs",
        [
            "/v1/text-to-speech", "/v1/speech-to-speech", "/v1/sound-generation", "/v1/audio-isolation",
            "/v1/voice-generation", "/v1/voices",
        ]
    ),
    ("huggingface", ["/models"]),
    ("deepgram", ["/v1/listen", "/v1/speak", "/v1/read"]),
    (
        "openai-compatible",
        [
            "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages", "/v1/responses",
            "/api/v1/chat/completions", "/api/v1/completions", "/api/v1/embeddings",
            "/openai/v1/chat/completions", "/openai/v1/completions", "/openai/v1/embeddings",
        ]
    ),
]

@Test func testTableMatchesContract() {
    #expect(ProviderPaths.prefixes.count == 10)
    for (provider, prefixes) in contractPrefixes {
        #expect(ProviderPaths.prefixes[provider] == prefixes, "\(provider)")
    }
}

@Test(arguments: contractPrefixes)
func testPrefixAndItsSubPathsAreAllowed(_ provider: String, _ prefixes: [String]) {
    for prefix in prefixes {
        #expect(ProviderPaths.isAllowed(normalised: prefix, provider: provider), "\(prefix)")
        #expect(ProviderPaths.isAllowed(normalised: prefix + "/", provider: provider), "\(prefix)/")
        #expect(ProviderPaths.isAllowed(normalised: prefix + "/x", provider: provider), "\(prefix)/x")
        #expect(ProviderPaths.isAllowed(normalised: prefix + "/x/y:z", provider: provider), "\(prefix)/x/y:z")
    }
}

@Test(arguments: contractPrefixes)
func testNearMissesOfPrefixAreRefused(_ provider: String, _ prefixes: [String]) {
    for prefix in prefixes {
        for nearMiss in [
            prefix + "X", prefix + "s", prefix + ":x", prefix + "-x", prefix.uppercased(),
            String(prefix.dropLast()), "/x" + prefix, prefix.replacingFirstLetterWithCapital,
        ] {
            #expect(!ProviderPaths.isAllowed(normalised: nearMiss, provider: provider), "\(nearMiss)")
        }
    }
}

@Test(arguments: contractPrefixes.map(\.0))
func testEndpointsOutsideInferenceAreRefused(_ provider: String) {
    for path in [
        "/", "", "/v1", "/v1/files", "/v1/fine_tuning/jobs", "/v1/models/x/delete", "/v1/organization",
        "/dashboard/billing", "/v1/batches",
    ] {
        // `/v1/models` is google's; everything else here is refused for every provider.
        let expected = provider == "google" && path == "/v1/models/x/delete"
        #expect(ProviderPaths.isAllowed(normalised: path, provider: provider) == expected, "\(path)")
    }
}

// The sub-paths §4.2 names as allowed by design.
private let contractSubPaths: [(String, String)] = [
    ("anthropic", "/v1/messages/count_tokens"),
    ("elevenlabs", "/v1/text-to-speech/voice123/stream"),
    ("google", "/v1beta/models/gemini-2.0-flash:generateContent"),
]

@Test(arguments: contractSubPaths)
func testContractSubPathIsAllowed(_ provider: String, _ path: String) {
    #expect(ProviderPaths.isAllowed(normalised: path, provider: provider))
}

@Test func testPrefixesDoNotCrossProviders() {
    #expect(!ProviderPaths.isAllowed(normalised: "/v1/messages", provider: "openai"))
    #expect(!ProviderPaths.isAllowed(normalised: "/v1/chat/completions", provider: "anthropic"))
    #expect(!ProviderPaths.isAllowed(normalised: "/v1/chat/completions", provider: "groq"))
    #expect(!ProviderPaths.isAllowed(normalised: "/v1/fim/completions", provider: "openai"))
    #expect(ProviderPaths.isAllowed(normalised: "/v1/messages", provider: "openai-compatible"))
}

@Test func testProviderNameIsMatchedExactly() {
    #expect(!ProviderPaths.isAllowed(normalised: "/v1/messages", provider: "Anthropic"))
    #expect(!ProviderPaths.isAllowed(normalised: "/v1/messages", provider: "unknown"))
    #expect(!ProviderPaths.isAllowed(normalised: "/v1/messages", provider: ""))
}

@Test func testRefusalMessageQuotesPathAndProvider() {
    #expect(
        ProviderPaths.refusalMessage(normalised: "/v1/files", provider: "openai")
            == "Path \"/v1/files\" is not permitted for provider \"openai\". Only inference endpoints are allowed."
    )
    #expect(
        ProviderPaths.refusalMessage(normalised: "/", provider: "openai")
            == "Path \"/\" is not permitted for provider \"openai\". Only inference endpoints are allowed."
    )
}

extension String {
    /// `/v1/messages` → `/V1/messages`: a case-only change in the first path character after `/`.
    fileprivate var replacingFirstLetterWithCapital: String {
        guard let index = firstIndex(where: \.isLowercase) else {
            return self + "X"
        }
        return self[..<index] + self[index].uppercased() + self[self.index(after: index)...]
    }
}
