import Relay
import Testing

@Suite struct ConfigurationRefusalTests {
    /// Every integer of CONTRACT.md §10.1: name, range, default and where the value lands.
    static let integers: [(String, ClosedRange<Int>, Int, @Sendable (Configuration) -> Int)] = [
        ("CORS_MAX_AGE_SECONDS", 0...86_400, 7_200, { $0.corsMaxAgeSeconds }),
        ("PORT", 0...65_535, 3_000, { $0.port }),
        ("WORKERS", 1...1_024, 4, { $0.workers }),
        ("TRUST_PROXY", 0...32, 0, { $0.trustedProxyHops }),
        ("REQUEST_BODY_LIMIT_BYTES", 1...1_073_741_824, 10_485_760, { $0.requestBodyLimitBytes }),
        ("HTTP_MAX_HEADER_BYTES", 1_024...1_048_576, 16_384, { $0.httpMaxHeaderBytes }),
        ("HTTP_MAX_HEADERS", 8...1_000, 100, { $0.httpMaxHeaders }),
        ("HTTP_HEADER_TIMEOUT_MS", 100...600_000, 10_000, { milliseconds($0.httpHeaderTimeout) }),
        ("HTTP_BODY_TIMEOUT_MS", 100...600_000, 30_000, { milliseconds($0.httpBodyTimeout) }),
        ("HTTP_KEEPALIVE_TIMEOUT_MS", 100...600_000, 5_000, { milliseconds($0.httpKeepAliveTimeout) }),
        ("SHUTDOWN_TIMEOUT_MS", 0...3_600_000, 30_000, { milliseconds($0.shutdownTimeout) }),
        ("DRAIN_DELAY_MS", 0...600_000, 0, { milliseconds($0.drainDelay) }),
        ("UPSTREAM_TIMEOUT_MS", 1...3_600_000, 30_000, { milliseconds($0.upstreamTimeout) }),
        ("UPSTREAM_CONNECT_TIMEOUT_MS", 1...600_000, 10_000, { milliseconds($0.upstreamConnectTimeout) }),
        ("UPSTREAM_IDLE_TIMEOUT_MS", 1...86_400_000, 300_000, { milliseconds($0.upstreamIdleTimeout) }),
        ("DB_TIMEOUT_MS", 100...60_000, 2_000, { milliseconds($0.databaseTimeout) }),
        ("AUTH_CACHE_TTL_MS", 0...3_600_000, 30_000, { milliseconds($0.authCacheTTL) }),
        ("REDIS_TIMEOUT_MS", 1...10_000, 50, { milliseconds($0.redisTimeout) }),
        ("RATE_LIMIT_GLOBAL_PER_MIN", 0...1_000_000, 100, { $0.rateLimitGlobalPerMinute }),
        ("RATE_LIMIT_RELAY_PER_MIN", 0...1_000_000, 20, { $0.rateLimitRelayPerMinute }),
        ("RATE_LIMIT_REGISTER_PER_HOUR", 0...1_000_000, 10, { $0.rateLimitRegisterPerHour }),
        ("RATE_LIMIT_HEALTH_DEEP_PER_MIN", 0...1_000_000, 10, { $0.rateLimitHealthDeepPerMinute }),
        ("TOKEN_EXPIRY_DAYS", 0...36_500, 90, { $0.tokenExpiryDays }),
        ("REQUEST_LOG_RETENTION_DAYS", 0...36_500, 90, { $0.requestLogRetentionDays }),
        ("EXPIRED_USER_RETENTION_DAYS", 0...36_500, 30, { $0.expiredUserRetentionDays }),
        // Aliases are read the same way and quoted under their own name.
        ("RATE_LIMIT_GLOBAL", 0...1_000_000, 100, { $0.rateLimitGlobalPerMinute }),
        ("RATE_LIMIT_RELAY", 0...1_000_000, 20, { $0.rateLimitRelayPerMinute }),
        ("TOKEN_TTL_DAYS", 0...36_500, 90, { $0.tokenExpiryDays }),
    ]

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1_000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    @Test(arguments: integers)
    func testIntegerEdgesAreAcceptedAndDefaultsApply(
        _ name: String,
        _ range: ClosedRange<Int>,
        _ defaultValue: Int,
        _ field: @Sendable (Configuration) -> Int
    ) throws {
        // DRAIN_DELAY_MS at its maximum needs a shutdown timeout at least as long.
        let room = ["SHUTDOWN_TIMEOUT_MS": "3600000"]
        #expect(field(try loadConfiguration([:]).0) == defaultValue)
        #expect(field(try loadConfiguration([name: ""]).0) == defaultValue)
        #expect(field(try loadConfiguration(room.merging([name: "\(range.lowerBound)"]) { $1 }).0) == range.lowerBound)
        #expect(field(try loadConfiguration(room.merging([name: "\(range.upperBound)"]) { $1 }).0) == range.upperBound)
        #expect(field(try loadConfiguration([name: "0000\(range.lowerBound)"]).0) == range.lowerBound)
    }

    @Test(arguments: integers)
    func testMalformedIntegersAreRefused(
        _ name: String,
        _ range: ClosedRange<Int>,
        _ defaultValue: Int,
        _ field: @Sendable (Configuration) -> Int
    ) {
        var values = [
            "\(range.upperBound + 1)", "10mb", "-1", " 5", "5 ", "+5", "1e3", "0x10", "1.5", "99999999999999999999",
        ]
        if range.lowerBound > 0 {
            values.append("\(range.lowerBound - 1)")
        }
        for value in values {
            let expected =
                "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound) (got \"\(value)\")."
            #expect(refusalMessage([name: value]) == expected, "\(name)=\(value)")
        }
    }

    static let refusals: [([String: String], String)] = [
        // Secrets (§10.2 rows 1–6).
        ([:], "ENCRYPTION_SECRET env var is not set. Generate one with: openssl rand -hex 32"),
        (["ENCRYPTION_SECRET": ""], "ENCRYPTION_SECRET env var is not set. Generate one with: openssl rand -hex 32"),
        (["ENCRYPTION_SECRET": String(repeating: "x", count: 31)], "ENCRYPTION_SECRET must be at least 32 characters."),
        (
            ["ENCRYPTION_SECRET": validSecret, "ENCRYPTION_SECRET_PREVIOUS": "short"],
            "ENCRYPTION_SECRET_PREVIOUS must be at least 32 characters."
        ),
        (
            ["ENCRYPTION_SECRET": validSecret, "ENCRYPTION_SECRET_PREVIOUS": validSecret],
            "ENCRYPTION_SECRET_PREVIOUS must differ from ENCRYPTION_SECRET."
        ),
        (
            ["ENCRYPTION_SECRET": validSecret, "APP_SECRET": "has space"],
            "APP_SECRET must not contain spaces. Generate a safe value with: openssl rand -hex 32"
        ),
        (
            ["ENCRYPTION_SECRET": validSecret, "APP_SECRET": "has\ttab"],
            "APP_SECRET must not contain spaces. Generate a safe value with: openssl rand -hex 32"
        ),
        (
            ["ENCRYPTION_SECRET": validSecret, "TOKEN_HMAC_SECRET": String(repeating: "t", count: 31)],
            "TOKEN_HMAC_SECRET must be at least 32 characters."
        ),
        // Order: a short secret is reported before a bad integer.
        (
            ["ENCRYPTION_SECRET": "short", "PORT": "x"],
            "ENCRYPTION_SECRET must be at least 32 characters."
        ),
    ]

    @Test(arguments: refusals)
    func testSecretsAreRefused(_ environment: [String: String], _ expected: String) {
        #expect(refusalMessage(environment, replacingMinimal: true) == expected)
    }

    static let valueRefusals: [([String: String], String)] = [
        (["AUTO_MIGRATE": "maybe"], "AUTO_MIGRATE must be true or false (got \"maybe\")."),
        (["AUTO_MIGRATE": "2"], "AUTO_MIGRATE must be true or false (got \"2\")."),
        (["AUTO_MIGRATE": " true"], "AUTO_MIGRATE must be true or false (got \" true\")."),
        (
            ["LOG_LEVEL": "verbose"],
            "LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got \"verbose\")."
        ),
        (["DRAIN_DELAY_MS": "30001"], "DRAIN_DELAY_MS must not exceed SHUTDOWN_TIMEOUT_MS."),
        (["DRAIN_DELAY_MS": "1", "SHUTDOWN_TIMEOUT_MS": "0"], "DRAIN_DELAY_MS must not exceed SHUTDOWN_TIMEOUT_MS."),
        // ALLOWED_ORIGINS entries (§1.4).
        (
            ["ALLOWED_ORIGINS": "https://a.example, example.com"],
            "ALLOWED_ORIGINS entry \"example.com\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "https://a.example/path"],
            "ALLOWED_ORIGINS entry \"https://a.example/path\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "https://a.example//"],
            "ALLOWED_ORIGINS entry \"https://a.example//\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "https://a.example:99999"],
            "ALLOWED_ORIGINS entry \"https://a.example:99999\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "https://user@a.example"],
            "ALLOWED_ORIGINS entry \"https://user@a.example\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "*, https://a.example?x"],
            "ALLOWED_ORIGINS entry \"https://a.example?x\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "https://"],
            "ALLOWED_ORIGINS entry \"https://\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "NULL"],
            "ALLOWED_ORIGINS entry \"NULL\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["ALLOWED_ORIGINS": "1http://a"],
            "ALLOWED_ORIGINS entry \"1http://a\" is not an origin (scheme://host[:port]), * or null."
        ),
        // DATABASE_URL (E1).
        (
            ["DATABASE_URL": "mysql://u:p@h/db"],
            "DATABASE_URL must be postgres://..., postgresql://..., a key=value connection string, or sqlite:PATH."
        ),
        (
            ["DATABASE_URL": "/var/lib/relay.db"],
            "DATABASE_URL must be postgres://..., postgresql://..., a key=value connection string, or sqlite:PATH."
        ),
        (
            ["DATABASE_URL": "sqlite:"],
            "DATABASE_URL must be postgres://..., postgresql://..., a key=value connection string, or sqlite:PATH."
        ),
        (
            ["DATABASE_URL": "host='unclosed"],
            "DATABASE_URL must be postgres://..., postgresql://..., a key=value connection string, or sqlite:PATH."
        ),
        (
            ["DATABASE_URL": "host="],
            "DATABASE_URL must be postgres://..., postgresql://..., a key=value connection string, or sqlite:PATH."
        ),
        // REDIS_URL (E2).
        (["REDIS_URL": "http://cache:6379"], "REDIS_URL must be a redis:// URL."),
        (["REDIS_URL": "cache:6379"], "REDIS_URL must be a redis:// URL."),
        (["REDIS_URL": "redis://"], "REDIS_URL must be a redis:// URL."),
        (["REDIS_URL": "redis://cache:port"], "REDIS_URL must be a redis:// URL."),
        (["REDIS_URL": "redis://cache/db0"], "REDIS_URL must be a redis:// URL."),
        // Digits only, but no database index the limiter could select: refused, not run on local limits silently.
        (["REDIS_URL": "redis://cache/99999999999999999999"], "REDIS_URL must be a redis:// URL."),
        (
            ["REDIS_URL": "rediss://cache:6380"],
            "REDIS_URL: rediss:// (TLS) is not supported; reach Redis through a TLS sidecar and use redis://."
        ),
        (
            ["REDIS_URL": "REDISS://cache:6380"],
            "REDIS_URL: rediss:// (TLS) is not supported; reach Redis through a TLS sidecar and use redis://."
        ),
        (
            ["REDIS_URL": "redis://cache:6379?tls=true"],
            "REDIS_URL: rediss:// (TLS) is not supported; reach Redis through a TLS sidecar and use redis://."
        ),
        (
            ["REDIS_URL": "redis://cache:6379/0?db=1&SSL"],
            "REDIS_URL: rediss:// (TLS) is not supported; reach Redis through a TLS sidecar and use redis://."
        ),
        (
            ["REDIS_URL": "redis://cache?ssl_cert_reqs=none"],
            "REDIS_URL: rediss:// (TLS) is not supported; reach Redis through a TLS sidecar and use redis://."
        ),
        (
            ["REDIS_URL": "redis://cache?tls_ca=/x"],
            "REDIS_URL: rediss:// (TLS) is not supported; reach Redis through a TLS sidecar and use redis://."
        ),
        // RELAY_UPSTREAM_* (E3).
        (["RELAY_UPSTREAM_ACME": "https://acme.example"], "RELAY_UPSTREAM_ACME does not name a known provider."),
        (["RELAY_UPSTREAM_openai": "https://x.example"], "RELAY_UPSTREAM_openai does not name a known provider."),
        (
            ["RELAY_UPSTREAM_OPENAI-COMPATIBLE": "https://x.example"],
            "RELAY_UPSTREAM_OPENAI-COMPATIBLE does not name a known provider."
        ),
        (
            ["RELAY_UPSTREAM_ANTHROPIC": "https://a.example?x=1", "RELAY_UPSTREAM_ZED": "https://z.example"],
            "RELAY_UPSTREAM_ZED does not name a known provider."
        ),
        (
            ["RELAY_UPSTREAM_ANTHROPIC": "https://u:p@a.example"],
            "RELAY_UPSTREAM_ANTHROPIC must be an absolute http:// or https:// URL without credentials, query "
                + "or fragment."
        ),
        (
            ["RELAY_UPSTREAM_OPENAI": "https://a.example/v1?x=1"],
            "RELAY_UPSTREAM_OPENAI must be an absolute http:// or https:// URL without credentials, query or fragment."
        ),
        (
            ["RELAY_UPSTREAM_GOOGLE": "https://a.example/#frag"],
            "RELAY_UPSTREAM_GOOGLE must be an absolute http:// or https:// URL without credentials, query or fragment."
        ),
        (
            ["RELAY_UPSTREAM_GROQ": "ftp://a.example"],
            "RELAY_UPSTREAM_GROQ must be an absolute http:// or https:// URL without credentials, query or fragment."
        ),
        (
            ["RELAY_UPSTREAM_MISTRAL": "/relative/path"],
            "RELAY_UPSTREAM_MISTRAL must be an absolute http:// or https:// URL without credentials, query or fragment."
        ),
        (
            ["RELAY_UPSTREAM_DEEPGRAM": "https:///nohost"],
            "RELAY_UPSTREAM_DEEPGRAM must be an absolute http:// or https:// URL without credentials, query "
                + "or fragment."
        ),
        (
            ["RELAY_UPSTREAM_OPENAI_COMPATIBLE": "http://a.example:70000"],
            "RELAY_UPSTREAM_OPENAI_COMPATIBLE must be an absolute http:// or https:// URL without credentials, query "
                + "or fragment."
        ),
        // RELAY_ALLOWED_UPSTREAM_HOSTS (E4).
        (
            ["RELAY_ALLOWED_UPSTREAM_HOSTS": "ollama.internal"],
            "RELAY_ALLOWED_UPSTREAM_HOSTS entry \"ollama.internal\" must be host:port."
        ),
        (
            ["RELAY_ALLOWED_UPSTREAM_HOSTS": "ok.internal:1, fd00::5:8080"],
            "RELAY_ALLOWED_UPSTREAM_HOSTS entry \"fd00::5:8080\" must be host:port."
        ),
        (
            ["RELAY_ALLOWED_UPSTREAM_HOSTS": "[fd00::zz]:8080"],
            "RELAY_ALLOWED_UPSTREAM_HOSTS entry \"[fd00::zz]:8080\" must be host:port."
        ),
        (
            ["RELAY_ALLOWED_UPSTREAM_HOSTS": "host:0"],
            "RELAY_ALLOWED_UPSTREAM_HOSTS entry \"host:0\" must be host:port."
        ),
        (
            ["RELAY_ALLOWED_UPSTREAM_HOSTS": "http://host:80"],
            "RELAY_ALLOWED_UPSTREAM_HOSTS entry \"http://host:80\" must be host:port."
        ),
        (
            ["RELAY_ALLOWED_UPSTREAM_HOSTS": ":8080"],
            "RELAY_ALLOWED_UPSTREAM_HOSTS entry \":8080\" must be host:port."
        ),
        // Table order: an integer refusal comes before a bad origin, a bad origin before a bad database URL.
        (["ALLOWED_ORIGINS": "bad", "PORT": "x"], "PORT must be an integer from 0 to 65535 (got \"x\")."),
        (
            ["ALLOWED_ORIGINS": "bad", "DATABASE_URL": "bad"],
            "ALLOWED_ORIGINS entry \"bad\" is not an origin (scheme://host[:port]), * or null."
        ),
        (
            ["REDIS_URL": "bad", "DATABASE_URL": "x"],
            "DATABASE_URL must be postgres://..., postgresql://..., a key=value connection string, or sqlite:PATH."
        ),
        (["REDIS_URL": "bad", "RELAY_UPSTREAM_X": "y"], "REDIS_URL must be a redis:// URL."),
        (
            ["RELAY_ALLOWED_UPSTREAM_HOSTS": "bad", "RELAY_UPSTREAM_GROQ": "ftp://x"],
            "RELAY_UPSTREAM_GROQ must be an absolute http:// or https:// URL without credentials, query or fragment."
        ),
    ]

    @Test(arguments: valueRefusals)
    func testMalformedValuesAreRefused(_ environment: [String: String], _ expected: String) {
        #expect(refusalMessage(environment) == expected)
    }

    @Test func testRefusalsNeverQuoteSecrets() {
        let secret = "correct horse battery staple 0123456789"
        let message = refusalMessage(["APP_SECRET": secret]) ?? ""
        #expect(!message.isEmpty)
        #expect(!message.contains(secret))
    }
}
