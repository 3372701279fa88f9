import EventLoop
import RateLimit

/// The `/health` body (CONTRACT.md §9.1). Everything but `uptime`, `timestamp`, the database's state and the rate
/// limits' mode (E2) is fixed for the life of the process, so every variant is encoded once and the two changing
/// members are spliced in.
struct HealthDocument: Sendable {
    /// `BUILD_TIME`, or the time this process started (§9.2).
    let buildTime: String
    /// Prefix and suffix per database state and limits mode, indexed by `variant(databaseOK:mode:)`.
    private var variants: [(prefix: [UInt8], suffix: [UInt8])] = []
    private let configCheck: [(String, JSONValue)]
    private let commitSHA: String?
    private let fixedWarnings: [String]

    init(configuration: Configuration, buildTime: String) {
        self.buildTime = buildTime
        var configCheck: [(String, JSONValue)] = [
            ("ok", .bool(true)),
            ("encryption_key_set", .bool(true)),
            ("registration_gated", .bool(configuration.appSecret != nil)),
            ("model_allowlist_restricted", .bool(!configuration.allowedModels.isEmpty)),
        ]
        if !configuration.allowedModels.isEmpty {
            configCheck.append(("allowed_models", .array(configuration.allowedModels.map(JSONValue.string))))
        }
        self.configCheck = configCheck
        self.commitSHA = configuration.commitSHA
        self.fixedWarnings =
            configuration.tokenHMACSecret == nil
            ? ["TOKEN_HMAC_SECRET not set — falling back to ENCRYPTION_SECRET for token hashing"] : []
        for databaseOK in [false, true] {
            for mode in Self.modes {
                variants.append(
                    (
                        Self.prefix(leadingMembers(databaseOK: databaseOK)),
                        Self.suffix(
                            trailingMembers(databaseOK: databaseOK, mode: mode, upstream: nil, extraWarnings: [])
                        )
                    )
                )
            }
        }
    }

    private static let modes: [RateLimitService.Mode] = [.local, .shared, .degraded]

    private static func variant(databaseOK: Bool, mode: RateLimitService.Mode) -> Int {
        (databaseOK ? modes.count : 0) + (modes.firstIndex(of: mode) ?? 0)
    }

    /// The body now, and whether the database check passed (the status is 503 when it did not).
    func body(_ context: RelayContext) -> (isHealthy: Bool, body: [UInt8]) {
        let isHealthy = context.databaseHealth.isHealthy
        let (prefix, suffix) = variants[Self.variant(databaseOK: isHealthy, mode: context.rateLimits.mode)]
        let uptime = (MonotonicClock.nowNanoseconds() - context.startedAtMonotonic) / 1_000_000_000
        var body = prefix
        body.reserveCapacity(prefix.count + suffix.count + 48)
        body.append(contentsOf: String(uptime).utf8)
        body.append(contentsOf: #","timestamp":"#.utf8)
        JSONText.appendString(WallClock.nowISO8601(), to: &body)
        body.append(contentsOf: suffix)
        return (isHealthy, body)
    }

    /// The body of a deep check (§9.1): `checks.upstream` after the others, its warning after the fixed ones.
    func deepBody(_ context: RelayContext, upstream: JSONValue, warning: String?) -> (isHealthy: Bool, body: [UInt8]) {
        let isHealthy = context.databaseHealth.isHealthy
        let uptime = (MonotonicClock.nowNanoseconds() - context.startedAtMonotonic) / 1_000_000_000
        var body = Self.prefix(leadingMembers(databaseOK: isHealthy))
        body.append(contentsOf: String(uptime).utf8)
        body.append(contentsOf: #","timestamp":"#.utf8)
        JSONText.appendString(WallClock.nowISO8601(), to: &body)
        let trailing = trailingMembers(
            databaseOK: isHealthy,
            mode: context.rateLimits.mode,
            upstream: upstream,
            extraWarnings: warning.map { [$0] } ?? []
        )
        body.append(contentsOf: Self.suffix(trailing))
        return (isHealthy, body)
    }

    private func leadingMembers(databaseOK: Bool) -> [(String, JSONValue)] {
        [
            ("ok", .bool(databaseOK)),
            ("version", .string(BuildInfo.version)),
            ("commit", commitSHA.map(JSONValue.string) ?? .null),
            ("buildTime", .string(buildTime)),
        ]
    }

    private func trailingMembers(
        databaseOK: Bool,
        mode: RateLimitService.Mode,
        upstream: JSONValue?,
        extraWarnings: [String]
    ) -> [(String, JSONValue)] {
        let database: JSONValue =
            databaseOK
            ? .object([("ok", .bool(true))])
            : .object([("ok", .bool(false)), ("error", .string("Database unreachable"))])
        var checks: [(String, JSONValue)] = [("db", database), ("config", .object(configCheck))]
        // §9.1: `checks.redis` only when REDIS_URL is set; informational, never the status.
        if mode != .local { checks.append(("redis", HealthEndpoints.redisCheck(mode))) }
        if let upstream { checks.append(("upstream", upstream)) }
        var members: [(String, JSONValue)] = [
            ("providers", .array(HealthEndpoints.providerNames.map(JSONValue.string))),
            ("checks", .object(checks)),
        ]
        var warnings = fixedWarnings
        if mode == .degraded { warnings.append("Redis unreachable — rate limits are enforced per replica") }
        warnings += extraWarnings
        if !warnings.isEmpty { members.append(("warnings", .array(warnings.map(JSONValue.string)))) }
        return members
    }

    /// `{` and the members before `uptime`, up to its value.
    private static func prefix(_ members: [(String, JSONValue)]) -> [UInt8] {
        var prefix: [UInt8] = [UInt8(ascii: "{")]
        JSONValue.appendMembers(members, to: &prefix)
        prefix.append(contentsOf: #","uptime":"#.utf8)
        return prefix
    }

    /// The members after `timestamp`, and `}`.
    private static func suffix(_ members: [(String, JSONValue)]) -> [UInt8] {
        var suffix: [UInt8] = [UInt8(ascii: ",")]
        JSONValue.appendMembers(members, to: &suffix)
        suffix.append(UInt8(ascii: "}"))
        return suffix
    }
}
