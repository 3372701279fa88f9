import EventLoop

/// The body of `GET /models` (CONTRACT.md §6.4): the routing table clients can mirror, and the allowlist.
///
/// Fixed for the life of the process, so it is built once from the configuration.
package struct ModelsDocument: Sendable {
    /// The document as a value, members in §6.4's order.
    package let json: JSONValue

    /// The unrestricted form (`"restricted": false` and a `message`), or, when `allowlist` is restricted,
    /// `"restricted": true` and `allowed_models` (the entries as configured, in order) in their place.
    package init(allowlist: ModelAllowlist) {
        var members: [(String, JSONValue)] = [
            ("providers", .array(Provider.all.map { .string($0.name) })),
            ("providerPrefixes", .array(ModelRouter.prefixProviders.map(JSONValue.string))),
            (
                "patterns",
                .array(
                    ModelPattern.all.map { pattern in
                        .object([
                            ("pattern", .string(pattern.source)),
                            ("flags", .string(pattern.flags)),
                            ("provider", .string(pattern.provider)),
                        ])
                    }
                )
            ),
        ]
        if allowlist.isRestricted {
            members.append(("restricted", .bool(true)))
            members.append(("allowed_models", .array(allowlist.entries.map(JSONValue.string))))
        } else {
            members.append(("restricted", .bool(false)))
            members.append(("message", .string("All models are permitted on this relay.")))
        }
        members.append(("usage", .string(#"POST /relay with { model: "provider/model-name", ...providerBody }"#)))
        members.append(("examples", .array(Self.examples.map(JSONValue.string))))
        json = .object(members)
    }

    /// The three request bodies §6.4 shows, as strings (they are text for people, not JSON members).
    private static let examples = [
        #"{ "model": "anthropic/claude-3-5-haiku", "max_tokens": 256, "messages": [{"role":"user","content":"Hello"}] }"#,
        #"{ "model": "gpt-4o", "messages": [{"role":"user","content":"Hello"}] }"#,
        #"{ "model": "google/gemini-2.0-flash", "contents": [{"parts":[{"text":"Hello"}]}] }"#,
    ]
}
