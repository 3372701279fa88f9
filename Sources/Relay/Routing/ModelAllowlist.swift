import JSON

/// `ALLOWED_MODELS` (CONTRACT.md §6.5) and the model checks built on it: the unified route's (§6.1 step 6) and the
/// direct routes' (§5.6).
package struct ModelAllowlist: Equatable, Sendable {
    /// The globs as configured, in order; they are also what every refusal lists (`allowed_models`).
    package let entries: [String]

    /// An allowlist of `entries`, already trimmed with empty ones dropped (`Configuration.allowedModels`).
    package init(entries: [String]) {
        self.entries = entries
    }

    /// The allowlist `ALLOWED_MODELS` configures.
    package init(configuration: Configuration) {
        self.init(entries: configuration.allowedModels)
    }

    /// Whether any model is refused at all; unset or empty allows every model and reads no body (§5.6).
    package var isRestricted: Bool { !entries.isEmpty }

    /// Whether an entry matches `model` (every model when unrestricted).
    package func allows(_ model: String) -> Bool {
        !isRestricted || entries.contains { Self.glob($0, matches: model) }
    }

    /// The check of §5.6 for a direct route: the model as given, then, when it has no `/`, `${provider}/${model}`,
    /// so `google/gemini-2.0-flash` allows the path model `gemini-2.0-flash`.
    package func allowsDirect(_ model: String, provider: String) -> Bool {
        allows(model) || (!model.unicodeScalars.contains("/") && allows(provider + "/" + model))
    }

    /// §6.1 step 6: `model` exactly as sent, prefix included (`gpt-4o*` allows `gpt-4o`, not `openai/gpt-4o`).
    package func requireAllowed(unifiedModel model: String) throws(ModelRefusal) {
        guard allows(model) else {
            throw .modelNotPermitted(model: model, allowedModels: entries)
        }
    }

    /// §5.2 step 12 for a direct route to `provider` with normalised path `N` and the whole body.
    ///
    /// Unrestricted, nothing is read: the body is neither validated nor held back. A request naming no model is
    /// not restricted (§5.6).
    package func requireAllowed(
        provider: String,
        normalisedPath: String,
        body: [UInt8],
        contentType: String?
    ) throws(ModelRefusal) {
        guard isRestricted else { return }
        let model = try Self.directModel(
            provider: provider,
            normalisedPath: normalisedPath,
            body: body,
            contentType: contentType
        )
        if let model, !allowsDirect(model, provider: provider) {
            throw .modelNotPermitted(model: model, allowedModels: entries)
        }
    }

    /// The model a direct request names (§5.6): Google's path model, else a JSON body's top-level `model` string;
    /// nil when it names none. Also the `model` of a direct route's request record (§5.10).
    ///
    /// A JSON body is scanned whole: malformed → `invalidJSON`; two `model` members (names unescaped) →
    /// `duplicateModelMember`, since the relay would check one while the provider used the other. An empty body
    /// names no model, as it does on the JSON routes (§1.1).
    package static func directModel(
        provider: String,
        normalisedPath: String,
        body: [UInt8],
        contentType: String?
    ) throws(ModelRefusal) -> String? {
        if provider == "google", let model = googlePathModel(normalisedPath: normalisedPath) {
            return model
        }
        guard !body.isEmpty, let contentType, JSONRequestBody.isJSONMediaType(contentType) else { return nil }
        let document: JSONDocument
        do throws(JSONError) {
            document = try JSONDocument(parsing: body, maximumDepth: nil)
        } catch {
            throw .invalidJSON
        }
        guard document.count(ofMembersNamed: "model") <= 1 else { throw .duplicateModelMember }
        return document.lastMember(named: "model")?.stringValue
    }

    /// `<model>` when `N` is `/v1beta/models/<model>` or `/v1/models/<model>` followed by `:`, `/` or the end, for
    /// any action (`:generateContent`, `:countTokens`, `:embedContent`, ...); nil otherwise or when it is empty.
    ///
    /// `N` holds each segment percent-decoded once (§5.3), the form Google itself reads: a request for
    /// `/v1beta/models/gemini%2D1%3AgenerateContent` names `gemini-1` here as it does upstream.
    package static func googlePathModel(normalisedPath: String) -> String? {
        for prefix in ["/v1beta/models/", "/v1/models/"] where normalisedPath.hasPrefix(prefix) {
            let rest = normalisedPath.unicodeScalars.dropFirst(prefix.unicodeScalars.count)
            let model = rest.prefix { $0 != ":" && $0 != "/" }
            return model.isEmpty ? nil : String(String.UnicodeScalarView(model))
        }
        return nil
    }

    /// Whether glob `pattern` matches the whole of `text`: `*` is any run of characters (none, and `/`, included),
    /// every other character matches itself, compared case-insensitively as the original's `i` flag did.
    package static func glob(_ pattern: String, matches text: String) -> Bool {
        let pattern = pattern.unicodeScalars.map(JavaScriptText.caseFolded)
        let text = text.unicodeScalars.map(JavaScriptText.caseFolded)
        var patternIndex = 0
        var textIndex = 0
        // The last `*` seen and the text position it is currently taken to end at; on a mismatch the star
        // swallows one more character. Linear in practice, quadratic at worst, never exponential.
        var star: (patternIndex: Int, textIndex: Int)?
        while textIndex < text.count {
            if patternIndex < pattern.count && pattern[patternIndex] == "*" {
                star = (patternIndex, textIndex)
                patternIndex += 1
            } else if patternIndex < pattern.count && pattern[patternIndex] == text[textIndex] {
                patternIndex += 1
                textIndex += 1
            } else if let backtrack = star {
                star = (backtrack.patternIndex, backtrack.textIndex + 1)
                patternIndex = backtrack.patternIndex + 1
                textIndex = backtrack.textIndex + 1
            } else {
                return false
            }
        }
        return pattern[patternIndex...].allSatisfy { $0 == "*" }
    }
}
