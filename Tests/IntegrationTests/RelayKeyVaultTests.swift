import Foundation
import TestSupport
import Testing

/// `POST /keys/:provider`, `GET /keys`, `DELETE /keys/:provider`, encryption at rest, the SQLite file and the store
/// commands on the real binary (CONTRACT.md §3.1–3.5, §8.4, §10.2, §10.3, E1).
/// Serialized: the suite's relay sees one request at a time; concurrent writes are the subject of
/// `testTwoHundredConcurrentRegistrationsAllSucceedWithDistinctTokens` alone, on a relay of its own.
@Suite struct RelayKeyVaultTests {
    static let relay = Result { try RelayProcess() }

    func api() throws -> AccountAPI { AccountAPI(try Self.relay.get()) }

    // MARK: Validation (§3.4)

    @Test(arguments: ["OpenAI", "nope", "ANTHROPIC", "openai_compatible", "openai-", "relay", "keys"])
    func testUnsupportedProviderIsRefusedBeforeTheBody(provider: String) throws {
        let api = try api()
        let token = try api.register()
        expectError(
            try api.storeKey("sk-1234567890", provider: provider, token: token),
            400,
            Message.unsupportedProvider
        )
        // Check 1 comes before the body checks.
        let plain = try api.send(
            "POST",
            "/keys/\(provider)",
            headers: ["x-relay-token: \(token)", "Content-Type: text/plain"],
            body: Array("x".utf8)
        )
        expectError(plain, 400, Message.unsupportedProvider)
        #expect(try api.providers(token: token) == [])
    }

    static let refusedKeys: [BodyCase] = [
        BodyCase("text/plain", #"{"key":"sk-1234567890"}"#, 415, Message.unsupportedMediaType, type: "text/plain"),
        BodyCase("no content type", #"{"key":"sk-1234567890"}"#, 415, Message.unsupportedMediaType, type: nil),
        BodyCase("malformed", #"{"key":"sk-1234567890""#, 400, Message.invalidJSON),
        BodyCase(
            "invalid UTF-8",
            bytes: Array(#"{"key":"sk-1234567890"#.utf8) + [0xFE] + Array(#""}"#.utf8),
            400,
            Message.invalidJSON
        ),
        BodyCase("empty body", "", 400, Message.keyRequired, type: nil),
        BodyCase("no key", #"{"api_key":"sk-1234567890"}"#, 400, Message.keyRequired),
        BodyCase("array root", #"[{"key":"sk-1234567890"}]"#, 400, Message.keyRequired),
        BodyCase("null", #"{"key":null}"#, 400, Message.keyRequired),
        BodyCase("number", #"{"key":12345678901234}"#, 400, Message.keyRequired),
        BodyCase("array", #"{"key":["sk-1234567890"]}"#, 400, Message.keyRequired),
        BodyCase("object", #"{"key":{"value":"sk-1234567890"}}"#, 400, Message.keyRequired),
        BodyCase("empty", #"{"key":""}"#, 400, Message.keyRequired),
        BodyCase("9 characters", #"{"key":"123456789"}"#, 400, Message.keyRequired),
        BodyCase("9 after trimming", #"{"key":"  \t123456789\n \r"}"#, 400, Message.keyRequired),
        BodyCase("spaces only", #"{"key":"              "}"#, 400, Message.keyRequired),
        BodyCase("4097 bytes", #"{"key":"sk-\#(String(repeating: "a", count: 4094))"}"#, 400, Message.keyTooLong),
        BodyCase(
            "4098 bytes in 2049 characters",
            #"{"key":"\#(String(repeating: "é", count: 2049))"}"#,
            400,
            Message.keyTooLong
        ),
        BodyCase(
            "too long before not printable",
            #"{"key":"sk- \#(String(repeating: "a", count: 4094))"}"#,
            400,
            Message.keyTooLong
        ),
        BodyCase("space inside", #"{"key":"sk-1234 567890"}"#, 400, Message.keyNotPrintable),
        BodyCase("tab inside", #"{"key":"sk-1234\t567890"}"#, 400, Message.keyNotPrintable),
        BodyCase("CR LF inside", #"{"key":"sk-1234\r\nX-Injected: 1"}"#, 400, Message.keyNotPrintable),
        BodyCase("NUL inside", #"{"key":"sk-1234\u0000567890"}"#, 400, Message.keyNotPrintable),
        BodyCase("DEL inside", #"{"key":"sk-1234\u007f567890"}"#, 400, Message.keyNotPrintable),
        BodyCase("non-ASCII", #"{"key":"sk-1234567890é"}"#, 400, Message.keyNotPrintable),
        BodyCase("last duplicate not a string", #"{"key":"sk-1234567890","key":1}"#, 400, Message.keyRequired),
    ]

    @Test(arguments: refusedKeys)
    func testKeyIsRefusedAndNothingIsWritten(_ body: BodyCase) throws {
        let api = try api()
        let token = try api.register()
        let response = try api.send(
            "POST",
            "/keys/anthropic",
            headers: ["x-relay-token: \(token)"] + body.headers,
            body: body.body
        )
        expectError(response, body.status, try #require(body.message))
        expectJSON(try api.listKeys(header: "x-relay-token: \(token)"), 200, #"{"providers":[]}"#)
    }

    static let acceptedKeys: [BodyCase] = [
        BodyCase("10 characters", #"{"key":"1234567890"}"#, 200, nil),
        BodyCase("4096 bytes", #"{"key":"sk-\#(String(repeating: "a", count: 4093))"}"#, 200, nil),
        BodyCase("padded, trimmed first", #"{"key":" \t\n sk-padded-1234 \r\n "}"#, 200, nil),
        BodyCase("4096 bytes once trimmed", #"{"key":"   sk-\#(String(repeating: "b", count: 4093))   "}"#, 200, nil),
        BodyCase("every printable character", #"{"key":"\#(printableASCII)"}"#, 200, nil),
        BodyCase("unknown members", #"{"provider":"x","key":"sk-1234567890","base":1}"#, 200, nil),
        BodyCase("last duplicate wins", #"{"key":1,"key":"sk-1234567890"}"#, 200, nil),
        BodyCase("vnd+json", #"{"key":"sk-1234567890"}"#, 200, nil, type: "application/vnd.relay+json; v=1"),
    ]

    /// 0x21–0x7E as the inside of a JSON string.
    static let printableASCII = (0x21...0x7E).map { byte -> String in
        let character = String(UnicodeScalar(UInt8(byte)))
        return character == "\"" || character == "\\" ? "\\" + character : character
    }.joined()

    @Test(arguments: acceptedKeys)
    func testKeyIsAccepted(_ body: BodyCase) throws {
        let api = try api()
        let token = try api.register()
        let response = try api.send(
            "POST",
            "/keys/anthropic",
            headers: ["x-relay-token: \(token)"] + body.headers,
            body: body.body
        )
        expectJSON(response, 200, #"{"ok":true,"provider":"anthropic"}"#)
        #expect(try api.providers(token: token) == ["anthropic"])
    }

    // MARK: Store, list, replace, delete (§3.1–3.3, §8.4)

    @Test func testStoreListReplaceAndDelete() throws {
        let api = try api()
        let token = try api.register()
        let credential = "x-relay-token: \(token)"
        expectJSON(try api.listKeys(header: credential), 200, #"{"providers":[]}"#)
        expectJSON(try api.storeKey("sk-first-openai-key", token: token), 200, #"{"ok":true,"provider":"openai"}"#)
        expectJSON(try api.listKeys(header: credential), 200, #"{"providers":["openai"]}"#)
        expectJSON(
            try api.storeKey("sk-ant-first-key", provider: "anthropic", token: token),
            200,
            #"{"ok":true,"provider":"anthropic"}"#
        )
        expectJSON(try api.listKeys(header: credential), 200, #"{"providers":["anthropic","openai"]}"#)
        expectJSON(
            try api.storeKey("sk-replacement-openai-key", token: token),
            200,
            #"{"ok":true,"provider":"openai"}"#
        )
        expectJSON(try api.listKeys(header: credential), 200, #"{"providers":["anthropic","openai"]}"#)

        expectJSON(try api.send("DELETE", "/keys/openai", headers: [credential]), 200, #"{"ok":true}"#)
        expectJSON(try api.listKeys(header: credential), 200, #"{"providers":["anthropic"]}"#)
        // Idempotent, and also for names that are no provider at all.
        for path in ["/keys/openai", "/keys/google", "/keys/nope", "/keys/OpenAI", "/keys/Anthropic"] {
            expectJSON(try api.send("DELETE", path, headers: [credential]), 200, #"{"ok":true}"#)
        }
        let withBody = try api.send(
            "DELETE",
            "/keys/groq",
            headers: [credential, "Content-Type: text/plain"],
            body: Array("ignored".utf8)
        )
        expectJSON(withBody, 200, #"{"ok":true}"#)
        expectJSON(try api.listKeys(header: credential), 200, #"{"providers":["anthropic"]}"#)
        // Deleting a key keeps the token (§8.4).
        expectJSON(try api.send("DELETE", "/keys/anthropic", headers: [credential]), 200, #"{"ok":true}"#)
        expectJSON(try api.listKeys(header: credential), 200, #"{"providers":[]}"#)
    }

    @Test func testAllTenProvidersAreListedInByteOrder() throws {
        let api = try api()
        let token = try api.register()
        let providers = [
            "openrouter", "openai-compatible", "openai", "mistral", "huggingface", "groq", "google", "elevenlabs",
            "deepgram", "anthropic",
        ]
        for provider in providers {
            expectJSON(
                try api.storeKey("key-for-\(provider)", provider: provider, token: token),
                200,
                #"{"ok":true,"provider":"\#(provider)"}"#
            )
        }
        expectJSON(
            try api.listKeys(header: "x-relay-token: \(token)"),
            200,
            #"{"providers":["anthropic","deepgram","elevenlabs","google","groq","huggingface","mistral","openai","#
                + #""openai-compatible","openrouter"]}"#
        )
    }

    @Test func testKeysBelongToTheirUser() throws {
        let api = try api()
        let first = try api.register()
        let second = try api.register()
        #expect(try api.storeKey("sk-first-user-key", provider: "deepgram", token: first).status == 200)
        #expect(try api.providers(token: second) == [])
        expectJSON(
            try api.send("DELETE", "/keys/deepgram", headers: ["x-relay-token: \(second)"]),
            200,
            #"{"ok":true}"#
        )
        #expect(try api.providers(token: first) == ["deepgram"])
    }

    // MARK: Never stored, never logged (§3.5, §8.2, E9)

    @Test func testPlaintextKeyAndTokenNeverReachTheDatabaseOrTheLogs() throws {
        let relay = try RelayProcess(environment: ["LOG_LEVEL": "trace"])
        let api = AccountAPI(relay)
        let canary = "sk-PLAINTEXT-CANARY-\(UUID().uuidString)"
        let appID = "app-MARKER-\(UUID().uuidString)"
        let token = try api.register(appID: appID)
        #expect(try api.storeKey(canary, token: token).status == 200)
        #expect(try api.storeKey("  \(canary)-padded  ", provider: "anthropic", token: token).status == 200)
        #expect(try api.storeKey("\(canary) refused", provider: "google", token: token).status == 400)
        #expect(try api.providers(token: token) == ["anthropic", "openai"])
        #expect(try api.send("GET", "/keys", headers: ["Authorization: Bearer \(token)"]).status == 200)

        let files = ["relay.db", "relay.db-wal", "relay.db-shm"].map { relay.dataDirectory + "/" + $0 }
        let stored = files.compactMap { FileManager.default.contents(atPath: $0) }.reduce(Data(), +)
        // The app id is stored in clear, so finding it shows these are the files the relay writes.
        #expect(stored.range(of: Data(appID.utf8)) != nil)
        for secret in [canary, token, String(token.dropFirst(3)), "PLAINTEXT-CANARY"] {
            #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) in the database")
            #expect(!relay.standardOutput.contains(secret), "\(secret) in the log")
            #expect(!relay.standardError.contains(secret), "\(secret) on standard error")
        }
        #expect(relay.standardOutput.contains("/keys"))  // the requests were logged, without the secrets
    }

    @Test func testSQLiteFilesAndDirectoriesAreCreatedPrivate() throws {
        let root = NSTemporaryDirectory() + "byok-relay-modes-\(UUID().uuidString)"
        let locations: [(variable: String, value: String, file: String, directories: [String])] = [
            ("DB_PATH", "\(root)/alias/nested/relay.db", "\(root)/alias/nested/relay.db", ["\(root)/alias/nested"]),
            ("DATABASE_URL", "sqlite:\(root)/url/db/x.sqlite", "\(root)/url/db/x.sqlite", ["\(root)/url/db"]),
        ]
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for location in locations {
            let relay = try RelayProcess(environment: [location.variable: location.value])
            let token = try AccountAPI(relay).register()
            #expect(try AccountAPI(relay).providers(token: token) == [])
            #expect(try mode(of: location.file) == 0o600, "\(location.file)")
            for directory in location.directories + [(location.directories[0] as NSString).deletingLastPathComponent] {
                #expect(try mode(of: directory) == 0o700, "\(directory)")
            }
            // Not the default database in DATA_DIR.
            #expect(!FileManager.default.fileExists(atPath: relay.dataDirectory + "/relay.db"))
        }
        let byDefault = try RelayProcess()
        #expect(try mode(of: byDefault.dataDirectory) == 0o700)
        #expect(try mode(of: byDefault.dataDirectory + "/relay.db") == 0o600)
    }

    func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    // MARK: Start-up checks and commands (§3.5, §10.2, §10.3)

    static let secretMismatch =
        "byok-relay: ENCRYPTION_SECRET does not match the secret this database was encrypted with. Check "
        + "ENCRYPTION_SECRET and ENCRYPTION_SALT, or set ENCRYPTION_SECRET_PREVIOUS during a rotation.\n"
    static let secondSecret = "rotated-secret-fedcba9876543210fedcba9876543210"

    /// A database file of its own, in a directory that does not exist yet.
    func newDatabase() -> String { NSTemporaryDirectory() + "byok-relay-db-\(UUID().uuidString)/relay.db" }

    /// The base environment with `overrides`; an empty value removes the variable.
    func environment(_ overrides: [String: String]) -> [String: String] {
        var environment = RelayProcess.baseEnvironment(dataDirectory: NSTemporaryDirectory() + "byok-relay-unused")
        for (name, value) in overrides { environment[name] = value }
        return environment.filter { !$0.value.isEmpty }
    }

    func run(_ arguments: [String], _ overrides: [String: String]) throws
        -> (status: Int32, standardOutput: String, standardError: String)
    {
        try RelayProcess.runToCompletion(arguments: arguments, environment: environment(overrides), timeout: 15)
    }

    func stop(_ relay: RelayProcess) {
        relay.signal()
        #expect(relay.waitForExit(timeout: 5) == 0)
    }

    @Test func testWrongSecretOrSaltForAnExistingDatabaseStopsTheRelay() throws {
        let database = ["DATABASE_URL": "sqlite:\(newDatabase())"]
        let first = try RelayProcess(environment: database)
        let token = try AccountAPI(first).register()
        #expect(try AccountAPI(first).storeKey("sk-secret-check-key", token: token).status == 200)
        stop(first)
        let wrong = [
            ["ENCRYPTION_SECRET": Self.secondSecret],
            ["ENCRYPTION_SALT": "another-salt"],
            ["ENCRYPTION_SECRET": Self.secondSecret, "ENCRYPTION_SALT": "another-salt"],
            ["ENCRYPTION_SALT": ""],  // the built-in default salt
        ]
        for overrides in wrong {
            let result = try run([], database.merging(overrides) { $1 })
            #expect(result.status == 1, "\(overrides)")
            #expect(result.standardError == Self.secretMismatch, "\(overrides)")
        }
        // The right secret still opens it, with the user and the key intact.
        let again = try RelayProcess(environment: database)
        #expect(try AccountAPI(again).providers(token: token) == ["openai"])
    }

    @Test func testPendingMigrationsWithoutAutoMigrateStopTheRelayUntilMigrated() throws {
        let overrides = ["DATABASE_URL": "sqlite:\(newDatabase())", "AUTO_MIGRATE": "false"]
        let refused = try run([], overrides)
        #expect(refused.status == 1)
        #expect(
            refused.standardError
                == "byok-relay: Database schema is at version 0 but this relay needs 1. Run \"byok-relay migrate\" "
                + "or set AUTO_MIGRATE=true.\n"
        )
        #expect(try run(["migrate"], overrides).status == 0)
        #expect(try run(["migrate"], overrides).status == 0)  // nothing left to apply
        let status = try run(["token-hmac-status"], overrides)
        #expect(status.status == 0)
        #expect(try tokenStatus(status.standardOutput) == ["total": 0, "current": 0, "legacy": 0, "percent": 100])
        let relay = try RelayProcess(environment: overrides)
        let token = try AccountAPI(relay).register()
        #expect(try AccountAPI(relay).providers(token: token) == [])
    }

    @Test func testRotateSecretNeedsThePreviousSecret() throws {
        let result = try run(["rotate-secret"], ["DATABASE_URL": "sqlite:\(newDatabase())"])
        #expect(result.status == 1)
        #expect(
            result.standardError
                == "rotate-secret needs ENCRYPTION_SECRET (new) and ENCRYPTION_SECRET_PREVIOUS (old).\n"
        )
    }

    @Test func testSecretRotationEndToEnd() throws {
        let firstSecret = RelayProcess.baseEnvironment(dataDirectory: "")["ENCRYPTION_SECRET"]!
        let database = ["DATABASE_URL": "sqlite:\(newDatabase())"]
        let relay = try RelayProcess(environment: database)
        let api = AccountAPI(relay)
        let users = try (0..<3).map { _ in try api.register() }
        #expect(try api.storeKey("sk-user0-openai-key", token: users[0]).status == 200)
        #expect(try api.storeKey("sk-ant-user0-key", provider: "anthropic", token: users[0]).status == 200)
        #expect(try api.storeKey("AIza-user1-google", provider: "google", token: users[1]).status == 200)
        stop(relay)

        // Step 1: the new secret, the old one as previous; writes go under the new key.
        let rotating = database.merging([
            "ENCRYPTION_SECRET": Self.secondSecret, "ENCRYPTION_SECRET_PREVIOUS": firstSecret,
        ]) { $1 }
        let during = try RelayProcess(environment: rotating)
        #expect(try AccountAPI(during).storeKey("gsk-user2-groq-key", provider: "groq", token: users[2]).status == 200)
        #expect(try AccountAPI(during).providers(token: users[0]) == ["anthropic", "openai"])
        stop(during)

        // Step 2: re-encrypt what is still under the old key (the three keys written before step 1).
        let rotated = try run(["rotate-secret"], rotating)
        #expect(rotated.status == 0, "\(rotated.standardError)")
        #expect(rotated.standardError == "")
        #expect(reencryptedCount(rotated.standardOutput) == 3, "\(rotated.standardOutput)")
        let again = try run(["rotate-secret"], rotating)
        #expect(again.status == 0)
        #expect(reencryptedCount(again.standardOutput) == 0, "\(again.standardOutput)")

        // Step 3: the new secret alone; the secret check was re-encrypted, so the old secret alone is refused.
        let oldOnly = try run([], database)
        #expect(oldOnly.status == 1)
        #expect(oldOnly.standardError == Self.secretMismatch)
        let after = AccountAPI(
            try RelayProcess(environment: database.merging(["ENCRYPTION_SECRET": Self.secondSecret]) { $1 })
        )
        #expect(try after.providers(token: users[0]) == ["anthropic", "openai"])
        #expect(try after.providers(token: users[1]) == ["google"])
        #expect(try after.providers(token: users[2]) == ["groq"])
    }

    /// The count in `rotate-secret`'s closing line (`…; N keys re-encrypted, …`).
    func reencryptedCount(_ output: String) -> Int? {
        output.matches(of: /(\d+) keys re-encrypted/).last.flatMap { Int($0.output.1) }
    }

    func tokenStatus(_ output: String) throws -> NSDictionary {
        #expect(output.hasSuffix("\n") && output.split(separator: "\n").count == 1, "\(output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? NSDictionary)
    }

    @Test func testTokensHashedUnderTheEncryptionSecretAreRehashedOnUse() throws {
        let database = ["DATABASE_URL": "sqlite:\(newDatabase())"]
        let tokenKey = "dedicated-token-key-0123456789abcdef012345"
        let legacy = try RelayProcess(environment: database.merging(["TOKEN_HMAC_SECRET": ""]) { $1 })
        let token = try AccountAPI(legacy).register()
        #expect(try AccountAPI(legacy).storeKey("sk-rehash-key-123", token: token).status == 200)
        stop(legacy)
        let withKey = database.merging(["TOKEN_HMAC_SECRET": tokenKey]) { $1 }
        let before = try run(["token-hmac-status"], withKey)
        #expect(before.status == 0)
        #expect(try tokenStatus(before.standardOutput) == ["total": 1, "current": 0, "legacy": 1, "percent": 0])

        let relay = try RelayProcess(environment: withKey)
        #expect(try AccountAPI(relay).providers(token: token) == ["openai"])
        stop(relay)
        let after = try run(["token-hmac-status"], withKey)
        #expect(after.status == 0)
        #expect(try tokenStatus(after.standardOutput) == ["total": 1, "current": 1, "legacy": 0, "percent": 100])
        // Now found under the dedicated key directly.
        let restarted = try RelayProcess(environment: withKey)
        #expect(try AccountAPI(restarted).providers(token: token) == ["openai"])
    }
}
