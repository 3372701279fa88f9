import EventLoop
import Foundation
import Relay
import Testing

@Suite struct ConfigurationLoadingTests {
    @Test func testDefaultsMatchTheContract() throws {
        let (configuration, _) = try loadConfiguration([:])
        #expect(configuration.encryptionSecret == validSecret)
        #expect(configuration.previousEncryptionSecret == nil)
        #expect(configuration.encryptionSalt == "byok-relay-salt")
        #expect(configuration.tokenHMACSecret == nil)
        #expect(configuration.effectiveTokenHMACSecret == validSecret)
        #expect(configuration.appSecret == nil)
        #expect(configuration.metricsToken == nil)
        #expect(configuration.allowedOrigins == .any)
        #expect(configuration.allowedModels == [])
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.logLevel == .info)
        #expect(configuration.upstreamOverrides == [])
        #expect(configuration.allowedUpstreamHosts == [])
        #expect(configuration.database == .sqlite(path: "./data/relay.db"))
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.migratesAutomatically)
        #expect(configuration.redisURL == nil)
        #expect(configuration.commitSHA == nil)
        #expect(configuration.repositoryURL == nil)
        #expect(configuration.buildTime == nil)
    }

    @Test func testEveryStringVariableIsRead() throws {
        let secondSecret = String(repeating: "p", count: 32)
        let hmacSecret = String(repeating: "h", count: 40)
        let (configuration, _) = try loadConfiguration([
            "ENCRYPTION_SECRET_PREVIOUS": secondSecret,
            "ENCRYPTION_SALT": "salty",
            "TOKEN_HMAC_SECRET": hmacSecret,
            "APP_SECRET": "app-secret",
            "METRICS_TOKEN": "metrics token",
            "ALLOWED_MODELS": " gpt-4o* , ,anthropic/claude-3-5-haiku*,",
            "HOST": "::",
            "LOG_LEVEL": "WARN",
            "DATA_DIR": "/var/lib/relay/",
            "REDIS_URL": "redis://user:pa%40ss@cache:6379/2",
            "COMMIT_SHA": "abc123",
            "REPO_URL": "https://example.com/repo",
            "BUILD_TIME": "2025-01-01T00:00:00Z",
        ])
        #expect(configuration.previousEncryptionSecret == secondSecret)
        #expect(configuration.encryptionSalt == "salty")
        #expect(configuration.effectiveTokenHMACSecret == hmacSecret)
        #expect(configuration.appSecret == "app-secret")
        #expect(configuration.metricsToken == "metrics token")
        #expect(configuration.allowedModels == ["gpt-4o*", "anthropic/claude-3-5-haiku*"])
        #expect(configuration.host == "::")
        #expect(configuration.logLevel == .warn)
        #expect(configuration.database == .sqlite(path: "/var/lib/relay/relay.db"))
        #expect(configuration.redisURL == "redis://user:pa%40ss@cache:6379/2")
        #expect(configuration.commitSHA == "abc123")
        #expect(configuration.repositoryURL == "https://example.com/repo")
        #expect(configuration.buildTime == "2025-01-01T00:00:00Z")
    }

    @Test func testEnvironmentWinsOverTheFile() throws {
        let (configuration, _) = try loadConfiguration(
            ["PORT": "8080"],
            dotEnv: ["PORT": "9090", "HOST": "127.0.0.1", "ENCRYPTION_SECRET": "file secret too short"]
        )
        #expect(configuration.port == 8080)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.encryptionSecret == validSecret)
    }

    @Test func testTheFileAloneIsEnough() throws {
        let (configuration, _) = try Configuration.load(
            environment: [:],
            dotEnv: EnvironmentFile.parse("ENCRYPTION_SECRET=\(validSecret)\nPORT=4000\n"),
            defaultWorkers: 2
        )
        #expect(configuration.port == 4000)
        #expect(configuration.workers == 2)
    }

    @Test func testEmptyValuesCountAsUnset() throws {
        let (configuration, warnings) = try loadConfiguration([
            "APP_SECRET": "", "PORT": "", "LOG_LEVEL": "", "ALLOWED_ORIGINS": "", "DATABASE_URL": "",
            "RELAY_UPSTREAM_ACME": "", "AUTO_MIGRATE": "",
        ])
        #expect(configuration.appSecret == nil)
        #expect(configuration.port == 3000)
        #expect(configuration.logLevel == .info)
        #expect(configuration.allowedOrigins == .any)
        #expect(configuration.database == .sqlite(path: "./data/relay.db"))
        #expect(configuration.migratesAutomatically)
        #expect(warnings.contains { $0.hasPrefix("APP_SECRET is not set") })
    }

    @Test func testAnEmptyEnvironmentValueHidesTheFileValue() throws {
        let (configuration, _) = try loadConfiguration(["APP_SECRET": ""], dotEnv: ["APP_SECRET": "from-file"])
        #expect(configuration.appSecret == nil)
    }

    @Test func testWorkersDefaultIsOnlyComputedWhenUnset() throws {
        var calls = 0
        func count() -> Int {
            calls += 1
            return 3
        }
        let explicit = try Configuration.load(
            environment: minimalEnvironment.merging(["WORKERS": "7"]) { $1 },
            dotEnv: [:],
            defaultWorkers: count()
        )
        #expect(explicit.0.workers == 7)
        #expect(calls == 0)
        let computed = try Configuration.load(environment: minimalEnvironment, dotEnv: [:], defaultWorkers: count())
        #expect(computed.0.workers == 3)
        #expect(calls == 1)
    }

    static let booleans: [(String, Bool)] = [
        ("true", true), ("TRUE", true), ("1", true), ("yes", true), ("Yes", true),
        ("false", false), ("False", false), ("0", false), ("no", false), ("NO", false),
    ]

    @Test(arguments: booleans)
    func testBooleansAreRead(_ value: String, _ expected: Bool) throws {
        #expect(try loadConfiguration(["AUTO_MIGRATE": value]).0.migratesAutomatically == expected)
    }

    @Test(arguments: LogLevel.allCases)
    func testLogLevelsAreRead(_ level: LogLevel) throws {
        #expect(try loadConfiguration(["LOG_LEVEL": level.rawValue]).0.logLevel == level)
    }

    static let databases: [(String, DatabaseLocation)] = [
        (
            "postgres://u:p@db:5432/relay?sslmode=require",
            .postgres(conninfo: "postgres://u:p@db:5432/relay?sslmode=require")
        ),
        ("postgresql://db/relay", .postgres(conninfo: "postgresql://db/relay")),
        ("host=/var/run/postgresql dbname=relay", .postgres(conninfo: "host=/var/run/postgresql dbname=relay")),
        (
            "host = db password='it\\'s x' sslmode=require",
            .postgres(conninfo: "host = db password='it\\'s x' sslmode=require")
        ),
        ("sqlite:./data/relay.db", .sqlite(path: "./data/relay.db")),
        ("sqlite:/var/lib/byok-relay/relay.db", .sqlite(path: "/var/lib/byok-relay/relay.db")),
    ]

    @Test(arguments: databases)
    func testDatabaseURLFormsAreRead(_ value: String, _ expected: DatabaseLocation) throws {
        #expect(try loadConfiguration(["DATABASE_URL": value]).0.database == expected)
    }

    @Test func testDatabasePathAliasMeansSQLite() throws {
        let (configuration, warnings) = try loadConfiguration(["DB_PATH": "/x/relay.db"])
        #expect(configuration.database == .sqlite(path: "/x/relay.db"))
        #expect(!warnings.contains { $0.hasPrefix("DB_PATH") })
    }

    static let aliases: [(alias: String, name: String, aliasValue: String, nameValue: String)] = [
        ("BIND_ADDRESS", "HOST", "127.0.0.1", "::"),
        ("DB_PATH", "DATABASE_URL", "/alias.db", "sqlite:/name.db"),
        ("RATE_LIMIT_GLOBAL", "RATE_LIMIT_GLOBAL_PER_MIN", "5", "6"),
        ("RATE_LIMIT_RELAY", "RATE_LIMIT_RELAY_PER_MIN", "5", "6"),
        ("TOKEN_TTL_DAYS", "TOKEN_EXPIRY_DAYS", "5", "6"),
    ]

    static func aliasedField(_ name: String, _ configuration: Configuration) -> String {
        switch name {
        case "HOST": configuration.host
        case "DATABASE_URL": "\(configuration.database)"
        case "RATE_LIMIT_GLOBAL_PER_MIN": "\(configuration.rateLimitGlobalPerMinute)"
        case "RATE_LIMIT_RELAY_PER_MIN": "\(configuration.rateLimitRelayPerMinute)"
        default: "\(configuration.tokenExpiryDays)"
        }
    }

    @Test(arguments: aliases)
    func testAliasIsReadAndLosesToTheVariable(alias: String, name: String, aliasValue: String, nameValue: String)
        throws
    {
        let (aliasOnly, aliasWarnings) = try loadConfiguration([alias: aliasValue])
        let expectedAliasValue = name == "DATABASE_URL" ? "sqlite:\(aliasValue)" : aliasValue
        #expect(Self.aliasedField(name, aliasOnly) == expectedAliasValue)
        #expect(!aliasWarnings.contains { $0.contains("is ignored") })

        let (both, warnings) = try loadConfiguration([alias: aliasValue, name: nameValue])
        #expect(Self.aliasedField(name, both) == nameValue)
        #expect(warnings.contains("\(alias) is ignored because \(name) is set."))
    }

    @Test func testAnIgnoredAliasIsNotValidated() throws {
        let (configuration, _) = try loadConfiguration(["RATE_LIMIT_GLOBAL": "lots", "RATE_LIMIT_GLOBAL_PER_MIN": "7"])
        #expect(configuration.rateLimitGlobalPerMinute == 7)
    }

    static let origins: [(String, AllowedOrigins)] = [
        ("*", .any),
        ("https://a.example, *", .any),
        ("https://a.example", .list(["https://a.example"])),
        (
            " HTTPS://A.Example/ ,, http://localhost:5173,null",
            .list(["https://a.example", "http://localhost:5173", "null"])
        ),
        ("http://[::1]:8080", .list(["http://[::1]:8080"])),
        ("app://Local.Test", .list(["app://local.test"])),
        (" , ", .list([])),
    ]

    @Test(arguments: origins)
    func testAllowedOriginsAreNormalised(_ value: String, _ expected: AllowedOrigins) throws {
        #expect(try loadConfiguration(["ALLOWED_ORIGINS": value]).0.allowedOrigins == expected)
    }

    @Test func testUpstreamOverridesAreRead() throws {
        var environment: [String: String] = [:]
        for provider in UpstreamOverride.providers {
            environment[UpstreamOverride.variableName(for: provider)] = "https://\(provider).mock:9000/prefix/"
        }
        let (configuration, warnings) = try loadConfiguration(environment)
        #expect(configuration.upstreamOverrides.map(\.provider) == UpstreamOverride.providers)
        #expect(
            configuration.upstreamOverride(for: "openai-compatible")?.baseURL
                == "https://openai-compatible.mock:9000/prefix"
        )
        #expect(!warnings.contains { $0.contains("plain http") })
        #expect(UpstreamOverride.variableName(for: "openai-compatible") == "RELAY_UPSTREAM_OPENAI_COMPATIBLE")
    }

    static let overrideValues: [(String, String)] = [
        ("http://127.0.0.1:9000/anthropic", "http://127.0.0.1:9000/anthropic"),
        ("https://gateway.example/", "https://gateway.example"),
        ("https://gateway.example//", "https://gateway.example/"),
        ("HTTPS://Gateway.Example/v1", "HTTPS://Gateway.Example/v1"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ]

    @Test(arguments: overrideValues)
    func testOverrideLosesOneTrailingSlash(_ value: String, _ expected: String) throws {
        let (configuration, _) = try loadConfiguration(["RELAY_UPSTREAM_ANTHROPIC": value])
        #expect(configuration.upstreamOverride(for: "anthropic")?.baseURL == expected)
    }

    static let allowedHosts: [(String, [AllowedUpstreamHost])] = [
        (
            "ollama.internal:11434,10.0.0.5:8000,[fd00::5]:8080,localhost:11434",
            [
                AllowedUpstreamHost(host: "ollama.internal", port: 11434),
                AllowedUpstreamHost(host: "10.0.0.5", port: 8000),
                AllowedUpstreamHost(host: "fd00::5", port: 8080),
                AllowedUpstreamHost(host: "localhost", port: 11434),
            ]
        ),
        (
            " Ollama.Internal.:11434 , , [FD00:0::5]:80",
            [
                AllowedUpstreamHost(host: "ollama.internal", port: 11434),
                AllowedUpstreamHost(host: "fd00::5", port: 80),
            ]
        ),
    ]

    @Test(arguments: allowedHosts)
    func testAllowedUpstreamHostsAreRead(_ value: String, _ expected: [AllowedUpstreamHost]) throws {
        let hosts = try loadConfiguration(["RELAY_ALLOWED_UPSTREAM_HOSTS": value]).0.allowedUpstreamHosts
        #expect(hosts == expected)
        #expect(hosts.first?.matches(host: "OLLAMA.internal.", port: 11434) == true)
        #expect(hosts.first?.matches(host: "ollama.internal", port: 11435) == false)
    }

    @Test func testDescriptionNeverShowsSecrets() throws {
        let secrets = [
            "ENCRYPTION_SECRET": "E" + String(repeating: "1", count: 40),
            "ENCRYPTION_SECRET_PREVIOUS": "P" + String(repeating: "2", count: 40),
            "TOKEN_HMAC_SECRET": "T" + String(repeating: "3", count: 40),
            "APP_SECRET": "appsecret-4444",
            "METRICS_TOKEN": "metrics-5555",
            "ENCRYPTION_SALT": "salt-6666",
            "REDIS_URL": "redis://user:redispw7777@cache:6379",
            "DATABASE_URL": "postgres://user:dbpw8888@db/relay",
        ]
        let (configuration, _) = try Configuration.load(environment: secrets, dotEnv: [:], defaultWorkers: 1)
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [configuration.description, configuration.debugDescription, "\(configuration)", dumped] {
            for marker in ["1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888"] {
                #expect(!text.contains(marker), "\(marker) leaked")
            }
            #expect(text.contains("workers: 1") || text.contains("workers"))
        }
    }

    @Test func testHelpNamesEveryVariableRead() throws {
        var environment = [
            "ENCRYPTION_SECRET": validSecret, "BIND_ADDRESS": "::", "DB_PATH": "/x.db", "RATE_LIMIT_GLOBAL": "1",
            "RATE_LIMIT_RELAY": "1", "TOKEN_TTL_DAYS": "1",
        ]
        for provider in UpstreamOverride.providers {
            environment[UpstreamOverride.variableName(for: provider)] = "https://mock.example"
        }
        var source = ConfigurationSource(environment: environment, dotEnv: [:])
        _ = try Configuration.load(from: &source, defaultWorkers: { 1 })
        for name in source.namesRead {
            #expect(Command.helpText.contains(name), "\(name) is missing from --help")
        }
        // And the other way round: every variable --help documents is one the loader reads.
        let documented = Command.helpText.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let end = line.firstRange(of: "  (default:") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound])
        }
        #expect(documented.count == 49)
        for name in documented where name != "RELAY_UPSTREAM_<PROVIDER>" {
            #expect(source.namesRead.contains(name), "\(name) is documented but never read")
        }
    }
}

@Suite struct ConfigurationProcessTests {
    @Test func testProcessLoadingReadsTheDotEnvFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "relay-config-\(RequestID.generate())"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "# test\nexport ENCRYPTION_SECRET=\"\(validSecret)\"\nEXPIRED_USER_RETENTION_DAYS=12 # days\n"
        try text.write(to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let environment = ProcessInfo.processInfo.environment
        try #require(environment["ENCRYPTION_SECRET"] == nil && environment["EXPIRED_USER_RETENTION_DAYS"] == nil)
        let (configuration, _) = try Configuration.loadFromProcess(workingDirectory: directory.path)
        #expect(configuration.encryptionSecret == validSecret)
        #expect(configuration.expiredUserRetentionDays == 12)
        #expect(throws: ConfigurationError.encryptionSecretMissing) {
            try Configuration.loadFromProcess(workingDirectory: directory.appendingPathComponent("missing").path)
        }
    }
}
