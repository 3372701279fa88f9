import Relay
import Testing

/// The provider of the first pattern (CONTRACT.md §6.2) that matches `model`, or nil.
private func firstMatch(_ model: String) -> String? {
    ModelPattern.all.first { $0.matches(model) }?.provider
}

/// Each pattern's hand-written matcher against the JavaScript regular expression it stands for, class by class.
@Suite struct ModelPatternTests {
    static let contractPatterns: [(String, String)] = [
        (#"^(gpt-|o[1-9][-\s]|chatgpt-)"#, "openai"),
        ("^text-embedding-", "openai"),
        ("^claude-", "anthropic"),
        ("^gemini-", "google"),
        ("^(llama-?[23]?[-_]|llama3?[-_])", "groq"),
        ("^mixtral-", "groq"),
        ("^gemma-", "groq"),
        ("^qwen-", "groq"),
        ("^(mistral-|codestral-|open-mistral)", "mistral"),
    ]

    @Test func testPatternsAreTheContractsInOrder() {
        #expect(ModelPattern.all.map(\.source) == Self.contractPatterns.map(\.0))
        #expect(ModelPattern.all.map(\.provider) == Self.contractPatterns.map(\.1))
        #expect(ModelPattern.all.allSatisfy { $0.flags == "i" })
    }

    // (model, provider of the first matching pattern) as `new RegExp(source, "i").test(model)` answers.
    static let matches: [(String, String?)] = [
        // 1: each alternative, anchored, case-insensitive.
        ("gpt-", "openai"), ("GPT-4O", "openai"), ("Gpt-3.5-turbo", "openai"), ("gpt4", nil), ("xgpt-4", nil),
        ("chatgpt-", "openai"), ("ChatGPT-4o-latest", "openai"), ("chatgpt4", nil),
        ("o1-mini", "openai"), ("O3-mini", "openai"), ("o9-", "openai"), ("o0-mini", nil), ("o10-mini", nil),
        ("o1_mini", nil), ("o1.5", nil), ("oa-mini", nil), ("0o1-", nil), ("o-1-", nil),
        // `\s` is JavaScript's: spaces of category Zs, TAB, VT, FF, ZWNBSP and the line terminators.
        ("o1 mini", "openai"), ("o1\tx", "openai"), ("o1\u{0B}x", "openai"), ("o1\u{0C}x", "openai"),
        ("o1\nx", "openai"), ("o1\rx", "openai"), ("o1\u{A0}x", "openai"), ("o1\u{1680}x", "openai"),
        ("o1\u{2000}x", "openai"), ("o1\u{200A}x", "openai"), ("o1\u{2028}x", "openai"), ("o1\u{2029}x", "openai"),
        ("o1\u{202F}x", "openai"), ("o1\u{205F}x", "openai"), ("o1\u{3000}x", "openai"), ("o1\u{FEFF}x", "openai"),
        ("o1\u{200B}x", nil), ("o1\u{85}x", nil), ("o1\u{180E}x", nil),
        // 2–4.
        ("text-embedding-3-large", "openai"), ("TEXT-EMBEDDING-ada", "openai"), ("text-embedding", nil),
        ("claude-", "anthropic"), ("Claude-3-Opus", "anthropic"), ("claude", nil), ("claude3", nil),
        ("gemini-1.5-pro", "google"), ("Gemini-Pro", "google"), ("gemini", nil), ("gemini1.5", nil),
        // 5: `llama`, an optional `-`, an optional `2`/`3`, then `-` or `_`; the regex backtracks, so any
        // `llama-` matches with the `-` read as `[-_]`.
        ("llama-3.1-8b-instant", "groq"), ("llama3-70b-8192", "groq"), ("llama2-70b", "groq"), ("llama3_8b", "groq"),
        ("llama2_x", "groq"), ("llama_x", "groq"), ("llama-x", "groq"), ("llama-", "groq"), ("llama-2-x", "groq"),
        ("llama-3_x", "groq"), ("llama-_x", "groq"), ("llama--x", "groq"), ("llama-4-scout", "groq"),
        ("LLAMA3-70B", "groq"), ("Llama-3.3", "groq"),
        ("llama3.1-8b", nil), ("llama", nil), ("llama3", nil), ("llama4-x", nil), ("llama23-x", nil),
        ("llamas-x", nil), ("llama 3", nil), ("xllama-3", nil), ("llama3.3-70b", nil),
        // 6–8.
        ("mixtral-8x22b", "groq"), ("MIXTRAL-x", "groq"), ("mixtral", nil),
        ("gemma-2-9b", "groq"), ("Gemma-x", "groq"), ("gemma2-9b-it", nil),
        ("qwen-2.5-32b", "groq"), ("QWEN-x", "groq"), ("qwen2.5-32b", nil), ("qwq-32b", nil),
        // 9: `open-mistral` needs no dash after it.
        ("mistral-small", "mistral"), ("codestral-latest", "mistral"), ("open-mistral-7b", "mistral"),
        ("open-mistralx", "mistral"), ("Codestral-2501", "mistral"), ("OPEN-MISTRAL", "mistral"),
        ("mistral", nil), ("codestral", nil), ("open-mixtral-8x7b", nil), ("ministral-8b", nil),
        // The `i` flag folds only within ASCII: LONG S, DOTLESS I and KELVIN SIGN upper-case to ASCII letters
        // but JavaScript's Canonicalize refuses that, and full-width letters never fold.
        ("mi\u{17F}tral-large", nil), ("gem\u{131}n\u{131}-pro", nil), ("ｇpt-4", nil), ("gpt\u{2010}4", nil),
        ("", nil),
    ]

    @Test(arguments: matches)
    func testMatcherAgreesWithTheRegularExpression(_ model: String, _ provider: String?) {
        #expect(firstMatch(model) == provider)
    }

    @Test func testEachPatternMatchesOnlyItsOwnExamples() {
        // The contract's example for each pattern, by index: each is matched by its own pattern and no other, so
        // the order of the table cannot change any result and a missing pattern fails here.
        let examples = [
            "gpt-4o", "text-embedding-3-small", "claude-3-5-haiku-20241022", "gemini-2.0-flash",
            "llama-3.1-8b-instant", "mixtral-8x7b-32768", "gemma-7b-it", "qwen-qwq-32b", "mistral-large-latest",
        ]
        for (index, example) in examples.enumerated() {
            let matching = ModelPattern.all.indices.filter { ModelPattern.all[$0].matches(example) }
            #expect(matching == [index], "\(example)")
        }
    }
}
