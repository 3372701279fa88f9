import EventLoop

/// Everything the relay reads from its environment and `.env` (CONTRACT.md §10.1), validated (§10.2).
///
/// Secrets are plain strings here; `description`, `debugDescription` and the reflection mirror name them
/// without showing them, so logging a configuration cannot leak one.
package struct Configuration: Equatable, Sendable {
    // MARK: Secrets and access

    /// `ENCRYPTION_SECRET`: the master secret for provider-key encryption (§3.5); at least 32 characters.
    package var encryptionSecret: String
    /// `ENCRYPTION_SECRET_PREVIOUS`: the secret being rotated away from (§3.5), when a rotation is under way.
    package var previousEncryptionSecret: String?
    /// `ENCRYPTION_SALT`: the HKDF salt (§3.5).
    package var encryptionSalt: String
    /// `TOKEN_HMAC_SECRET`: the token digest key (§2.4, E9); nil means `encryptionSecret` is used.
    package var tokenHMACSecret: String?
    /// `APP_SECRET`: gates `POST /users` and enables `GET /stats/:app_id` (§1.3); nil leaves registration open.
    package var appSecret: String?
    /// `METRICS_TOKEN`: the bearer token `GET /metrics` requires when set (E6).
    package var metricsToken: String?
    /// `ALLOWED_ORIGINS`: the CORS origins (§1.4).
    package var allowedOrigins: AllowedOrigins
    /// `CORS_MAX_AGE_SECONDS`: the preflight cache time (§1.4).
    package var corsMaxAgeSeconds: Int
    /// `ALLOWED_MODELS`: model globs (§6.5), trimmed, empty entries dropped; empty means every model is allowed.
    package var allowedModels: [String]

    // MARK: Network and process

    /// `HOST` (alias `BIND_ADDRESS`): the listen address.
    package var host: String
    /// `PORT`: the listen port; `0` picks a free one. `--port` overrides it (§10.3).
    package var port: Int
    /// `WORKERS`: event-loop threads.
    package var workers: Int
    /// `TRUST_PROXY`: trusted proxy hops for the client IP (E5).
    package var trustedProxyHops: Int
    /// `REQUEST_BODY_LIMIT_BYTES`: the body limit of every request (§1.1).
    package var requestBodyLimitBytes: Int
    /// `HTTP_MAX_HEADER_BYTES`: request line plus headers (§1.7).
    package var httpMaxHeaderBytes: Int
    /// `HTTP_MAX_HEADERS`: header fields per request (§1.7).
    package var httpMaxHeaders: Int
    /// `HTTP_HEADER_TIMEOUT_MS` (§1.7).
    package var httpHeaderTimeout: Duration
    /// `HTTP_BODY_TIMEOUT_MS`: the longest gap between body bytes (§1.7).
    package var httpBodyTimeout: Duration
    /// `HTTP_KEEPALIVE_TIMEOUT_MS` (§1.7).
    package var httpKeepAliveTimeout: Duration
    /// `SHUTDOWN_TIMEOUT_MS`: the longest graceful drain (E7).
    package var shutdownTimeout: Duration
    /// `DRAIN_DELAY_MS`: how long the listener stays open after the signal (E7); never above `shutdownTimeout`.
    package var drainDelay: Duration
    /// `LOG_LEVEL` (§9.5).
    package var logLevel: LogLevel

    // MARK: Upstream

    /// `UPSTREAM_TIMEOUT_MS`: until the provider's response head (§5.9).
    package var upstreamTimeout: Duration
    /// `UPSTREAM_CONNECT_TIMEOUT_MS`: name resolution, TCP and TLS (§5.9).
    package var upstreamConnectTimeout: Duration
    /// `UPSTREAM_IDLE_TIMEOUT_MS`: the longest gap between response body bytes (§5.9).
    package var upstreamIdleTimeout: Duration
    /// `RELAY_UPSTREAM_<PROVIDER>`: base URL overrides (E3), in the provider order of §4.
    package var upstreamOverrides: [UpstreamOverride]
    /// `RELAY_ALLOWED_UPSTREAM_HOSTS`: exceptions to the SSRF guard (E4).
    package var allowedUpstreamHosts: [AllowedUpstreamHost]

    // MARK: Storage and limits

    /// `DATABASE_URL` (alias `DB_PATH`): where the data lives (E1).
    package var database: DatabaseLocation
    /// `DATA_DIR`: the directory of the default SQLite database.
    package var dataDirectory: String
    /// `DB_TIMEOUT_MS`: the longest wait for the database before a 503 (E1).
    package var databaseTimeout: Duration
    /// `AUTO_MIGRATE`: whether start-up applies pending migrations (E1).
    package var migratesAutomatically: Bool
    /// `AUTH_CACHE_TTL_MS`: the upper bound on cached token and key lookups (§8.5); zero disables the cache.
    package var authCacheTTL: Duration
    /// `REDIS_URL`: the shared rate-limit store (E2); may hold a password.
    package var redisURL: String?
    /// `REDIS_TIMEOUT_MS`: the deadline of each Redis call (E2).
    package var redisTimeout: Duration
    /// `RATE_LIMIT_GLOBAL_PER_MIN` (alias `RATE_LIMIT_GLOBAL`); 0 = off (§7.1).
    package var rateLimitGlobalPerMinute: Int
    /// `RATE_LIMIT_RELAY_PER_MIN` (alias `RATE_LIMIT_RELAY`); 0 = off (§7.1).
    package var rateLimitRelayPerMinute: Int
    /// `RATE_LIMIT_REGISTER_PER_HOUR`; 0 = off (§7.1).
    package var rateLimitRegisterPerHour: Int
    /// `RATE_LIMIT_HEALTH_DEEP_PER_MIN`; 0 = off (§7.1).
    package var rateLimitHealthDeepPerMinute: Int
    /// `TOKEN_EXPIRY_DAYS` (alias `TOKEN_TTL_DAYS`); 0 = tokens never expire (§2.1).
    package var tokenExpiryDays: Int
    /// `REQUEST_LOG_RETENTION_DAYS`; 0 = forever (§8.3).
    package var requestLogRetentionDays: Int
    /// `EXPIRED_USER_RETENTION_DAYS`; 0 = forever (§8.3).
    package var expiredUserRetentionDays: Int

    // MARK: Build metadata

    /// `COMMIT_SHA`, shown by `/version` and `/health` (§9.2); nil is shown as `null`.
    package var commitSHA: String?
    /// `REPO_URL`, shown by `/version` (§9.2) and OpenRouter's last-resort `HTTP-Referer` (§5.4).
    package var repositoryURL: String?
    /// `BUILD_TIME`; nil means the process start time, which the server records and formats (§9.2).
    package var buildTime: String?

    /// The key for token digests: `TOKEN_HMAC_SECRET`, or `ENCRYPTION_SECRET` when it is unset (§10.1).
    package var effectiveTokenHMACSecret: String {
        tokenHMACSecret ?? encryptionSecret
    }

    /// The override for `provider` (a §4 name), if one is configured.
    package func upstreamOverride(for provider: String) -> UpstreamOverride? {
        upstreamOverrides.first { $0.provider == provider }
    }
}

extension Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// One `name: value` pair per field; secrets, the PostgreSQL connection string and the Redis URL are only
    /// said to be set or unset (CONTRACT.md §10.2: no secret value in output; STYLE.md §6).
    package var description: String {
        fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
    }

    /// The same as `description`: there is no more detailed form that could safely hold secrets.
    package var debugDescription: String {
        "Configuration(\(description))"
    }

    /// The redacted fields, so that `dump(_:)` and debuggers cannot show a secret either.
    package var customMirror: Mirror {
        Mirror(self, children: fields.map { (label: $0.0, value: $0.1 as Any) }, displayStyle: .struct)
    }

    private var fields: [(String, String)] {
        [
            ("encryptionSecret", Self.redacted(encryptionSecret)),
            ("previousEncryptionSecret", Self.redacted(previousEncryptionSecret)),
            ("encryptionSalt", Self.redacted(encryptionSalt)),
            ("tokenHMACSecret", Self.redacted(tokenHMACSecret)),
            ("appSecret", Self.redacted(appSecret)),
            ("metricsToken", Self.redacted(metricsToken)),
            ("allowedOrigins", "\(allowedOrigins)"),
            ("corsMaxAgeSeconds", "\(corsMaxAgeSeconds)"),
            ("allowedModels", "\(allowedModels)"),
            ("host", host),
            ("port", "\(port)"),
            ("workers", "\(workers)"),
            ("trustedProxyHops", "\(trustedProxyHops)"),
            ("requestBodyLimitBytes", "\(requestBodyLimitBytes)"),
            ("httpMaxHeaderBytes", "\(httpMaxHeaderBytes)"),
            ("httpMaxHeaders", "\(httpMaxHeaders)"),
            ("httpHeaderTimeout", "\(httpHeaderTimeout)"),
            ("httpBodyTimeout", "\(httpBodyTimeout)"),
            ("httpKeepAliveTimeout", "\(httpKeepAliveTimeout)"),
            ("shutdownTimeout", "\(shutdownTimeout)"),
            ("drainDelay", "\(drainDelay)"),
            ("logLevel", logLevel.rawValue),
            ("upstreamTimeout", "\(upstreamTimeout)"),
            ("upstreamConnectTimeout", "\(upstreamConnectTimeout)"),
            ("upstreamIdleTimeout", "\(upstreamIdleTimeout)"),
            ("upstreamOverrides", upstreamOverrides.map { "\($0.provider)=\($0.baseURL)" }.joined(separator: " ")),
            ("allowedUpstreamHosts", allowedUpstreamHosts.map(\.description).joined(separator: ",")),
            ("database", database.description),
            ("dataDirectory", dataDirectory),
            ("databaseTimeout", "\(databaseTimeout)"),
            ("migratesAutomatically", "\(migratesAutomatically)"),
            ("authCacheTTL", "\(authCacheTTL)"),
            ("redisURL", Self.redacted(redisURL)),
            ("redisTimeout", "\(redisTimeout)"),
            ("rateLimitGlobalPerMinute", "\(rateLimitGlobalPerMinute)"),
            ("rateLimitRelayPerMinute", "\(rateLimitRelayPerMinute)"),
            ("rateLimitRegisterPerHour", "\(rateLimitRegisterPerHour)"),
            ("rateLimitHealthDeepPerMinute", "\(rateLimitHealthDeepPerMinute)"),
            ("tokenExpiryDays", "\(tokenExpiryDays)"),
            ("requestLogRetentionDays", "\(requestLogRetentionDays)"),
            ("expiredUserRetentionDays", "\(expiredUserRetentionDays)"),
            ("commitSHA", commitSHA ?? "null"),
            ("repositoryURL", repositoryURL ?? "null"),
            ("buildTime", buildTime ?? "process start"),
        ]
    }

    private static func redacted(_ secret: String?) -> String {
        secret == nil ? "unset" : "set (redacted)"
    }
}
