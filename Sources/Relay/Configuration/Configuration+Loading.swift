import EventLoop
import Foundation
import RateLimit

extension Configuration {
    /// The loaded configuration and §10.2's warnings, in the order of that table.
    package typealias Loaded = (Configuration, warnings: [String])

    /// Validates and loads the configuration; the environment wins over the `.env` variables (CONTRACT.md §10.1).
    ///
    /// Checks run in the order of §10.2's table, so the first refusal an operator sees is predictable. The
    /// SQLite, secret-check, migration and listen refusals happen later, at run time. `defaultWorkers` is only
    /// evaluated when `WORKERS` is unset (it reads the process's affinity mask and cgroup).
    package static func load(
        environment: [String: String],
        dotEnv: [String: String],
        defaultWorkers: @autoclosure () -> Int = WorkerCount.processDefault()
    ) throws(ConfigurationError) -> Loaded {
        var source = ConfigurationSource(environment: environment, dotEnv: dotEnv)
        return try load(from: &source, defaultWorkers: defaultWorkers)
    }

    /// Loads from the process environment and `<workingDirectory>/.env` when that file exists.
    ///
    /// A `.env` that exists but cannot be read is treated as absent, as the original's dotenv did; a missing
    /// `ENCRYPTION_SECRET` then still stops the relay with §10.2's message.
    package static func loadFromProcess(workingDirectory: String = ".") throws(ConfigurationError) -> Loaded {
        let dotEnvText = FileContents.text(atPath: workingDirectory + "/.env") ?? ""
        return try load(
            environment: ProcessInfo.processInfo.environment,
            dotEnv: EnvironmentFile.parse(dotEnvText)
        )
    }

    /// Loads from `source`, which afterwards knows every variable name that was looked up.
    package static func load(
        from source: inout ConfigurationSource,
        defaultWorkers: () -> Int
    ) throws(ConfigurationError) -> Loaded {
        var reader = VariableReader(source: source)
        defer { source = reader.source }

        // §10.2 rows 1–6: secrets, in the original's order and with its messages.
        guard let encryptionSecret = reader.string("ENCRYPTION_SECRET") else {
            throw .encryptionSecretMissing
        }
        guard encryptionSecret.count >= minimumSecretLength else {
            throw .secretTooShort("ENCRYPTION_SECRET")
        }
        let previousEncryptionSecret = reader.string("ENCRYPTION_SECRET_PREVIOUS")
        if let previous = previousEncryptionSecret {
            guard previous.count >= minimumSecretLength else {
                throw .secretTooShort("ENCRYPTION_SECRET_PREVIOUS")
            }
            guard previous != encryptionSecret else {
                throw .previousSecretNotDifferent
            }
        }
        let appSecret = reader.string("APP_SECRET")
        // Any whitespace, not only the original's literal space: a tab or newline is as surely a paste error.
        if let appSecret, appSecret.contains(where: \.isWhitespace) {
            throw .appSecretHasWhitespace
        }
        let tokenHMACSecret = reader.string("TOKEN_HMAC_SECRET")
        if let tokenHMACSecret, tokenHMACSecret.count < minimumSecretLength {
            throw .secretTooShort("TOKEN_HMAC_SECRET")
        }

        // §10.2 row 7: integers, in the order of §10.1's tables.
        let corsMaxAgeSeconds = try reader.integer("CORS_MAX_AGE_SECONDS", 0...86_400, default: 7_200)
        let port = try reader.integer("PORT", 0...65_535, default: 3_000)
        let workers = try reader.optionalInteger("WORKERS", 1...WorkerCount.maximum) ?? defaultWorkers()
        let trustedProxyHops = try reader.integer("TRUST_PROXY", 0...32, default: 0)
        let requestBodyLimitBytes = try reader.integer(
            "REQUEST_BODY_LIMIT_BYTES",
            1...1_073_741_824,
            default: 10_485_760
        )
        let httpMaxHeaderBytes = try reader.integer("HTTP_MAX_HEADER_BYTES", 1_024...1_048_576, default: 16_384)
        let httpMaxHeaders = try reader.integer("HTTP_MAX_HEADERS", 8...1_000, default: 100)
        let httpHeaderTimeout = try reader.milliseconds("HTTP_HEADER_TIMEOUT_MS", 100...600_000, default: 10_000)
        let httpBodyTimeout = try reader.milliseconds("HTTP_BODY_TIMEOUT_MS", 100...600_000, default: 30_000)
        let httpKeepAliveTimeout = try reader.milliseconds("HTTP_KEEPALIVE_TIMEOUT_MS", 100...600_000, default: 5_000)
        let shutdownTimeout = try reader.milliseconds("SHUTDOWN_TIMEOUT_MS", 0...3_600_000, default: 30_000)
        let drainDelay = try reader.milliseconds("DRAIN_DELAY_MS", 0...600_000, default: 0)
        let upstreamTimeout = try reader.milliseconds("UPSTREAM_TIMEOUT_MS", 1...3_600_000, default: 30_000)
        let upstreamConnectTimeout = try reader.milliseconds(
            "UPSTREAM_CONNECT_TIMEOUT_MS",
            1...600_000,
            default: 10_000
        )
        let upstreamIdleTimeout = try reader.milliseconds(
            "UPSTREAM_IDLE_TIMEOUT_MS",
            1...86_400_000,
            default: 300_000
        )
        let databaseTimeout = try reader.milliseconds("DB_TIMEOUT_MS", 100...60_000, default: 2_000)
        let authCacheTTL = try reader.milliseconds("AUTH_CACHE_TTL_MS", 0...3_600_000, default: 30_000)
        let redisTimeout = try reader.milliseconds("REDIS_TIMEOUT_MS", 1...10_000, default: 50)
        let limitRange = 0...1_000_000
        let rateLimitGlobalPerMinute = try reader.integer(
            "RATE_LIMIT_GLOBAL_PER_MIN",
            limitRange,
            default: 100,
            alias: "RATE_LIMIT_GLOBAL"
        )
        let rateLimitRelayPerMinute = try reader.integer(
            "RATE_LIMIT_RELAY_PER_MIN",
            limitRange,
            default: 20,
            alias: "RATE_LIMIT_RELAY"
        )
        let rateLimitRegisterPerHour = try reader.integer("RATE_LIMIT_REGISTER_PER_HOUR", limitRange, default: 10)
        let rateLimitHealthDeepPerMinute = try reader.integer(
            "RATE_LIMIT_HEALTH_DEEP_PER_MIN",
            limitRange,
            default: 10
        )
        let dayRange = 0...36_500
        let tokenExpiryDays = try reader.integer(
            "TOKEN_EXPIRY_DAYS",
            dayRange,
            default: 90,
            alias: "TOKEN_TTL_DAYS"
        )
        let requestLogRetentionDays = try reader.integer("REQUEST_LOG_RETENTION_DAYS", dayRange, default: 90)
        let expiredUserRetentionDays = try reader.integer("EXPIRED_USER_RETENTION_DAYS", dayRange, default: 30)

        // §10.2 rows 8–10: booleans, LOG_LEVEL, the drain bound.
        let migratesAutomatically = try reader.boolean("AUTO_MIGRATE", default: true)
        var logLevel = LogLevel.info
        if let value = reader.string("LOG_LEVEL") {
            guard let level = LogLevel(configurationValue: value) else {
                throw .invalidLogLevel(got: value)
            }
            logLevel = level
        }
        guard drainDelay <= shutdownTimeout else {
            throw .drainDelayExceedsShutdownTimeout
        }

        // §10.2 rows 11–13: origins, database, Redis.
        let allowedOrigins = try reader.string("ALLOWED_ORIGINS").map(AllowedOrigins.init(configurationValue:)) ?? .any
        let dataDirectory = reader.string("DATA_DIR") ?? "./data"
        let database = try reader.database(dataDirectory: dataDirectory)
        let redisURL = reader.string("REDIS_URL")
        if let redisURL {
            try checkRedisURL(redisURL)
        }

        // §10.2 rows 14–16: every unknown provider before any malformed URL, then the SSRF exceptions.
        let upstreamOverrides = try reader.upstreamOverrides()
        var allowedUpstreamHosts: [AllowedUpstreamHost] = []
        if let value = reader.string("RELAY_ALLOWED_UPSTREAM_HOSTS") {
            allowedUpstreamHosts = try AllowedUpstreamHost.list(configurationValue: value)
        }

        // Values that cannot be malformed.
        let encryptionSalt = reader.string("ENCRYPTION_SALT")
        let allowedModels = reader.string("ALLOWED_MODELS").map(Self.allowedModelList) ?? []
        let configuration = Configuration(
            encryptionSecret: encryptionSecret,
            previousEncryptionSecret: previousEncryptionSecret,
            encryptionSalt: encryptionSalt ?? defaultEncryptionSalt,
            tokenHMACSecret: tokenHMACSecret,
            appSecret: appSecret,
            metricsToken: reader.string("METRICS_TOKEN"),
            allowedOrigins: allowedOrigins,
            corsMaxAgeSeconds: corsMaxAgeSeconds,
            allowedModels: allowedModels,
            host: reader.string("HOST", alias: "BIND_ADDRESS")?.value ?? "0.0.0.0",
            port: port,
            workers: workers,
            trustedProxyHops: trustedProxyHops,
            requestBodyLimitBytes: requestBodyLimitBytes,
            httpMaxHeaderBytes: httpMaxHeaderBytes,
            httpMaxHeaders: httpMaxHeaders,
            httpHeaderTimeout: httpHeaderTimeout,
            httpBodyTimeout: httpBodyTimeout,
            httpKeepAliveTimeout: httpKeepAliveTimeout,
            shutdownTimeout: shutdownTimeout,
            drainDelay: drainDelay,
            logLevel: logLevel,
            upstreamTimeout: upstreamTimeout,
            upstreamConnectTimeout: upstreamConnectTimeout,
            upstreamIdleTimeout: upstreamIdleTimeout,
            upstreamOverrides: upstreamOverrides,
            allowedUpstreamHosts: allowedUpstreamHosts,
            database: database,
            dataDirectory: dataDirectory,
            databaseTimeout: databaseTimeout,
            migratesAutomatically: migratesAutomatically,
            authCacheTTL: authCacheTTL,
            redisURL: redisURL,
            redisTimeout: redisTimeout,
            rateLimitGlobalPerMinute: rateLimitGlobalPerMinute,
            rateLimitRelayPerMinute: rateLimitRelayPerMinute,
            rateLimitRegisterPerHour: rateLimitRegisterPerHour,
            rateLimitHealthDeepPerMinute: rateLimitHealthDeepPerMinute,
            tokenExpiryDays: tokenExpiryDays,
            requestLogRetentionDays: requestLogRetentionDays,
            expiredUserRetentionDays: expiredUserRetentionDays,
            commitSHA: reader.string("COMMIT_SHA"),
            repositoryURL: reader.string("REPO_URL"),
            buildTime: reader.string("BUILD_TIME")
        )

        // §10.2's warnings table, in its order.
        var warnings: [String] = []
        if appSecret == nil {
            warnings.append("APP_SECRET is not set — POST /users is open. Set APP_SECRET to restrict registration.")
        }
        if tokenHMACSecret == nil {
            warnings.append(
                "TOKEN_HMAC_SECRET is not set — falling back to ENCRYPTION_SECRET for token hashing."
            )
        }
        // §6.5: an empty list (unset, or only commas) permits every model, so it warns as unset does.
        if allowedModels.isEmpty {
            warnings.append("ALLOWED_MODELS is not set — all models are permitted.")
        }
        if encryptionSalt == nil {
            warnings.append(
                "ENCRYPTION_SALT is not set — using the built-in default salt. Set a unique ENCRYPTION_SALT on "
                    + "new deployments."
            )
        }
        warnings += reader.aliasWarnings
        for override in upstreamOverrides where override.isPlainHTTP {
            let name = UpstreamOverride.variableName(for: override.provider)
            warnings.append("\(name) uses plain http — provider keys will cross the network unencrypted.")
        }
        return (configuration, warnings: warnings)
    }

    /// §10.1: `ENCRYPTION_SECRET`, `ENCRYPTION_SECRET_PREVIOUS` and `TOKEN_HMAC_SECRET` need 32 characters.
    package static let minimumSecretLength = 32

    /// §10.1: the HKDF salt when `ENCRYPTION_SALT` is unset.
    package static let defaultEncryptionSalt = "byok-relay-salt"

    /// §6.5: a comma-separated list; entries trimmed, empty entries dropped.
    private static func allowedModelList(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0.trimmingBlanks()) }.filter { !$0.isEmpty }
    }

    /// E2's REDIS_URL rules: `redis://[user:password@]host[:port][/db]`, never TLS.
    private static func checkRedisURL(_ value: String) throws(ConfigurationError) {
        let lowered = value.lowercased()
        // `rediss://` gets the TLS message although it is also "not redis://": it says what to do instead.
        if lowered.hasPrefix("rediss://") {
            throw .redisTLSUnsupported
        }
        guard lowered.hasPrefix("redis://") else {
            throw .invalidRedisURL
        }
        var rest = value.dropFirst("redis://".count)
        if let hash = rest.firstIndex(of: "#") {
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: question)...]
            for parameter in query.split(separator: "&") {
                let name = parameter.prefix { $0 != "=" }.lowercased()
                if name == "tls" || name == "ssl" || name.hasPrefix("tls_") || name.hasPrefix("ssl_") {
                    throw .redisTLSUnsupported
                }
            }
            rest = rest[..<question]
        }
        let authority = rest.prefix { $0 != "/" }
        let path = rest[authority.endIndex...]
        let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let database = path.dropFirst()
        // The limiter takes the URL apart with `RedisEndpoint`: what passes here must pass there too, or the relay
        // would run on local limits without a word.
        guard URLSyntax.hostAndPort(hostAndPort) != nil,
            database.unicodeScalars.allSatisfy(URLSyntax.isDigit),
            RedisEndpoint(url: value) != nil
        else {
            throw .invalidRedisURL
        }
    }
}

/// Looks variables up for `Configuration.load`, turning malformed values into §10.2's refusals.
private struct VariableReader {
    var source: ConfigurationSource
    /// `${ALIAS} is ignored because ${NAME} is set.` lines, in the order the variables were read.
    var aliasWarnings: [String] = []

    init(source: ConfigurationSource) {
        self.source = source
    }

    mutating func string(_ name: String) -> String? {
        source.value(name)
    }

    /// The value of `name`, else of `alias`, with the name it came from (refusals quote that name).
    mutating func string(_ name: String, alias: String) -> (name: String, value: String)? {
        let value = source.value(name)
        let aliasValue = source.value(alias)
        if let value {
            // CONTRACT.md §10.1: the variable wins over its alias, and a warning names the ignored alias.
            if aliasValue != nil {
                aliasWarnings.append("\(alias) is ignored because \(name) is set.")
            }
            return (name, value)
        }
        return aliasValue.map { (alias, $0) }
    }

    mutating func optionalInteger(
        _ name: String,
        _ range: ClosedRange<Int>,
        alias: String? = nil
    ) throws(ConfigurationError) -> Int? {
        let found: (name: String, value: String)?
        if let alias {
            found = string(name, alias: alias)
        } else {
            found = string(name).map { (name, $0) }
        }
        guard let (usedName, value) = found else { return nil }
        // §10.1: decimal digits only, so `10mb`, `-1`, `+5` and ` 5` are refused rather than guessed at.
        guard value.unicodeScalars.allSatisfy(URLSyntax.isDigit), let number = Int(value), range.contains(number)
        else {
            throw .invalidInteger(usedName, range, got: value)
        }
        return number
    }

    mutating func integer(
        _ name: String,
        _ range: ClosedRange<Int>,
        default defaultValue: Int,
        alias: String? = nil
    ) throws(ConfigurationError) -> Int {
        try optionalInteger(name, range, alias: alias) ?? defaultValue
    }

    mutating func milliseconds(
        _ name: String,
        _ range: ClosedRange<Int>,
        default defaultValue: Int
    ) throws(ConfigurationError) -> Duration {
        .milliseconds(try integer(name, range, default: defaultValue))
    }

    mutating func boolean(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let value = string(name) else { return defaultValue }
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .invalidBoolean(name, got: value)
        }
    }

    /// `DATABASE_URL`, else `DB_PATH` as `sqlite:<path>`, else `sqlite:${DATA_DIR}/relay.db` (E1).
    mutating func database(dataDirectory: String) throws(ConfigurationError) -> DatabaseLocation {
        guard let (name, value) = string("DATABASE_URL", alias: "DB_PATH") else {
            let directory =
                dataDirectory.count > 1 && dataDirectory.hasSuffix("/")
                ? String(dataDirectory.dropLast()) : dataDirectory
            return .sqlite(path: directory + "/relay.db")
        }
        if name == "DB_PATH" {
            return .sqlite(path: value)
        }
        guard let location = DatabaseLocation(databaseURL: value) else {
            throw .invalidDatabaseURL
        }
        return location
    }

    /// Every `RELAY_UPSTREAM_*` variable: all names checked before any value, as §10.2's rows are ordered.
    mutating func upstreamOverrides() throws(ConfigurationError) -> [UpstreamOverride] {
        let prefix = UpstreamOverride.variablePrefix
        for name in source.names(withPrefix: prefix) {
            let suffix = String(name.dropFirst(prefix.count))
            guard UpstreamOverride.provider(forSuffix: suffix) != nil else {
                throw .unknownUpstreamProvider(suffix: suffix)
            }
        }
        var overrides: [UpstreamOverride] = []
        for provider in UpstreamOverride.providers {
            let name = UpstreamOverride.variableName(for: provider)
            guard let value = string(name) else { continue }
            guard let override = UpstreamOverride(provider: provider, value: value) else {
                throw .invalidUpstreamOverride(suffix: String(name.dropFirst(prefix.count)))
            }
            overrides.append(override)
        }
        return overrides
    }
}
