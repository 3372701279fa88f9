import Relay
import Testing

/// One row of CONTRACT.md §4.1 and §4.3, written out as the contract states it.
struct ContractRow: Sendable, CustomStringConvertible {
    let name: String
    let baseURL: String?
    let injection: Provider.KeyInjection
    let isBinary: Bool
    let hint: String?
    let verificationPath: String?
    let probePath: String?

    var description: String { name }
}

let contractRows: [ContractRow] = [
    ContractRow(
        name: "anthropic",
        baseURL: "https://api.anthropic.com",
        injection: .header("x-api-key"),
        isBinary: false,
        hint: "Anthropic API keys start with sk-ant-",
        verificationPath: "/v1/models",
        probePath: "/v1/models"
    ),
    ContractRow(
        name: "openai",
        baseURL: "https://api.openai.com",
        injection: .bearer,
        isBinary: false,
        hint:
            "OpenAI API keys start with sk- (e.g. sk-proj-... or sk-...); make sure you are not pasting an Anthropic key",
        verificationPath: "/v1/models",
        probePath: "/v1/models"
    ),
    ContractRow(
        name: "google",
        baseURL: "https://generativelanguage.googleapis.com",
        injection: .header("x-goog-api-key"),
        isBinary: false,
        hint: "Google API keys start with AIza and are 39 characters long",
        verificationPath: "/v1/models",
        probePath: "/v1beta/models"
    ),
    ContractRow(
        name: "groq",
        baseURL: "https://api.groq.com",
        injection: .bearer,
        isBinary: false,
        hint: "Groq API keys start with gsk_",
        verificationPath: "/openai/v1/models",
        probePath: "/openai/v1/models"
    ),
    ContractRow(
        name: "openrouter",
        baseURL: "https://openrouter.ai",
        injection: .bearer,
        isBinary: false,
        hint: "OpenRouter API keys start with sk-or-",
        verificationPath: "/api/v1/key",
        probePath: "/api/v1/models"
    ),
    ContractRow(
        name: "mistral",
        baseURL: "https://api.mistral.ai",
        injection: .bearer,
        isBinary: false,
        hint: "Mistral API keys are at least 32 characters long",
        verificationPath: "/v1/models",
        probePath: "/v1/models"
    ),
    ContractRow(
        name: "elevenlabs",
        baseURL: "https://api.elevenlabs.io",
        injection: .header("xi-api-key"),
        isBinary: true,
        hint: nil,
        verificationPath: nil,
        probePath: "/v1/models"
    ),
    ContractRow(
        name: "huggingface",
        baseURL: "https://api-inference.huggingface.co",
        injection: .bearer,
        isBinary: true,
        hint: nil,
        verificationPath: nil,
        probePath: "/v1/models"
    ),
    ContractRow(
        name: "deepgram",
        baseURL: "https://api.deepgram.com",
        injection: .token,
        isBinary: true,
        hint: nil,
        verificationPath: nil,
        probePath: "/v1/models"
    ),
    ContractRow(
        name: "openai-compatible",
        baseURL: nil,
        injection: .bearer,
        isBinary: false,
        hint: nil,
        verificationPath: nil,
        probePath: nil
    ),
]

@Test func testProvidersAreTheTenOfTheContractInOrder() {
    #expect(Provider.all.map(\.name) == contractRows.map(\.name))
}

@Test(arguments: contractRows)
func testProviderRowMatchesContract(_ row: ContractRow) throws {
    let provider = try #require(Provider.named(row.name))
    #expect(provider.defaultBaseURL == row.baseURL)
    #expect(provider.keyInjection == row.injection)
    #expect(provider.isBinary == row.isBinary)
    #expect(provider.keyFormat?.hint == row.hint)
    #expect(provider.verificationPath == row.verificationPath)
    #expect(provider.probePath == row.probePath)
}

@Test func testLookupIsExactAndCaseSensitive() {
    #expect(Provider.named("openai")?.name == "openai")
    #expect(Provider.named("OpenAI") == nil)
    #expect(Provider.named("openai ") == nil)
    #expect(Provider.named("") == nil)
    #expect(Provider.named("azure") == nil)
}

@Test func testKeyHeaderPerInjection() throws {
    let expected: [(String, String, String)] = [
        ("anthropic", "x-api-key", "K"),
        ("openai", "Authorization", "Bearer K"),
        ("google", "x-goog-api-key", "K"),
        ("groq", "Authorization", "Bearer K"),
        ("openrouter", "Authorization", "Bearer K"),
        ("mistral", "Authorization", "Bearer K"),
        ("elevenlabs", "xi-api-key", "K"),
        ("huggingface", "Authorization", "Bearer K"),
        ("deepgram", "Authorization", "Token K"),
        ("openai-compatible", "Authorization", "Bearer K"),
    ]
    for (name, headerName, value) in expected {
        let header = try #require(Provider.named(name)).keyHeader("K")
        #expect(header.name == headerName && header.value == value, "\(name)")
    }
}

@Test func testAnthropicVerificationCarriesVersion() throws {
    let headers = try #require(Provider.named("anthropic")).verificationHeaders(key: "sk-ant-x")
    #expect(headers.map(\.name) == ["anthropic-version", "x-api-key"])
    #expect(headers.map(\.value) == ["2023-06-01", "sk-ant-x"])
    let openAI = try #require(Provider.named("openai")).verificationHeaders(key: "sk-x")
    #expect(openAI.map(\.name) == ["Authorization"])
}
