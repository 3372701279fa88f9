/// Where `POST /relay` sends a body, decided from its `model` alone (CONTRACT.md §6.2), and how the body's `model`
/// member is rewritten on the way (§6.3).
package enum ModelRouter {
    /// A routable model: the provider, the upstream request target, and the rewrite its body needs.
    package struct Route: Equatable, Sendable {
        /// One of the six routable providers.
        package let provider: String
        /// The path forwarded upstream, as §5.3's forwarded path of a direct request.
        package let path: String
        /// The query forwarded upstream without `?`: Google's `alt=sse` on a streaming path (§5.3); else nil.
        package let query: String?
        /// The model name the provider sees: the part after the prefix, trimmed, or the model unchanged.
        package let name: String
        /// What happens to the body's top-level `model` member before it is forwarded.
        package let bodyRewrite: BodyRewrite

        /// A route from its parts.
        package init(provider: String, path: String, query: String?, name: String, bodyRewrite: BodyRewrite) {
            self.provider = provider
            self.path = path
            self.query = query
            self.name = name
            self.bodyRewrite = bodyRewrite
        }
    }

    /// The one rewrite the relay ever makes to a body (§6.3, §5.4).
    package enum BodyRewrite: Equatable, Sendable {
        /// Forward the body byte-exact.
        case none
        /// Splice this string in as the `model` value; every other byte stays (a prefixed, non-Google model).
        case replaceModel(with: String)
        /// Cut the `model` member and one separating comma out; Google takes the model from the path.
        case removeModel
    }

    /// How a provider's upstream path is formed.
    enum RoutePath: Equatable, Sendable {
        /// The same path for every model.
        case fixed(String)
        /// `/v1beta/models/${name}:generateContent`, or `:streamGenerateContent` when streaming.
        case googleGenerateContent
    }

    /// The providers an explicit prefix may name, in the order of §6.4's `providerPrefixes`, with their default
    /// paths (§6.2). The other four have no inference path a model name could choose, so they are not routable.
    private static let defaultPaths: [(provider: String, path: RoutePath)] = [
        ("openai", .fixed("/v1/chat/completions")),
        ("anthropic", .fixed("/v1/messages")),
        ("google", .googleGenerateContent),
        ("groq", .fixed("/openai/v1/chat/completions")),
        ("openrouter", .fixed("/api/v1/chat/completions")),
        ("mistral", .fixed("/v1/chat/completions")),
    ]

    /// The providers an explicit `provider/` prefix may name (§6.4 `providerPrefixes`).
    package static let prefixProviders: [String] = defaultPaths.map(\.provider)

    /// `resolve(model, streaming)` of §6.2, or nil when the model cannot be routed (§6.1 step 5).
    ///
    /// `streaming` is whether the body's `stream` member is the literal `true`. A model with a `/` is routed by
    /// its prefix alone: an unknown prefix is not routable even when the rest would match a pattern
    /// (`meta-llama/llama-3-70b`), so a prefix never silently means something else.
    package static func resolve(model: String, streaming: Bool) -> Route? {
        let scalars = model.unicodeScalars
        if let slash = scalars.firstIndex(of: "/") {
            let prefix = String(String.UnicodeScalarView(scalars[..<slash])).lowercased()
            let name = JavaScriptText.trimmed(scalars[scalars.index(after: slash)...])
            guard !name.isEmpty, let entry = defaultPaths.first(where: { $0.provider == prefix }) else {
                return nil
            }
            // §6.3: Google carries the model in its path, every other provider gets the bare name in the body.
            let rewrite: BodyRewrite = entry.path == .googleGenerateContent ? .removeModel : .replaceModel(with: name)
            return route(entry.provider, entry.path, name: name, streaming: streaming, rewrite: rewrite)
        }
        guard let pattern = ModelPattern.all.first(where: { $0.matches(model) }) else {
            return nil
        }
        let rewrite: BodyRewrite = pattern.path == .googleGenerateContent ? .removeModel : .none
        return route(pattern.provider, pattern.path, name: model, streaming: streaming, rewrite: rewrite)
    }

    private static func route(
        _ provider: String,
        _ path: RoutePath,
        name: String,
        streaming: Bool,
        rewrite: BodyRewrite
    ) -> Route {
        switch path {
        case .fixed(let path):
            return Route(provider: provider, path: path, query: nil, name: name, bodyRewrite: rewrite)
        case .googleGenerateContent:
            let action = streaming ? ":streamGenerateContent" : ":generateContent"
            // §5.3's `alt=sse` rule reads the decoded path; the forwarded one escapes the name (see below).
            let query = GoogleQuery.rewrite(query: nil, normalised: "/v1beta/models/" + name + action)
            return Route(
                provider: provider,
                path: "/v1beta/models/" + pathSegment(name) + action,
                query: query,
                name: name,
                bodyRewrite: rewrite
            )
        }
    }

    /// `name` percent-encoded into one path segment: every byte but RFC 3986's unreserved characters escaped.
    ///
    /// The name comes from the body, which no path check of §5.3 ever sees: left raw, `../../v1/files` would walk
    /// out of `/v1beta/models`, a `?key=` would choose the key (E8) and a `#` would cut the action off. Real model
    /// names (`gemini-2.0-flash`) are unreserved characters only and travel unchanged.
    private static func pathSegment(_ name: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(contentsOf: [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
