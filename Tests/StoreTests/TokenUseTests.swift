import EventLoop
import Foundation
import Testing

@testable import Store

/// The last-use times of CONTRACT.md §8.1 (`last_used_at` of tokens, `last_seen_at` of users) on both backends:
/// written at most once an hour, harmless for tokens and users that are gone, and invisible to other replicas'
/// caches.
@Suite struct TokenUseTests {
    /// A fixed "now": 2033-05-18.
    static let now: Int64 = 2_000_000_000_000
    static let hour = TokenUse.writeIntervalMilliseconds

    static func use(_ account: NewAccount) -> TokenUse {
        TokenUse(tokenDigest: account.tokenDigest, userID: account.userID)
    }

    @Test(arguments: Backend.allCases)
    func testTouchWritesBothTimesAtMostOnceAnHour(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let first = AccountStoreTests.newAccount()
            let second = AccountStoreTests.newAccount()
            try await store.register(first)
            try await store.register(second)
            #expect(
                try await store.tokenUsage(digest: first.tokenDigest) == TokenUsage(lastUsedAt: nil, lastSeenAt: nil)
            )
            #expect(try await store.tokenUsage(digest: "no-such-digest") == nil)

            // Duplicates in a batch count once.
            let batch = [Self.use(first), Self.use(second), Self.use(first)]
            #expect(try await store.touch(batch, at: Self.now) == TouchCounts(tokens: 2, users: 2))
            let written = TokenUsage(lastUsedAt: Self.now, lastSeenAt: Self.now)
            #expect(try await store.tokenUsage(digest: first.tokenDigest) == written)
            #expect(try await store.tokenUsage(digest: second.tokenDigest) == written)

            // Asked again within the hour (twice, or by another replica): nothing changes.
            #expect(try await store.touch(batch, at: Self.now + 1000) == TouchCounts(tokens: 0, users: 0))
            #expect(try await store.touch(batch, at: Self.now + Self.hour) == TouchCounts(tokens: 0, users: 0))
            #expect(try await store.tokenUsage(digest: first.tokenDigest) == written)
            // A time older than the stored one never moves it back (a replica whose clock is behind).
            #expect(try await store.touch(batch, at: Self.now - Self.hour - 1) == TouchCounts(tokens: 0, users: 0))

            // More than an hour later, written again; only what was asked for.
            let later = Self.now + Self.hour + 1
            #expect(try await store.touch([Self.use(first)], at: later) == TouchCounts(tokens: 1, users: 1))
            #expect(
                try await store.tokenUsage(digest: first.tokenDigest)
                    == TokenUsage(lastUsedAt: later, lastSeenAt: later)
            )
            #expect(try await store.tokenUsage(digest: second.tokenDigest) == written)
            #expect(try await store.touch([], at: later) == TouchCounts(tokens: 0, users: 0))
        }
    }

    @Test(arguments: Backend.allCases)
    func testTouchIsHarmlessForRevokedTokensDeletedUsersAndUnknownOrUnstorableUses(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let kept = AccountStoreTests.newAccount()
            let revoked = AccountStoreTests.newAccount()
            let deleted = AccountStoreTests.newAccount()
            for account in [kept, revoked, deleted] { try await store.register(account) }
            #expect(try await store.revokeToken(digest: revoked.tokenDigest, at: Self.now - 1))
            try await store.deleteUser(deleted.userID)
            let batch = [
                Self.use(kept), Self.use(revoked), Self.use(deleted),
                TokenUse(tokenDigest: "unknown", userID: UUID().uuidString.lowercased()),
                TokenUse(tokenDigest: kept.tokenDigest, userID: "not-a-uuid"),
                TokenUse(tokenDigest: "nul\0digest", userID: kept.userID),
            ]
            // The revoked token's last use (the revocation itself) is written; the deleted user's is nowhere.
            #expect(try await store.touch(batch, at: Self.now) == TouchCounts(tokens: 2, users: 2))
            #expect(
                try await store.tokenUsage(digest: kept.tokenDigest)
                    == TokenUsage(lastUsedAt: Self.now, lastSeenAt: Self.now)
            )
            #expect(try await store.account(tokenDigest: revoked.tokenDigest) == nil, "still revoked")
            #expect(try await store.tokenUsage(digest: deleted.tokenDigest) == nil)
        }
    }

    /// Deletions on another connection (another replica) while batches are written: no batch fails or waits for a
    /// deadlock to be broken, and every deletion succeeds.
    @Test(arguments: Backend.allCases)
    func testTouchesRacingUserDeletionsNeverFail(backend: Backend) async throws {
        try await backend.withTwoStores { (writer, deleter) async throws -> Void in
            var registered: [NewAccount] = []
            for _ in 0..<40 {
                let account = AccountStoreTests.newAccount()
                try await writer.register(account)
                registered.append(account)
            }
            let users = registered
            let batch = users.map { Self.use($0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask(executorPreference: Backend.workers.loops[0]) {
                    for user in users { try await deleter.deleteUser(user.userID) }
                }
                group.addTask(executorPreference: Backend.workers.loops[0]) {
                    // Each batch a new hour, so every one has rows to write.
                    for hour in 0..<40 { _ = try await writer.touch(batch, at: Self.now + Int64(hour) * 2 * Self.hour) }
                }
                try await group.waitForAll()
            }
            for user in users { #expect(try await writer.tokenUsage(digest: user.tokenDigest) == nil) }
        }
    }

    /// CONTRACT.md §8.1 and §8.5: last-use times are not part of any cached lookup, so writing them must not empty
    /// other replicas' caches. The replica listening sees the notification of a revocation made after the touch,
    /// and none for the touch before it (notifications arrive in commit order).
    @Test func testTouchSendsNoInvalidationToOtherReplicas() async throws {
        try await Backend.postgres.withTwoStores { (listening, writing) async throws -> Void in
            let changed = EventInbox<String>()
            let listened = EventInbox<Void>()
            listening.watchChanges(
                on: Backend.workers.loops[0],
                changed: { changed.push($0) },
                resynchronise: { listened.push(()) }
            )
            #expect(await listened.next(withinMilliseconds: 5000) != nil, "the listener connected")
            let touched = AccountStoreTests.newAccount()
            let revoked = AccountStoreTests.newAccount()
            try await writing.register(touched)
            try await writing.register(revoked)
            #expect(try await writing.touch([Self.use(touched)], at: Self.now) == TouchCounts(tokens: 1, users: 1))
            #expect(try await writing.revokeToken(digest: revoked.tokenDigest, at: Self.now))
            #expect(await changed.next(withinMilliseconds: 2000) == revoked.userID)
            // The hook works for the touched user too: a change that matters reaches it.
            #expect(try await writing.revokeToken(digest: touched.tokenDigest, at: Self.now))
            #expect(await changed.next(withinMilliseconds: 2000) == touched.userID)
        }
    }
}
