extension Provider {
    /// The ten providers in the order of CONTRACT.md §4 (used by `/health`, `/models` and error messages).
    package static let all: [Provider] = [
        Provider(
            name: "anthropic",
            defaultBaseURL: "https://api.anthropic.com",
            keyInjection: .header("x-api-key"),
            defaultedHeaders: [DefaultedHeader(name: "anthropic-version", value: "2023-06-01")],
            featureHeaders: ["anthropic-beta"],
            isBinary: false,
            keyFormat: KeyFormat(rule: .hasPrefix("sk-ant-"), hint: "Anthropic API keys start with sk-ant-"),
            verificationPath: "/v1/models",
            probePath: "/v1/models"
        ),
        Provider(
            name: "openai",
            defaultBaseURL: "https://api.openai.com",
            keyInjection: .bearer,
            featureHeaders: openAIFeatureHeaders,
            isBinary: false,
            keyFormat: KeyFormat(
                rule: .all([.hasPrefix("sk-"), .not(.hasPrefix("sk-ant-"))]),
                hint: "OpenAI API keys start with sk- (e.g. sk-proj-... or sk-...); "
                    + "make sure you are not pasting an Anthropic key"
            ),
            verificationPath: "/v1/models",
            probePath: "/v1/models"
        ),
        Provider(
            name: "google",
            defaultBaseURL: "https://generativelanguage.googleapis.com",
            keyInjection: .header("x-goog-api-key"),
            isBinary: false,
            // CONTRACT.md §4.3: `^AIza[A-Za-z0-9_-]{35}$`, or longer than 50 characters.
            keyFormat: KeyFormat(
                rule: .any([.prefixedBase64URL(prefix: "AIza", count: 35), .longerThan(50)]),
                hint: "Google API keys start with AIza and are 39 characters long"
            ),
            verificationPath: "/v1/models",
            probePath: "/v1beta/models"
        ),
        Provider(
            name: "groq",
            defaultBaseURL: "https://api.groq.com",
            keyInjection: .bearer,
            isBinary: false,
            keyFormat: KeyFormat(rule: .hasPrefix("gsk_"), hint: "Groq API keys start with gsk_"),
            verificationPath: "/openai/v1/models",
            probePath: "/openai/v1/models"
        ),
        Provider(
            name: "openrouter",
            defaultBaseURL: "https://openrouter.ai",
            keyInjection: .bearer,
            featureHeaders: ["X-Title"],
            sendsHTTPReferer: true,
            isBinary: false,
            keyFormat: KeyFormat(rule: .hasPrefix("sk-or-"), hint: "OpenRouter API keys start with sk-or-"),
            // CONTRACT.md §4.3: `/api/v1/models` is public and accepts any key; `/api/v1/key` answers 401.
            verificationPath: "/api/v1/key",
            probePath: "/api/v1/models"
        ),
        Provider(
            name: "mistral",
            defaultBaseURL: "https://api.mistral.ai",
            keyInjection: .bearer,
            isBinary: false,
            keyFormat: KeyFormat(rule: .atLeast(32), hint: "Mistral API keys are at least 32 characters long"),
            verificationPath: "/v1/models",
            probePath: "/v1/models"
        ),
        Provider(
            name: "elevenlabs",
            defaultBaseURL: "https://api.elevenlabs.io",
            keyInjection: .header("xi-api-key"),
            isBinary: true,
            keyFormat: nil,
            verificationPath: nil,
            probePath: "/v1/models"
        ),
        Provider(
            name: "huggingface",
            defaultBaseURL: "https://api-inference.huggingface.co",
            keyInjection: .bearer,
            featureHeaders: ["x-wait-for-model", "x-use-cache"],
            isBinary: true,
            keyFormat: nil,
            verificationPath: nil,
            probePath: "/v1/models"
        ),
        Provider(
            name: "deepgram",
            defaultBaseURL: "https://api.deepgram.com",
            keyInjection: .token,
            isBinary: true,
            keyFormat: nil,
            verificationPath: nil,
            probePath: "/v1/models"
        ),
        Provider(
            name: "openai-compatible",
            defaultBaseURL: nil,
            keyInjection: .bearer,
            featureHeaders: openAIFeatureHeaders,
            isBinary: false,
            keyFormat: nil,
            verificationPath: nil,
            probePath: nil
        ),
    ]

    /// The provider called `name` (exact, case-sensitive), or nil.
    package static func named(_ name: String) -> Provider? {
        all.first { $0.name == name }
    }

    // E10: shared by `openai` and `openai-compatible`.
    private static let openAIFeatureHeaders = ["openai-organization", "openai-project", "openai-beta"]
}
