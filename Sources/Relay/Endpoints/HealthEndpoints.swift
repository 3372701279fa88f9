import EventLoop
import RateLimit

/// `/health`, `/version`, `/healthz` and `/readyz` bodies (CONTRACT.md §9.1, §9.2, E6).
enum HealthEndpoints {
    /// The provider names of CONTRACT.md §4, in the contract's order.
    static let providerNames = Provider.all.map(\.name)

    static let liveness = JSONValue.object([("ok", .bool(true))])

    static func version(_ context: RelayContext) -> JSONValue {
        let configuration = context.configuration
        let buildTime = context.healthDocument.buildTime
        let attestation: JSONValue =
            if let repository = configuration.repositoryURL, let commit = configuration.commitSHA {
                .string("\(repository)/tree/\(commit)")
            } else {
                .null
            }
        return .object([
            ("version", .string(BuildInfo.version)),
            ("commit", configuration.commitSHA.map(JSONValue.string) ?? .null),
            ("buildTime", .string(buildTime)),
            ("repoUrl", configuration.repositoryURL.map(JSONValue.string) ?? .null),
            ("attestationUrl", attestation),
        ])
    }

    /// E6's `checks.redis`: shared, degraded (limits per replica while Redis is unreachable), or local by
    /// configuration.
    static func redisCheck(_ mode: RateLimitService.Mode) -> JSONValue {
        switch mode {
        case .local: .object([("ok", .bool(true)), ("mode", .string("local"))])
        case .shared: .object([("ok", .bool(true)), ("mode", .string("shared"))])
        case .degraded: .object([("ok", .bool(false)), ("mode", .string("local"))])
        }
    }

    /// 200 when ready; 503 while starting or draining. Shared-dependency state is reported, never fatal (E6).
    static func readiness(_ context: RelayContext) -> (isReady: Bool, body: JSONValue) {
        let isStarting = context.isStarting
        let isDraining = context.serverState.isDraining
        let isReady = !isStarting && !isDraining
        let body = JSONValue.object([
            ("ready", .bool(isReady)),
            ("starting", .bool(isStarting)),
            ("draining", .bool(isDraining)),
            (
                "checks",
                .object([
                    (
                        "db",
                        .object([
                            ("ok", .bool(context.databaseHealth.isHealthy)),
                            ("backend", .string(context.databaseBackendName)),
                        ])
                    ),
                    ("redis", redisCheck(context.rateLimits.mode)),
                ])
            ),
        ])
        return (isReady, body)
    }
}
