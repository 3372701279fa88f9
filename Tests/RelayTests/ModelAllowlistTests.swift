import Relay
import Testing

private let json = "application/json"

/// CONTRACT.md §6.5's globs and §5.6's direct-route check.
@Suite struct ModelAllowlistTests {
    // (glob, model, whether it matches).
    static let globs: [(String, String, Bool)] = [
        // Whole string, case-insensitive.
        ("gpt-4o", "gpt-4o", true), ("gpt-4o", "GPT-4O", true), ("gpt-4o", "gpt-4o-mini", false),
        ("gpt-4o", "xgpt-4o", false), ("gpt-4o", "gpt-4", false), ("gpt-4o", "", false),
        // `*`: any run, none and `/` included.
        ("gpt-4o*", "gpt-4o", true), ("gpt-4o*", "gpt-4o-mini", true), ("gpt-4o*", "openai/gpt-4o", false),
        ("*", "", true), ("*", "a/b/c", true), ("**", "x", true), ("a**", "a", true),
        ("anthropic/claude-3-5-haiku*", "anthropic/claude-3-5-haiku-20241022", true),
        ("anthropic/claude-3-5-haiku*", "claude-3-5-haiku", false),
        ("*haiku*", "anthropic/claude-3-5-HAIKU-latest", true), ("*/gemini-*", "google/gemini-2.0-flash", true),
        ("a*b*c", "aXbYc", true), ("a*b*c", "abc", true), ("a*b*c", "aXbY", false), ("a*b", "abab", true),
        ("a*a", "a", false), ("*a", "bab", false), ("*ab", "aab", true), ("x*y*z", "xyyyzzy", false),
        // Nothing else is special.
        ("gpt-4?", "gpt-4o", false), ("gpt-4?", "gpt-4?", true), ("gpt.4o", "gpt-4o", false),
        ("[gpt]", "g", false), ("[GPT]", "[gpt]", true), ("gpt-4o+", "gpt-4oo", false), (#"a\*"#, "ab", false),
        // Case folding as the `i` flag: within ASCII, and between non-ASCII letters, but never across.
        ("CAFÉ", "café", true), ("k", "\u{212A}", false), ("s", "\u{17F}", false), ("i", "\u{131}", false),
    ]

    @Test(arguments: globs)
    func testGlob(_ glob: String, _ model: String, _ expected: Bool) {
        #expect(ModelAllowlist.glob(glob, matches: model) == expected)
    }

    @Test func testUnrestrictedAllowsEverything() throws {
        let allowlist = ModelAllowlist(entries: [])
        #expect(!allowlist.isRestricted)
        #expect(allowlist.allows("anything/at all"))
        try allowlist.requireAllowed(unifiedModel: "x")
        // Unrestricted, a direct body is not even read: malformed JSON and duplicates reach the provider.
        for body in ["{", #"{"model":"a","model":"b"}"#] {
            try allowlist.requireAllowed(
                provider: "openai",
                normalisedPath: "/v1/chat/completions",
                body: Array(body.utf8),
                contentType: json
            )
        }
    }

    @Test func testUnifiedModelIsMatchedAsSent() throws {
        let allowlist = ModelAllowlist(entries: ["gpt-4o*", "google/gemini-2.0-flash"])
        try allowlist.requireAllowed(unifiedModel: "gpt-4o")
        try allowlist.requireAllowed(unifiedModel: "GPT-4o-mini")
        try allowlist.requireAllowed(unifiedModel: "google/gemini-2.0-flash")
        for model in ["openai/gpt-4o", "gemini-2.0-flash", "gpt-4"] {
            #expect(throws: ModelRefusal.modelNotPermitted(model: model, allowedModels: allowlist.entries)) {
                try allowlist.requireAllowed(unifiedModel: model)
            }
        }
    }

    static let entries = [
        "gpt-4o-mini", "google/gemini-2.0-flash", "anthropic/claude-3-5-haiku*", "*/shared", "openrouter/meta-llama/*",
    ]

    // (provider, N, body, Content-Type, the refused model or nil when allowed).
    static let directRequests: [(String, String, String, String?, String?)] = [
        // The body's model as given, then `${provider}/${model}` when it has no `/`.
        ("openai", "/v1/chat/completions", #"{"model":"gpt-4o-mini"}"#, json, nil),
        ("openai", "/v1/chat/completions", #"{"model":"GPT-4O-MINI"}"#, json, nil),
        ("openai", "/v1/chat/completions", #"{"model":"gpt-4o"}"#, json, "gpt-4o"),
        ("anthropic", "/v1/messages", #"{"model":"claude-3-5-haiku-latest"}"#, json, nil),
        ("openai", "/v1/chat/completions", #"{"model":"claude-3-5-haiku-latest"}"#, json, "claude-3-5-haiku-latest"),
        ("openai", "/v1/chat/completions", #"{"model":"shared"}"#, json, nil),
        ("openrouter", "/api/v1/chat/completions", #"{"model":"meta/shared"}"#, json, nil),
        // With a `/` the qualified form is not tried.
        ("openai", "/v1/chat/completions", #"{"model":"openai/gpt-4o-mini"}"#, json, "openai/gpt-4o-mini"),
        ("anthropic", "/v1/messages", #"{"model":"x/claude-3-5-haiku"}"#, json, "x/claude-3-5-haiku"),
        ("openrouter", "/api/v1/chat/completions", #"{"model":"meta-llama/llama-3"}"#, json, "meta-llama/llama-3"),
        ("openrouter", "/api/v1/chat/completions", #"{"model":"openrouter/meta-llama/llama-3"}"#, json, nil),
        // Google: the path model, whatever the action and the body.
        ("google", "/v1beta/models/gemini-2.0-flash:generateContent", "not json", "text/plain", nil),
        ("google", "/v1beta/models/gemini-2.0-flash:streamGenerateContent", "{", json, nil),
        ("google", "/v1/models/gemini-2.0-flash:countTokens", "", nil, nil),
        ("google", "/v1beta/models/GEMINI-2.0-FLASH:embedContent", "", nil, nil),
        ("google", "/v1beta/models/gemini-2.0-flash/operations", "", nil, nil),
        ("google", "/v1beta/models/gemini-2.0-flash", "", nil, nil),
        ("google", "/v1beta/models/gemini-1.5-pro:countTokens", "", nil, "gemini-1.5-pro"),
        ("google", "/v1/models/gemini-1.5-pro:embedContent", "", nil, "gemini-1.5-pro"),
        (
            "google", "/v1beta/models/gemini-1.5-pro:generateContent", #"{"model":"gemini-2.0-flash"}"#, json,
            "gemini-1.5-pro"
        ),
        ("google", "/v1beta/models/google/gemini-2.0-flash", "", nil, "google"),
        // Google without a path model: the body decides.
        ("google", "/v1beta/models", #"{"model":"gemini-2.0-flash"}"#, json, nil),
        ("google", "/v1beta/models/", #"{"model":"gemini-1.0"}"#, json, "gemini-1.0"),
        ("google", "/v1beta/models/:generateContent", #"{"model":"gemini-1.0"}"#, json, "gemini-1.0"),
        ("google", "/v1beta/modelsx/gemini-1.0:x", "", nil, nil),
        // The path rule is Google's only.
        ("openai-compatible", "/v1beta/models/gemini-1.5-pro:generateContent", "", nil, nil),
        // No model named: not restricted.
        ("openai", "/v1/chat/completions", #"{"model":"gpt-4o"}"#, "text/plain", nil),
        ("openai", "/v1/chat/completions", #"{"model":"gpt-4o"}"#, nil, nil),
        ("openai", "/v1/chat/completions", "", json, nil),
        ("openai", "/v1/chat/completions", #"{"model":42}"#, json, nil),
        ("openai", "/v1/chat/completions", #"{"model":null}"#, json, nil),
        ("openai", "/v1/chat/completions", #"[{"model":"gpt-4o"}]"#, json, nil),
        ("openai", "/v1/chat/completions", #"{"x":{"model":"gpt-4o"}}"#, json, nil),
        ("elevenlabs", "/v1/text-to-speech/v", #"{"model_id":"eleven_v2"}"#, json, nil),
        // Any JSON media type is read.
        ("openai", "/v1/chat/completions", #"{"model":"gpt-4o"}"#, "application/vnd.x+json; charset=utf-8", "gpt-4o"),
        ("openai", "/v1/chat/completions", #"{"mod\u0065l":"gpt-4o"}"#, json, "gpt-4o"),
    ]

    @Test(arguments: directRequests)
    func testDirectRequest(
        _ provider: String,
        _ normalisedPath: String,
        _ body: String,
        _ contentType: String?,
        _ refusedModel: String?
    ) {
        let allowlist = ModelAllowlist(entries: Self.entries)
        let expected = refusedModel.map { ModelRefusal.modelNotPermitted(model: $0, allowedModels: Self.entries) }
        var refusal: ModelRefusal?
        do {
            try allowlist.requireAllowed(
                provider: provider,
                normalisedPath: normalisedPath,
                body: Array(body.utf8),
                contentType: contentType
            )
        } catch {
            refusal = error
        }
        #expect(refusal == expected)
    }

    // (body, refusal) for a restricted direct route that must read a JSON body.
    static let unreadableBodies: [(String, ModelRefusal)] = [
        ("{", .invalidJSON),
        (#"{"model":"gpt-4o-mini",}"#, .invalidJSON),
        ("\u{FEFF}{}", .invalidJSON),
        (#"{"model":"gpt-4o-mini","model":"gpt-4o"}"#, .duplicateModelMember),
        (#"{"model":"gpt-4o-mini","mod\u0065l":"gpt-4o"}"#, .duplicateModelMember),
        (#"{"model":1,"model":"gpt-4o-mini"}"#, .duplicateModelMember),
    ]

    @Test(arguments: unreadableBodies)
    func testRestrictedDirectBodyMustBeReadable(_ body: String, _ expected: ModelRefusal) {
        let allowlist = ModelAllowlist(entries: Self.entries)
        #expect(throws: expected) {
            try allowlist.requireAllowed(
                provider: "openai",
                normalisedPath: "/v1/chat/completions",
                body: Array(body.utf8),
                contentType: json
            )
        }
    }

    // (N, Google's path model).
    static let googlePaths: [(String, String?)] = [
        ("/v1beta/models/gemini-2.0-flash:streamGenerateContent", "gemini-2.0-flash"),
        ("/v1/models/gemini-pro", "gemini-pro"),
        ("/v1/models/gemini-pro/", "gemini-pro"),
        ("/v1beta/models/a b:c:d", "a b"),
        ("/v1beta/models/é", "é"),
        ("/v1beta/models", nil),
        ("/v1beta/models/", nil),
        ("/v1beta/models/:generateContent", nil),
        ("/v1beta/model/gemini-pro", nil),
        ("/v2/models/gemini-pro", nil),
        ("/x/v1beta/models/gemini-pro", nil),
        ("/V1beta/models/gemini-pro", nil),
    ]

    @Test(arguments: googlePaths)
    func testGooglePathModel(_ normalisedPath: String, _ expected: String?) {
        #expect(ModelAllowlist.googlePathModel(normalisedPath: normalisedPath) == expected)
    }

    @Test func testGooglePathModelIsPercentDecoded() throws {
        // `N` holds each segment decoded once (§5.3): the model Google itself reads from the forwarded path.
        let path = try RelayPath.parse(remainder: "/v1beta/models/gemini%2D2.0-flash%3AgenerateContent").get()
        #expect(ModelAllowlist.googlePathModel(normalisedPath: path.normalised) == "gemini-2.0-flash")
        let allowlist = ModelAllowlist(entries: ["google/gemini-2.0-flash"])
        try allowlist.requireAllowed(provider: "google", normalisedPath: path.normalised, body: [], contentType: nil)
    }

    @Test func testDirectModelIsReportedForTheRequestRecord() throws {
        let fromBody = try ModelAllowlist.directModel(
            provider: "openai",
            normalisedPath: "/v1/chat/completions",
            body: Array(#"{"model":"gpt-4o"}"#.utf8),
            contentType: json
        )
        #expect(fromBody == "gpt-4o")
        let fromPath = try ModelAllowlist.directModel(
            provider: "google",
            normalisedPath: "/v1beta/models/gemini-pro:generateContent",
            body: Array(#"{"model":"other"}"#.utf8),
            contentType: json
        )
        #expect(fromPath == "gemini-pro")
    }

    @Test func testEntriesComeFromConfiguration() throws {
        let (configuration, _) = try loadConfiguration(["ALLOWED_MODELS": " gpt-4o* , ,Anthropic/Claude*,"])
        let allowlist = ModelAllowlist(configuration: configuration)
        #expect(allowlist.entries == ["gpt-4o*", "Anthropic/Claude*"])
        #expect(allowlist.allows("anthropic/claude-3"))
        let (unset, _) = try loadConfiguration([:])
        #expect(!ModelAllowlist(configuration: unset).isRestricted)
    }
}
