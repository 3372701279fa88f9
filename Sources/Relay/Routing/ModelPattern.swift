/// One of the nine model-name patterns of CONTRACT.md §6.2: the JavaScript source `GET /models` shows (§6.4), and a
/// hand-written matcher that accepts exactly what that regular expression accepts with its `i` flag.
///
/// The patterns are anchored prefixes with a few one-character classes, so each alternative is a small function
/// rather than a regular-expression engine; `ModelPatternTests` pins every class and its counter-examples.
package struct ModelPattern: Sendable {
    /// One alternative of a pattern's top-level group, matched at the start of the name.
    private enum Alternative: Sendable {
        /// A literal prefix such as `claude-`, compared with the `i` flag's case folding.
        case prefix(String)
        /// `o[1-9][-\s]`: `o1-mini`, `o3 pro`, but not a bare `o1` nor `o10`.
        case reasoningModel
        /// `llama[23]?[-_]`, which accepts exactly what `llama-?[23]?[-_]|llama3?[-_]` does: the regular
        /// expression backtracks out of `-?` whenever that helps, and `llama-` then matches with the `-` read as
        /// `[-_]`, so the optional dash adds nothing; `llama3?[-_]` is contained in the first alternative.
        case llama
    }

    /// The pattern as the original wrote it, e.g. `^(gpt-|o[1-9][-\s]|chatgpt-)` (§6.4 `pattern`).
    package let source: String
    /// The regular-expression flags, always `i` (§6.4 `flags`).
    package let flags: String
    /// The provider a matching model is routed to.
    package let provider: String
    /// The upstream path a matching model is sent to.
    let path: ModelRouter.RoutePath
    private let alternatives: [Alternative]

    private init(_ source: String, provider: String, path: ModelRouter.RoutePath, _ alternatives: [Alternative]) {
        self.source = source
        self.flags = "i"
        self.provider = provider
        self.path = path
        self.alternatives = alternatives
    }

    /// The nine patterns in the order they are tried (§6.2's table; the first match wins).
    package static let all: [ModelPattern] = [
        ModelPattern(
            #"^(gpt-|o[1-9][-\s]|chatgpt-)"#,
            provider: "openai",
            path: .fixed("/v1/chat/completions"),
            [.prefix("gpt-"), .reasoningModel, .prefix("chatgpt-")]
        ),
        ModelPattern(
            "^text-embedding-",
            provider: "openai",
            path: .fixed("/v1/embeddings"),
            [.prefix("text-embedding-")]
        ),
        ModelPattern("^claude-", provider: "anthropic", path: .fixed("/v1/messages"), [.prefix("claude-")]),
        ModelPattern("^gemini-", provider: "google", path: .googleGenerateContent, [.prefix("gemini-")]),
        ModelPattern(
            "^(llama-?[23]?[-_]|llama3?[-_])",
            provider: "groq",
            path: .fixed("/openai/v1/chat/completions"),
            [.llama]
        ),
        ModelPattern("^mixtral-", provider: "groq", path: .fixed("/openai/v1/chat/completions"), [.prefix("mixtral-")]),
        ModelPattern("^gemma-", provider: "groq", path: .fixed("/openai/v1/chat/completions"), [.prefix("gemma-")]),
        ModelPattern("^qwen-", provider: "groq", path: .fixed("/openai/v1/chat/completions"), [.prefix("qwen-")]),
        ModelPattern(
            "^(mistral-|codestral-|open-mistral)",
            provider: "mistral",
            path: .fixed("/v1/chat/completions"),
            [.prefix("mistral-"), .prefix("codestral-"), .prefix("open-mistral")]
        ),
    ]

    /// Whether `model` matches, as `new RegExp(source, "i").test(model)` would answer.
    package func matches(_ model: String) -> Bool {
        let scalars = Array(model.unicodeScalars)
        return alternatives.contains { Self.matches($0, scalars) }
    }

    private static func matches(_ alternative: Alternative, _ scalars: [Unicode.Scalar]) -> Bool {
        switch alternative {
        case .prefix(let literal):
            return hasPrefix(literal, scalars, at: 0)
        case .reasoningModel:
            guard scalars.count >= 3, hasPrefix("o", scalars, at: 0) else { return false }
            let separator = scalars[2]
            return ("1"..."9").contains(scalars[1]) && (separator == "-" || JavaScriptText.isWhitespace(separator))
        case .llama:
            guard hasPrefix("llama", scalars, at: 0) else { return false }
            var position = 5
            if position < scalars.count && (scalars[position] == "2" || scalars[position] == "3") {
                position += 1
            }
            return position < scalars.count && (scalars[position] == "-" || scalars[position] == "_")
        }
    }

    /// Whether `scalars` holds `literal` at `offset`, each pair compared after the `i` flag's case folding.
    private static func hasPrefix(_ literal: String, _ scalars: [Unicode.Scalar], at offset: Int) -> Bool {
        var position = offset
        for expected in literal.unicodeScalars {
            guard position < scalars.count,
                JavaScriptText.caseFolded(scalars[position]) == JavaScriptText.caseFolded(expected)
            else { return false }
            position += 1
        }
        return true
    }
}
