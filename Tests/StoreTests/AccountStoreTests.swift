import Crypto
import EventLoop
import Foundation
import TestSupport
import Testing

@testable import Store

/// One suite, both backends (CONTRACT.md E1: "both backends pass one test suite").
@Suite struct AccountStoreTests {
    static func newAccount(_ digest: String = UUID().uuidString, user: String = UUID().uuidString.lowercased())
        -> NewAccount
    {
        NewAccount(
            userID: user,
            appID: "app-\(user.prefix(4))",
            tokenDigest: digest,
            tokenKeyID: "key-id-1",
            createdAt: 1_700_000_000_000,
            expiresAt: 1_800_000_000_000
        )
    }

    static func key(_ provider: String, bytes: [UInt8] = Array("ciphertext-and-tag-16b".utf8), version: String = "v1")
        -> StoredKey
    {
        StoredKey(
            provider: provider,
            sealed: .init(nonce: Array(repeating: 7, count: 12), ciphertextAndTag: bytes),
            keyVersion: version
        )
    }

    @Test(arguments: Backend.allCases)
    func testMigrationsApplyOnceAndRecordTheVersion(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            #expect(try await store.schemaVersion() == Migration.latestVersion)
            #expect(try await store.migrate() == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func testRegisteredTokenLeadsToItsUser(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let account = Self.newAccount("digest-1")
            try await store.register(account)
            let found = try #require(try await store.account(tokenDigest: "digest-1"))
            #expect(found.userID == account.userID && found.appID == account.appID)
            #expect(found.expiresAt == 1_800_000_000_000 && found.keys.isEmpty && found.tokenDigest == "digest-1")
            #expect(try await store.account(tokenDigest: "digest-2") == nil)
            var forever = Self.newAccount("digest-3")
            forever.expiresAt = nil
            try await store.register(forever)
            #expect(try await store.account(tokenDigest: "digest-3")?.expiresAt == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func testRegistrationIsAllOrNothing(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            try await store.register(Self.newAccount("same-digest"))
            let second = Self.newAccount("same-digest")
            await #expect(throws: StoreError.self) { try await store.register(second) }
            // The second user's row was rolled back with its token: a key for it has no user to belong to.
            #expect(try await store.putKey(Self.key("openai"), userID: second.userID, at: 1) == .userMissing)
            #expect(
                try await store.tokenDigestCounts(currentKeyID: "key-id-1") == TokenDigestCounts(total: 1, current: 1)
            )
        }
    }

    @Test(arguments: Backend.allCases)
    func testKeysAreInsertedReplacedListedSortedAndDeleted(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let account = Self.newAccount("d")
            try await store.register(account)
            #expect(try await store.putKey(Self.key("openai"), userID: account.userID, at: 1) == .inserted)
            #expect(try await store.putKey(Self.key("anthropic"), userID: account.userID, at: 2) == .inserted)
            let replacement = Self.key("openai", bytes: Array(0...255))
            #expect(try await store.putKey(replacement, userID: account.userID, at: 3) == .replaced)
            let found = try #require(try await store.account(tokenDigest: "d"))
            #expect(found.keys.map(\.provider) == ["anthropic", "openai"])
            // Every byte value survives the round trip (bytea / BLOB).
            #expect(found.key(for: "openai") == replacement)
            try await store.deleteKey(provider: "openai", userID: account.userID)
            try await store.deleteKey(provider: "openai", userID: account.userID)  // idempotent
            #expect(try await store.account(tokenDigest: "d")?.keys.map(\.provider) == ["anthropic"])
        }
    }

    @Test(arguments: Backend.allCases)
    func testKeyForAMissingUserIsNotWritten(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let write = try await store.putKey(Self.key("openai"), userID: UUID().uuidString.lowercased(), at: 1)
            #expect(write == .userMissing)
            #expect(try await store.keys(notUnder: "none", after: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func testRevokedTokenIsNotFoundAndRevokesOnce(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            try await store.register(Self.newAccount("r"))
            #expect(try await store.revokeToken(digest: "r", at: 5))
            #expect(try await store.revokeToken(digest: "r", at: 6) == false)
            #expect(try await store.account(tokenDigest: "r") == nil)
            #expect(try await store.revokeToken(digest: "never", at: 5) == false)
        }
    }

    @Test(arguments: Backend.allCases)
    func testDeletingAUserRemovesTokensAndKeysButNoOneElses(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let gone = Self.newAccount("gone")
            let kept = Self.newAccount("kept")
            try await store.register(gone)
            try await store.register(kept)
            _ = try await store.putKey(Self.key("openai"), userID: gone.userID, at: 1)
            _ = try await store.putKey(Self.key("openai"), userID: kept.userID, at: 1)
            try await store.deleteUser(gone.userID)
            #expect(try await store.account(tokenDigest: "gone") == nil)
            let remaining = try await store.keys(notUnder: "none", after: nil, limit: 10)
            #expect(remaining.map(\.userID) == [kept.userID])
            #expect(try await store.account(tokenDigest: "kept")?.keys.count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func testTokenDigestIsReplacedOnce(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            try await store.register(Self.newAccount("old"))
            #expect(try await store.replaceTokenDigest("old", with: "new", keyID: "key-id-2"))
            #expect(try await store.replaceTokenDigest("old", with: "newer", keyID: "key-id-2") == false)
            #expect(try await store.account(tokenDigest: "old") == nil)
            #expect(try await store.account(tokenDigest: "new") != nil)
            #expect(
                try await store.tokenDigestCounts(currentKeyID: "key-id-2") == TokenDigestCounts(total: 1, current: 1)
            )
            #expect(
                try await store.tokenDigestCounts(currentKeyID: "key-id-1") == TokenDigestCounts(total: 1, current: 0)
            )
        }
    }

    @Test(arguments: Backend.allCases)
    func testKeysToRotateArePagedAndReplacedOnlyWhenUnchanged(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            var users: [String] = []
            for index in 0..<5 {
                let account = Self.newAccount("p\(index)")
                users.append(account.userID)
                try await store.register(account)
                _ = try await store.putKey(Self.key("openai", version: "old"), userID: account.userID, at: 1)
                _ = try await store.putKey(Self.key("groq", version: "new"), userID: account.userID, at: 1)
            }
            let first = try await store.keys(notUnder: "new", after: nil, limit: 3)
            #expect(first.count == 3 && first.allSatisfy { $0.key.keyVersion == "old" })
            let rest = try await store.keys(notUnder: "new", after: KeyPosition(after: first[2]), limit: 3)
            #expect(rest.count == 2)
            #expect(Set((first + rest).map(\.userID)) == Set(users))
            // Compare-and-set: a row changed since it was read is left alone.
            let target = first[0]
            _ = try await store.putKey(
                Self.key("openai", bytes: Array("user wrote".utf8)),
                userID: target.userID,
                at: 2
            )
            #expect(try await store.replaceKey(target, with: Self.key("openai", version: "new"), at: 3) == false)
            #expect(try await store.replaceKey(first[1], with: Self.key("openai", version: "new"), at: 3))
            let remaining = try await store.keys(notUnder: "new", after: nil, limit: 10)
            #expect(remaining.count == 4)
        }
    }

    @Test(arguments: Backend.allCases)
    func testSecretCheckIsStoredOnceAndReplaced(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            #expect(try await store.secretCheck() == nil)
            let first = SecretCheck(sealed: .init(nonce: [1], ciphertextAndTag: [2, 3]), keyVersion: "a")
            let second = SecretCheck(sealed: .init(nonce: [4], ciphertextAndTag: [5, 6]), keyVersion: "b")
            #expect(try await store.insertSecretCheck(first) == first)
            #expect(try await store.insertSecretCheck(second) == first)
            try await store.replaceSecretCheck(second)
            #expect(try await store.secretCheck() == second)
        }
    }

    @Test(arguments: Backend.allCases)
    func testTwoHundredConcurrentRegistrationsAllLand(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask(executorPreference: Backend.workers.loops[0]) {
                        try await store.register(Self.newAccount("c\(index)"))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.tokenDigestCounts(currentKeyID: "key-id-1").total == 200)
        }
    }

    @Test(arguments: Backend.allCases)
    func testPingAnswers(backend: Backend) async throws {
        try await backend.withStore { store in try await store.ping() }
    }

    @Test(arguments: Backend.allCases)
    func testClosedStoreRefusesWithUnavailable(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            store.close()
            await #expect(throws: StoreError.unavailable) { try await store.ping() }
        }
    }
}

/// The retention purge (CONTRACT.md §8.3) on both backends.
@Suite struct PurgeTests {
    /// A user whose one token was revoked at `revokedAt` and expires at `expiresAt` (nil: never).
    static func user(_ store: any AccountStore, revokedAt: Int64?, expiresAt: Int64?) async throws -> String {
        var account = AccountStoreTests.newAccount()
        account.expiresAt = expiresAt
        try await store.register(account)
        _ = try await store.putKey(AccountStoreTests.key("openai"), userID: account.userID, at: 1)
        if let revokedAt { _ = try await store.revokeToken(digest: account.tokenDigest, at: revokedAt) }
        return account.tokenDigest
    }

    @Test(arguments: Backend.allCases)
    func testUsersWithoutAValidTokenSinceTheCutoffAreErased(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let cutoff: Int64 = 1_000_000
            let expiredLongAgo = try await Self.user(store, revokedAt: nil, expiresAt: cutoff - 1)
            _ = try await Self.user(store, revokedAt: cutoff - 1, expiresAt: cutoff + 5)  // revoked long ago: erased
            let expiredRecently = try await Self.user(store, revokedAt: nil, expiresAt: cutoff)
            _ = try await Self.user(store, revokedAt: cutoff + 1, expiresAt: nil)  // revoked recently: kept
            let neverExpires = try await Self.user(store, revokedAt: nil, expiresAt: nil)
            let stillValid = try await Self.user(store, revokedAt: nil, expiresAt: cutoff * 10)
            let counts = try await store.purge(recordsBefore: nil, usersBefore: cutoff, limit: 100)
            #expect(counts == PurgeCounts(records: 0, users: 2))
            let digests = try await store.tokenDigestCounts(currentKeyID: "key-id-1")
            #expect(digests.total == 4)
            // Their keys went with them; the others keep theirs.
            #expect(try await store.keys(notUnder: "none", after: nil, limit: 100).count == 4)
            for kept in [expiredRecently, neverExpires, stillValid] {
                #expect(try await store.account(tokenDigest: kept) != nil)
            }
            #expect(try await store.account(tokenDigest: expiredLongAgo) == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func testPurgeWorksInBatches(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            for _ in 0..<5 { _ = try await Self.user(store, revokedAt: 10, expiresAt: nil) }
            #expect(try await store.purge(recordsBefore: nil, usersBefore: 100, limit: 3).users == 3)
            #expect(try await store.purge(recordsBefore: nil, usersBefore: 100, limit: 3).users == 2)
            #expect(
                try await store.purge(recordsBefore: 1, usersBefore: 100, limit: 3) == PurgeCounts(records: 0, users: 0)
            )
        }
    }

    @Test func testRequestRecordsPastRetentionAreDeletedOnPostgres() async throws {
        let database = try TestDatabase.create()
        let store = try PostgresStore(conninfo: database, timeout: .seconds(2), logger: Logger(threshold: .silent))
        let task = Task(executorPreference: Backend.workers.loops[0]) {
            defer { store.close() }
            _ = try await store.migrate()
            let account = AccountStoreTests.newAccount()
            try await store.register(account)
            try TestDatabase.psql(
                database,
                """
                INSERT INTO request_records (user_id, app_id, provider, status, latency_ms, created_at)
                SELECT '\(account.userID)', 'a', 'openai', 200, 5, t FROM generate_series(1, 10) AS t
                """
            )
            return try await store.purge(recordsBefore: 8, usersBefore: nil, limit: 100)
        }
        #expect(try await task.value == PurgeCounts(records: 7, users: 0))
        #expect(try TestDatabase.psql(database, "SELECT count(*) FROM request_records") == "3\n")
    }
}

/// The SQLite backend answers within `DB_TIMEOUT_MS` even when its threads are stuck (CONTRACT.md E1).
@Suite struct SQLiteDeadlineTests {
    @Test func testEveryCallAnswersWithinTheDeadlineWhileAnotherProcessHoldsTheWriteLock() async throws {
        let path = NSTemporaryDirectory() + "byok-relay-deadline-\(UUID().uuidString)/relay.db"
        let store = try SQLiteStore(path: path, connectionCount: 1, timeout: .milliseconds(300))
        defer { store.close() }
        _ = try await store.migrate()
        // Another process (here: another connection) holds the write lock for the whole test.
        let holder = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 0)
        try holder.execute("BEGIN IMMEDIATE")
        defer { try? holder.execute("ROLLBACK") }
        // Three writes queue behind each other on the one connection; each must still answer in time. They run on a
        // loop of their own: on the shared cooperative pool, other suites' blocking tests could delay when the
        // measuring task resumes, and the test would time the pool instead of the store.
        let workers = try WorkerGroup(count: 1)
        workers.start()
        defer {
            workers.stop()
            workers.join()
        }
        let elapsed = try await withThrowingTaskGroup(of: (StoreError?, Duration).self) { group in
            for _ in 0..<3 {
                group.addTask(executorPreference: workers.loops[0]) {
                    let start = ContinuousClock.now
                    do {
                        try await store.register(AccountStoreTests.newAccount())
                        return (nil, start.duration(to: .now))
                    } catch let error as StoreError {
                        return (error, start.duration(to: .now))
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(elapsed.count == 3)
        for (error, duration) in elapsed {
            #expect(error == .timeout)
            #expect(duration < .milliseconds(300 + 250), "answered after \(duration)")
        }
    }
}
