import EventLoop

/// `/health`, `/version`, `/healthz` and `/readyz` bodies (CONTRACT.md §9.1, §9.2, E6).
enum HealthEndpoints {
    /// The provider names of CONTRACT.md §4, in the contract's order.
    static let providerNames = [
        "anthropic", "openai", "google", "groq", "openrouter", "mistral", "elevenlabs", "huggingface", "deepgram",
        "openai-compatible",
    ]

    static let liveness = JSONValue.object([("ok", .bool(true))])

    static func version(_ context: RelayContext) -> JSONValue {
        let configuration = context.configuration
        let attestation: JSONValue =
            if let repository = configuration.repositoryURL, let commit = configuration.commitSHA {
                .string("\(repository)/tree/\(commit)")
            } else {
                .null
            }
        return .object([
            ("version", .string(BuildInfo.version)),
            ("commit", configuration.commitSHA.map(JSONValue.string) ?? .null),
            ("buildTime", .string(context.buildTime)),
            ("repoUrl", configuration.repositoryURL.map(JSONValue.string) ?? .null),
            ("attestationUrl", attestation),
        ])
    }

    static func health(_ context: RelayContext) -> JSONValue {
        let configuration = context.configuration
        let uptime = Int((MonotonicClock.nowNanoseconds() - context.startedAtMonotonic) / 1_000_000_000)
        var configCheck: [(String, JSONValue)] = [
            ("ok", .bool(true)),
            ("encryption_key_set", .bool(true)),
            ("registration_gated", .bool(configuration.appSecret != nil)),
            ("model_allowlist_restricted", .bool(!configuration.allowedModels.isEmpty)),
        ]
        if !configuration.allowedModels.isEmpty {
            configCheck.append(("allowed_models", .array(configuration.allowedModels.map(JSONValue.string))))
        }
        var members: [(String, JSONValue)] = [
            ("ok", .bool(true)),
            ("version", .string(BuildInfo.version)),
            ("commit", configuration.commitSHA.map(JSONValue.string) ?? .null),
            ("buildTime", .string(context.buildTime)),
            ("uptime", .int(uptime)),
            ("timestamp", .string(WallClock.nowISO8601())),
            ("providers", .array(providerNames.map(JSONValue.string))),
            ("checks", .object([("db", .object([("ok", .bool(true))])), ("config", .object(configCheck))])),
        ]
        var warnings: [JSONValue] = []
        if configuration.tokenHMACSecret == nil {
            warnings.append(.string("TOKEN_HMAC_SECRET not set — falling back to ENCRYPTION_SECRET for token hashing"))
        }
        if !warnings.isEmpty { members.append(("warnings", .array(warnings))) }
        return .object(members)
    }

    /// 200 when ready; 503 while starting or draining. Shared-dependency state is reported, never fatal (E6).
    static func readiness(_ context: RelayContext) -> (isReady: Bool, body: JSONValue) {
        let isStarting = context.isStarting
        let isDraining = context.serverState.isDraining
        let isReady = !isStarting && !isDraining
        let backend = if case .postgres = context.configuration.database { "postgres" } else { "sqlite" }
        let body = JSONValue.object([
            ("ready", .bool(isReady)),
            ("starting", .bool(isStarting)),
            ("draining", .bool(isDraining)),
            (
                "checks",
                .object([
                    ("db", .object([("ok", .bool(true)), ("backend", .string(backend))])),
                    ("redis", .object([("ok", .bool(true)), ("mode", .string("local"))])),
                ])
            ),
        ])
        return (isReady, body)
    }
}
