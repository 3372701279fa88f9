import EventLoop

/// The `/health` body (CONTRACT.md §9.1). Everything but `uptime`, `timestamp` and the database's state is fixed for
/// the life of the process, so both variants are encoded once and the two changing members are spliced in.
struct HealthDocument: Sendable {
    /// `BUILD_TIME`, or the time this process started (§9.2).
    let buildTime: String
    private let healthy: (prefix: [UInt8], suffix: [UInt8])
    private let unhealthy: (prefix: [UInt8], suffix: [UInt8])

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
        func parts(databaseOK: Bool) -> (prefix: [UInt8], suffix: [UInt8]) {
            var prefix: [UInt8] = [UInt8(ascii: "{")]
            JSONValue.appendMembers(
                [
                    ("ok", .bool(databaseOK)),
                    ("version", .string(BuildInfo.version)),
                    ("commit", configuration.commitSHA.map(JSONValue.string) ?? .null),
                    ("buildTime", .string(buildTime)),
                ],
                to: &prefix
            )
            prefix.append(contentsOf: #","uptime":"#.utf8)
            let database: JSONValue =
                databaseOK
                ? .object([("ok", .bool(true))])
                : .object([("ok", .bool(false)), ("error", .string("Database unreachable"))])
            var trailing: [(String, JSONValue)] = [
                ("providers", .array(HealthEndpoints.providerNames.map(JSONValue.string))),
                ("checks", .object([("db", database), ("config", .object(configCheck))])),
            ]
            if configuration.tokenHMACSecret == nil {
                trailing.append(
                    (
                        "warnings",
                        .array([
                            .string("TOKEN_HMAC_SECRET not set — falling back to ENCRYPTION_SECRET for token hashing")
                        ])
                    )
                )
            }
            var suffix: [UInt8] = [UInt8(ascii: ",")]
            JSONValue.appendMembers(trailing, to: &suffix)
            suffix.append(UInt8(ascii: "}"))
            return (prefix, suffix)
        }
        healthy = parts(databaseOK: true)
        unhealthy = parts(databaseOK: false)
    }

    /// The body now, and whether the database check passed (the status is 503 when it did not).
    func body(_ context: RelayContext) -> (isHealthy: Bool, body: [UInt8]) {
        let isHealthy = context.databaseHealth.isHealthy
        let (prefix, suffix) = isHealthy ? healthy : unhealthy
        let uptime = (MonotonicClock.nowNanoseconds() - context.startedAtMonotonic) / 1_000_000_000
        var body = prefix
        body.reserveCapacity(prefix.count + suffix.count + 48)
        body.append(contentsOf: String(uptime).utf8)
        body.append(contentsOf: #","timestamp":"#.utf8)
        JSONText.appendString(WallClock.nowISO8601(), to: &body)
        body.append(contentsOf: suffix)
        return (isHealthy, body)
    }
}
