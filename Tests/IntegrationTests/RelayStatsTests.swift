import Crypto
import Foundation
import Store
import TestSupport
import Testing

/// `GET /stats` and `GET /stats/:app_id` on the real binary (CONTRACT.md §9.4). No route creates records yet, so the
/// tests write them through the Store API into the relay's own SQLite file (another connection, as `migrate` or
/// `rotate-secret` would be), then read them back over HTTP.
@Suite struct RelayStatsTests {
    static let relay = Result { try RelayProcess() }
    static let day: Int64 = 86_400_000
    static let operatorSecret = "Authorization: Bearer test-app-secret"
    static let statsUnauthorized = "Unauthorized: valid Authorization: Bearer <APP_SECRET> header required."

    /// The relay's database, opened beside it.
    static func store(_ relay: RelayProcess) throws -> SQLiteStore {
        try SQLiteStore(path: relay.dataDirectory + "/relay.db", timeout: .seconds(2))
    }

    /// The user id behind `token`, found the way the relay finds it (its digest under the test relays' token key).
    static func userID(of token: String, in store: SQLiteStore) async throws -> String {
        let digester = try TokenDigester(
            tokenHMACSecret: RelayProcess.baseEnvironment(dataDirectory: "")["TOKEN_HMAC_SECRET"],
            encryptionSecret: "unused-when-a-token-key-is-set-0123456789",
            previousEncryptionSecret: nil
        )
        let account = try await store.account(tokenDigest: try digester.current.digest(token.utf8))
        return try #require(account?.userID)
    }

    static func record(
        _ userID: String,
        app: String,
        _ provider: String,
        _ model: String?,
        _ status: Int,
        ago: Int64
    ) -> RequestRecord {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return RequestRecord(
            userID: userID,
            appID: app,
            provider: provider,
            model: model,
            status: status,
            latencyMilliseconds: 120,
            createdAt: now - ago
        )
    }

    /// `2026-01-31T12:59:58.123Z` for `milliseconds` since the epoch (the milliseconds added exactly, not through a
    /// floating-point date).
    static func iso8601(_ milliseconds: Int64) -> String {
        let seconds = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(milliseconds / 1000)))
        return seconds.dropLast() + String(format: ".%03dZ", Int(milliseconds % 1000))
    }

    @Test func testUserStatsCountOnlyTheCallersRetainedRecords() async throws {
        let relay = try Self.relay.get()
        let api = AccountAPI(relay)
        let token = try api.register(appID: "stats-user-app")
        let neighbour = try api.register(appID: "stats-user-app")
        let store = try Self.store(relay)
        defer { store.close() }
        let user = try await Self.userID(of: token, in: store)
        let other = try await Self.userID(of: neighbour, in: store)
        var records = [
            Self.record(user, app: "stats-user-app", "anthropic", "claude-3-5-haiku-20241022", 200, ago: 10 * Self.day),
            Self.record(user, app: "stats-user-app", "anthropic", "claude-3-5-haiku-20241022", 529, ago: 2 * Self.day),
            Self.record(user, app: "stats-user-app", "openai", nil, 499, ago: 40 * Self.day),
            Self.record(other, app: "stats-user-app", "groq", "llama", 200, ago: 1000),
        ]
        records += (0..<9).map { _ in
            Self.record(user, app: "stats-user-app", "openai", "gpt-4o-mini", 200, ago: 60_000)
        }
        let newest = Self.record(user, app: "stats-user-app", "openai", "gpt-4o-mini", 201, ago: 5000)
        records.append(newest)
        #expect(try await store.insertRecords(records) == records.count)

        let expected =
            #"{"total":13,"last_7d":11,"last_30d":12,"error_count":2,"error_rate":0.1538,"#
            + #""providers":{"anthropic":{"total":2,"errors":1},"openai":{"total":11,"errors":1}},"#
            + #""top_models":[{"model":"gpt-4o-mini","total":10},{"model":"claude-3-5-haiku-20241022","total":2}],"#
            + #""last_request":"\#(Self.iso8601(newest.createdAt))"}"#
        expectJSON(try api.send("GET", "/stats", headers: ["x-relay-token: \(token)"]), 200, expected)
        // The SDK credential headers work here as on every token route (E12), and HEAD answers like GET.
        expectJSON(try api.send("GET", "/stats", headers: ["Authorization: Bearer \(token)"]), 200, expected)
        let head = try api.send("HEAD", "/stats", headers: ["x-relay-token: \(token)"])
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.header("content-length") == String(expected.utf8.count))
    }

    @Test func testUserWithoutRecordsGetsZerosAndNull() throws {
        let api = AccountAPI(try Self.relay.get())
        let token = try api.register(appID: "stats-empty-app")
        expectJSON(
            try api.send("GET", "/stats/", headers: ["x-relay-token: \(token)"]),
            200,
            #"{"total":0,"last_7d":0,"last_30d":0,"error_count":0,"error_rate":0,"providers":{},"top_models":[],"#
                + #""last_request":null}"#
        )
    }

    static let tokenRefusals: [([String], String)] = [
        ([], "x-relay-token header required"),
        (["x-relay-token: br_not-a-token"], "Invalid or expired token"),
        (["x-relay-token: has space"], "Invalid or expired token"),
        ([operatorSecret], "x-relay-token header required"),  // the operator credential is not a token
    ]

    @Test(arguments: tokenRefusals)
    func testUserStatsNeedAValidToken(headers: [String], message: String) throws {
        let api = AccountAPI(try Self.relay.get())
        expectError(try api.send("GET", "/stats", headers: headers), 401, message)
    }

    @Test func testRevokedTokenGetsNoStats() throws {
        let api = AccountAPI(try Self.relay.get())
        let token = try api.register(appID: "stats-revoked-app")
        #expect(try api.send("POST", "/tokens/revoke", headers: ["x-relay-token: \(token)"]).status == 200)
        expectError(
            try api.send("GET", "/stats", headers: ["x-relay-token: \(token)"]),
            401,
            "Invalid or expired token"
        )
    }

    @Test func testAppStatsCoverEveryUserOfTheAppAndLoseAnErasedUsersRecords() async throws {
        let relay = try Self.relay.get()
        let api = AccountAPI(relay)
        let app = "stats app/ü"
        let path = "/stats/stats%20app%2F%C3%BC"
        let tokens = try (0..<3).map { _ in try api.register(appID: app) }
        let bystander = try api.register(appID: "stats-bystander-app")
        let store = try Self.store(relay)
        defer { store.close() }
        var users: [String] = []
        for token in tokens { users.append(try await Self.userID(of: token, in: store)) }
        let stranger = try await Self.userID(of: bystander, in: store)
        var records = (0..<37).map { index in
            Self.record(users[index % 2], app: app, "openai", "gpt-4o", index < 3 ? 500 : 200, ago: 8 * Self.day)
        }
        records.append(Self.record(users[0], app: app, "mistral", nil, 200, ago: 1000))
        records.append(Self.record(stranger, app: "stats-bystander-app", "openai", "gpt-4o", 500, ago: 1000))
        #expect(try await store.insertRecords(records) == 39)

        let before =
            #"{"app_id":"stats app/ü","user_count":2,"total":38,"last_7d":1,"last_30d":38,"error_count":3,"#
            + #""error_rate":0.0789,"providers":{"mistral":{"total":1,"errors":0},"openai":{"total":37,"errors":3}},"#
            + #""top_models":[{"model":"gpt-4o","total":37}]}"#
        expectJSON(try api.send("GET", path, headers: [Self.operatorSecret]), 200, before)
        expectJSON(try api.send("GET", path, headers: ["Authorization: bearer test-app-secret"]), 200, before)

        // Erasing a user erases its records (§2.3, §8.4): the second user had 18 of the openai records, 1 error.
        #expect(try api.send("DELETE", "/users", headers: ["x-relay-token: \(tokens[1])"]).status == 200)
        let after =
            #"{"app_id":"stats app/ü","user_count":1,"total":20,"last_7d":1,"last_30d":20,"error_count":2,"#
            + #""error_rate":0.1,"providers":{"mistral":{"total":1,"errors":0},"openai":{"total":19,"errors":2}},"#
            + #""top_models":[{"model":"gpt-4o","total":19}]}"#
        expectJSON(try api.send("GET", path, headers: [Self.operatorSecret]), 200, after)
    }

    @Test func testAnAppWithoutRecordsGetsZeros() throws {
        let api = AccountAPI(try Self.relay.get())
        for (path, appID) in [
            ("/stats/no-such-app", "no-such-app"), ("/stats/a%00b", #"a\u0000b"#), ("/stats/a%FF", "a\u{FFFD}"),
        ] {
            expectJSON(
                try api.send("GET", path, headers: [Self.operatorSecret]),
                200,
                #"{"app_id":"\#(appID)","user_count":0,"total":0,"last_7d":0,"last_30d":0,"error_count":0,"#
                    + #""error_rate":0,"providers":{},"top_models":[]}"#
            )
        }
    }

    static let secretRefusals: [[String]] = [
        [],
        ["Authorization: Bearer wrong-secret"],
        ["Authorization: Bearer test-app-secret extra"],
        ["Authorization: Basic test-app-secret"],
        ["Authorization: Bearer test-app-secret", "Authorization: Bearer test-app-secret"],
        ["x-relay-token: test-app-secret"],
    ]

    @Test(arguments: secretRefusals)
    func testAppStatsNeedExactlyTheAppSecret(headers: [String]) throws {
        let api = AccountAPI(try Self.relay.get())
        expectError(try api.send("GET", "/stats/any-app", headers: headers), 401, Self.statsUnauthorized)
    }

    @Test func testAppStatsAnswer503WithoutAnAppSecret() throws {
        let api = AccountAPI(try RelayProcess(environment: ["APP_SECRET": ""]))
        let message = "Operator stats require APP_SECRET to be configured."
        expectError(try api.send("GET", "/stats/any-app"), 503, message)
        expectError(try api.send("GET", "/stats/any-app", headers: [Self.operatorSecret]), 503, message)
        // Registration is open then, and a user's own stats still work.
        let token = try api.register(appID: "open-app")
        #expect(try api.send("GET", "/stats", headers: ["x-relay-token: \(token)"]).status == 200)
    }

    @Test func testStatsRoutesAnswerGetAndHeadOnly() throws {
        let api = AccountAPI(try Self.relay.get())
        for path in ["/stats", "/stats/app"] {
            let response = try api.send("POST", path, headers: [Self.operatorSecret])
            expectError(response, 405, "Method not allowed")
            #expect(response.header("allow") == "GET, HEAD, OPTIONS")
        }
        expectError(try api.send("GET", "/stats/app/more", headers: [Self.operatorSecret]), 404, "Not found")
    }
}

/// The statistics on PostgreSQL, end to end: the relay's own statements and its JSON (records written with psql).
@Suite struct RelayPostgresStatsTests {
    @Test func testStatsOnPostgreSQL() throws {
        let database = try TestDatabase.create()
        let relay = try RelayProcess(environment: ["DATABASE_URL": database])
        let api = AccountAPI(relay)
        let token = try api.register(appID: "pg-stats-app")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try TestDatabase.psql(
            database,
            """
            INSERT INTO request_records (user_id, app_id, provider, model, status, latency_ms, created_at)
            SELECT id, app_id, 'openai', 'gpt-4o-mini', CASE WHEN n = 1 THEN 502 ELSE 200 END, 10, \(now) - n
            FROM users, generate_series(1, 8) AS n
            """
        )
        expectJSON(
            try api.send("GET", "/stats", headers: ["x-relay-token: \(token)"]),
            200,
            #"{"total":8,"last_7d":8,"last_30d":8,"error_count":1,"error_rate":0.125,"#
                + #""providers":{"openai":{"total":8,"errors":1}},"top_models":[{"model":"gpt-4o-mini","total":8}],"#
                + #""last_request":"\#(RelayStatsTests.iso8601(now - 1))"}"#
        )
        expectJSON(
            try api.send("GET", "/stats/pg-stats-app", headers: [RelayStatsTests.operatorSecret]),
            200,
            #"{"app_id":"pg-stats-app","user_count":1,"total":8,"last_7d":8,"last_30d":8,"error_count":1,"#
                + #""error_rate":0.125,"providers":{"openai":{"total":8,"errors":1}},"#
                + #""top_models":[{"model":"gpt-4o-mini","total":8}]}"#
        )
    }
}
