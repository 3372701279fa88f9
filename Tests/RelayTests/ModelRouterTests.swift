import Relay
import Testing

private func openAI(_ name: String, path: String = "/v1/chat/completions") -> ModelRouter.Route {
    ModelRouter.Route(provider: "openai", path: path, query: nil, name: name, bodyRewrite: .none)
}

private func pattern(_ provider: String, _ path: String, _ name: String) -> ModelRouter.Route {
    ModelRouter.Route(provider: provider, path: path, query: nil, name: name, bodyRewrite: .none)
}

private func prefixed(_ provider: String, _ path: String, _ name: String) -> ModelRouter.Route {
    ModelRouter.Route(provider: provider, path: path, query: nil, name: name, bodyRewrite: .replaceModel(with: name))
}

private func google(_ name: String, escaped: String? = nil, streaming: Bool = false) -> ModelRouter.Route {
    let action = streaming ? ":streamGenerateContent" : ":generateContent"
    return ModelRouter.Route(
        provider: "google",
        path: "/v1beta/models/" + (escaped ?? name) + action,
        query: streaming ? "alt=sse" : nil,
        name: name,
        bodyRewrite: .removeModel
    )
}

private let groqPath = "/openai/v1/chat/completions"

/// CONTRACT.md §6.2: every example and counter-example of the patterns table, and of the prefix rule.
@Suite struct ModelRouterTests {
    static let contractExamples: [(String, ModelRouter.Route?)] = [
        ("gpt-4o", openAI("gpt-4o")),
        ("o1-mini", openAI("o1-mini")),
        ("o4-mini", openAI("o4-mini")),
        ("chatgpt-4o-latest", openAI("chatgpt-4o-latest")),
        ("o1", nil),
        ("o3", nil),
        ("text-embedding-3-small", openAI("text-embedding-3-small", path: "/v1/embeddings")),
        ("claude-3-5-haiku-20241022", pattern("anthropic", "/v1/messages", "claude-3-5-haiku-20241022")),
        ("gemini-2.0-flash", google("gemini-2.0-flash")),
        ("llama-3.1-8b-instant", pattern("groq", groqPath, "llama-3.1-8b-instant")),
        ("llama3-70b-8192", pattern("groq", groqPath, "llama3-70b-8192")),
        ("llama3.1-8b", nil),
        ("mixtral-8x7b-32768", pattern("groq", groqPath, "mixtral-8x7b-32768")),
        ("gemma-7b-it", pattern("groq", groqPath, "gemma-7b-it")),
        ("qwen-qwq-32b", pattern("groq", groqPath, "qwen-qwq-32b")),
        ("mistral-large-latest", pattern("mistral", "/v1/chat/completions", "mistral-large-latest")),
        ("open-mistral-nemo", pattern("mistral", "/v1/chat/completions", "open-mistral-nemo")),
        (
            "openrouter/meta-llama/llama-3-70b",
            prefixed("openrouter", "/api/v1/chat/completions", "meta-llama/llama-3-70b")
        ),
        ("meta-llama/llama-3-70b", nil),
        ("anthropic/claude-3-5-haiku", prefixed("anthropic", "/v1/messages", "claude-3-5-haiku")),
        ("google/gemini-2.0-flash", google("gemini-2.0-flash")),
    ]

    @Test(arguments: contractExamples)
    func testContractExampleRoutes(_ model: String, _ expected: ModelRouter.Route?) {
        #expect(ModelRouter.resolve(model: model, streaming: false) == expected)
    }

    static let prefixRules: [(String, ModelRouter.Route?)] = [
        // Every routable prefix reaches its default path.
        ("openai/gpt-4o", prefixed("openai", "/v1/chat/completions", "gpt-4o")),
        ("groq/llama-3.3-70b-versatile", prefixed("groq", groqPath, "llama-3.3-70b-versatile")),
        ("mistral/mistral-small", prefixed("mistral", "/v1/chat/completions", "mistral-small")),
        ("anthropic/x", prefixed("anthropic", "/v1/messages", "x")),
        // The prefix is lower-cased; the name is trimmed of JavaScript whitespace, not otherwise changed.
        ("OpenAI/GPT-4o", prefixed("openai", "/v1/chat/completions", "GPT-4o")),
        ("ANTHROPIC/claude-3", prefixed("anthropic", "/v1/messages", "claude-3")),
        ("openai/ gpt-4o\t\n", prefixed("openai", "/v1/chat/completions", "gpt-4o")),
        ("openai/\u{A0}gpt 4o\u{3000}", prefixed("openai", "/v1/chat/completions", "gpt 4o")),
        ("openai/\u{FEFF}gpt-4o\u{2028}", prefixed("openai", "/v1/chat/completions", "gpt-4o")),
        ("openai/\u{200B}gpt-4o", prefixed("openai", "/v1/chat/completions", "\u{200B}gpt-4o")),
        // Only the first `/` splits.
        ("openrouter/a/b/c", prefixed("openrouter", "/api/v1/chat/completions", "a/b/c")),
        // An empty name is not routable.
        ("openai/", nil),
        ("openai/ \t ", nil),
        // The prefix is not trimmed, and must be one of the six.
        (" openai/gpt-4o", nil),
        ("openai /gpt-4o", nil),
        ("/gpt-4o", nil),
        ("elevenlabs/eleven_multilingual_v2", nil),
        ("huggingface/gpt2", nil),
        ("deepgram/nova-2", nil),
        ("openai-compatible/llama3", nil),
        ("azure/gpt-4o", nil),
        // A `/` means the prefix rule alone: no fallback to the patterns.
        ("gpt-4o/mini", nil),
        ("claude-3/x", nil),
    ]

    @Test(arguments: prefixRules)
    func testPrefixRule(_ model: String, _ expected: ModelRouter.Route?) {
        #expect(ModelRouter.resolve(model: model, streaming: false) == expected)
    }

    static let googleRoutes: [(String, Bool, ModelRouter.Route)] = [
        ("gemini-2.0-flash", true, google("gemini-2.0-flash", streaming: true)),
        ("google/gemini-2.0-flash", true, google("gemini-2.0-flash", streaming: true)),
        ("Google/ gemini-1.5-pro ", false, google("gemini-1.5-pro")),
        ("GEMINI-PRO", false, google("GEMINI-PRO")),
        ("gemini-", false, google("gemini-")),
        // §5.3's `alt=sse` rule reads the path: a model called "...stream..." gets it too.
        (
            "gemini-stream-test", false,
            ModelRouter.Route(
                provider: "google",
                path: "/v1beta/models/gemini-stream-test:generateContent",
                query: "alt=sse",
                name: "gemini-stream-test",
                bodyRewrite: .removeModel
            )
        ),
        // The name is one escaped path segment: it cannot leave `/v1beta/models`, add a query or cut the action.
        ("google/../../v1/files", false, google("../../v1/files", escaped: "..%2F..%2Fv1%2Ffiles")),
        ("google/gemini?key=x#", false, google("gemini?key=x#", escaped: "gemini%3Fkey%3Dx%23")),
        ("google/a b%2F\\é", false, google("a b%2F\\é", escaped: "a%20b%252F%5C%C3%A9")),
        ("google/..", false, google("..")),
        ("google/gemini-1.5_x~y", false, google("gemini-1.5_x~y")),
    ]

    @Test(arguments: googleRoutes)
    func testGooglePathCarriesTheName(_ model: String, _ streaming: Bool, _ expected: ModelRouter.Route) {
        #expect(ModelRouter.resolve(model: model, streaming: streaming) == expected)
    }

    @Test(arguments: ["gpt-4o", "claude-3", "openai/gpt-4o", "llama3-8b", "mistral/x", "openrouter/a/b"])
    func testStreamingChangesOnlyGoogle(_ model: String) {
        let streamed = ModelRouter.resolve(model: model, streaming: true)
        #expect(streamed != nil)
        #expect(streamed == ModelRouter.resolve(model: model, streaming: false))
    }

    @Test func testPrefixProvidersAreTheSixInContractOrder() {
        #expect(ModelRouter.prefixProviders == ["openai", "anthropic", "google", "groq", "openrouter", "mistral"])
    }
}
