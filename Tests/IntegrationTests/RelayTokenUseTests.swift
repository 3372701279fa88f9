import Crypto
import Foundation
import MockProvider
import Store
import TestSupport
import Testing

/// `last_used_at` of tokens and `last_seen_at` of users on the real binary (CONTRACT.md §8.1): written with the
/// batched request records (§5.10) within 2 s of a token check, at most once an hour, and at the latest when the relay
/// stops. Read through the Store API from the relay's own SQLite file, as `RelayStatsTests` does.
@Suite struct RelayTokenUseTests {
    /// §5.10's 2 s plus this machine's slack.
    static let visibleWithin: Duration = .milliseconds(2_000 + 500)

    /// The stored times of `token` in `relay`'s database; nil when the token is not stored.
    static func usage(of token: String, in relay: RelayProcess) async throws -> TokenUsage? {
        let store = try RelayStatsTests.store(relay)
        defer { store.close() }
        let digester = try TokenDigester(
            tokenHMACSecret: RelayProcess.baseEnvironment(dataDirectory: "")["TOKEN_HMAC_SECRET"],
            encryptionSecret: "unused-when-a-token-key-is-set-0123456789",
            previousEncryptionSecret: nil
        )
        return try await store.tokenUsage(digest: try digester.current.digest(token.utf8))
    }

    /// The stored times once both are written, polled until `visibleWithin` has passed; nil if they are not.
    static func writtenUsage(of token: String, in relay: RelayProcess) async throws -> TokenUsage? {
        let start = ContinuousClock.now
        while true {
            let usage = try await usage(of: token, in: relay)
            if let usage, usage.lastUsedAt != nil, usage.lastSeenAt != nil { return usage }
            guard start.duration(to: .now) < visibleWithin else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until `GET /stats` counts `total` records for `token`.
    static func awaitRecords(_ total: Int, token: String, api: AccountAPI) throws -> Bool {
        try Eventually.within(milliseconds: 2_000 + 500) {
            (jsonObject(try api.send("GET", "/stats", headers: ["x-relay-token: \(token)"]))?["total"] as? Int) == total
        } != nil
    }

    @Test func testAnAuthenticatedRequestSetsBothTimesWithinTwoSecondsAndLaterOnesWithinTheHourDoNot() async throws {
        let mock = try MockProvider.start(workers: 1)
        defer { mock.stop() }
        let relay = try RelayProcess(environment: mock.relayEnvironment().merging(["ALLOWED_MODELS": ""]) { $1 })
        let api = AccountAPI(relay)
        let token = try api.register()
        // Registration is no token check.
        #expect(try await Self.usage(of: token, in: relay) == TokenUsage(lastUsedAt: nil, lastSeenAt: nil))

        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let stored = try api.storeKey("sk-test-token-use-0123456789", provider: "openai", token: token)
        try #require(stored.status == 200)
        let usage = try #require(try await Self.writtenUsage(of: token, in: relay), "not written within 2 s")
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(usage.lastUsedAt == usage.lastSeenAt)
        #expect((before...after).contains(usage.lastUsedAt ?? 0))

        // Two relayed requests (token checks on the relay route), the second sent once the first one's record is
        // written: its record being written means the flush that took the first one's use has finished.
        let relayed = #"{"model":"gpt-4o-mini"}"#
        for total in 1...2 {
            let response = try api.send(
                "POST",
                "/relay/openai/v1/chat/completions?tag=token-use-\(total)",
                headers: ["x-relay-token: \(token)"],
                json: relayed
            )
            #expect(response.status == 200)
            #expect(try Self.awaitRecords(total, token: token, api: api), "record \(total) not written")
        }
        #expect(try await Self.usage(of: token, in: relay) == usage, "written again within the hour")
    }

    @Test func testAUseNotedJustBeforeTheStopIsWrittenByTheTimeTheRelayExits() async throws {
        let relay = try RelayProcess()
        let api = AccountAPI(relay)
        let token = try api.register()
        #expect(try api.send("GET", "/keys", headers: ["x-relay-token: \(token)"]).status == 200)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit(timeout: 10) == 0)
        let usage = try #require(try await Self.usage(of: token, in: relay))
        #expect(usage.lastUsedAt != nil && usage.lastSeenAt != nil)
    }
}
