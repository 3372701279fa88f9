import Relay
import Testing

let google39 = "AIza" + String(repeating: "aZ09_-x", count: 5)  // 4 + 35 characters
let over50 = String(repeating: "k", count: 51)

/// (provider, key, accepted)
let formatCases: [(String, String, Bool)] = [
    ("anthropic", "sk-ant-api03-abc", true),
    ("anthropic", "sk-abc", false),
    ("anthropic", "SK-ANT-abc", false),
    ("anthropic", "", false),
    ("openai", "sk-proj-abc", true),
    ("openai", "sk-abc", true),
    ("openai", "sk-ant-api03-abc", false),
    ("openai", "pk-abc", false),
    ("openai", "sk", false),
    ("google", google39, true),
    ("google", over50, true),
    ("google", String(google39.dropLast()), false),  // 38 characters
    ("google", google39 + "a", false),  // 40 characters, not over 50
    ("google", "AIza" + String(repeating: "a", count: 34) + "+", false),
    ("google", "AIzb" + String(repeating: "a", count: 35), false),
    ("google", String(repeating: "k", count: 50), false),
    ("groq", "gsk_abc", true),
    ("groq", "gsk-abc", false),
    ("openrouter", "sk-or-v1-abc", true),
    ("openrouter", "sk-abc", false),
    ("mistral", String(repeating: "m", count: 32), true),
    ("mistral", String(repeating: "m", count: 31), false),
]

@Test(arguments: formatCases)
func testKeyFormat(_ providerName: String, _ key: String, _ accepted: Bool) throws {
    let format = try #require(Provider.named(providerName)?.keyFormat)
    #expect(format.accepts(key) == accepted)
}

@Test func testGoogleExamplesHaveTheLengthsTheyClaim() {
    #expect(google39.count == 39)
    #expect(over50.count == 51)
}

@Test(arguments: ["elevenlabs", "huggingface", "deepgram", "openai-compatible"])
func testProvidersWithoutFormatCheck(_ providerName: String) {
    #expect(Provider.named(providerName)?.keyFormat == nil)
}
