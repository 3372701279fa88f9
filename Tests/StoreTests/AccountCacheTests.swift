import Foundation
import Testing

@testable import Store

@Suite struct AccountCacheTests {
    func account(_ digest: String, user: String) -> Account {
        Account(userID: user, appID: "app", tokenDigest: digest, expiresAt: nil, keys: [])
    }

    @Test func testHitAfterInsertAndMissForUnknownDigest() {
        let cache = AccountCache(timeToLive: .seconds(30))
        cache.insert(account("d1", user: "u1"), generation: cache.generation())
        #expect(cache.account(tokenDigest: "d1")?.userID == "u1")
        #expect(cache.account(tokenDigest: "d2") == nil)
    }

    @Test func testZeroTimeToLiveDisablesTheCache() {
        let cache = AccountCache(timeToLive: .zero)
        cache.insert(account("d1", user: "u1"), generation: cache.generation())
        #expect(!cache.isEnabled)
        #expect(cache.account(tokenDigest: "d1") == nil)
        #expect(cache.count == 0)
    }

    @Test func testEntriesExpireAfterTheirTimeToLive() async throws {
        // Long enough that the first look always comes before expiry on a loaded machine.
        let cache = AccountCache(timeToLive: .milliseconds(500))
        cache.insert(account("d1", user: "u1"), generation: cache.generation())
        #expect(cache.account(tokenDigest: "d1") != nil)
        // The clock must pass the TTL; this waits for time itself, not for an event.
        try await Task.sleep(for: .milliseconds(600))
        #expect(cache.account(tokenDigest: "d1") == nil)
    }

    @Test func testInvalidatingAUserDropsEveryTokenOfItsAndNoOther() {
        let cache = AccountCache(timeToLive: .seconds(30))
        for digest in ["a", "b", "c"] { cache.insert(account(digest, user: "u1"), generation: cache.generation()) }
        cache.insert(account("z", user: "u2"), generation: cache.generation())
        cache.invalidate(userID: "u1")
        #expect(["a", "b", "c"].allSatisfy { cache.account(tokenDigest: $0) == nil })
        #expect(cache.account(tokenDigest: "z") != nil)
    }

    @Test func testLookupOverlappingAnInvalidationIsNotCached() {
        let cache = AccountCache(timeToLive: .seconds(30))
        let generation = cache.generation()  // a lookup starts…
        cache.invalidate(userID: "someone")  // …a change lands meanwhile…
        cache.insert(account("d1", user: "u1"), generation: generation)  // …its stale result must not stick
        #expect(cache.account(tokenDigest: "d1") == nil)
        cache.insert(account("d1", user: "u1"), generation: cache.generation())
        #expect(cache.account(tokenDigest: "d1") != nil)
    }

    @Test func testRemoveAllEmptiesTheCache() {
        let cache = AccountCache(timeToLive: .seconds(30))
        for index in 0..<100 { cache.insert(account("d\(index)", user: "u\(index)"), generation: cache.generation()) }
        #expect(cache.count == 100)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test func testCapacityBoundsTheCache() {
        let cache = AccountCache(timeToLive: .seconds(30), capacity: 160)
        for index in 0..<2000 { cache.insert(account("d\(index)", user: "u"), generation: cache.generation()) }
        #expect(cache.count <= 160)
    }
}

@Suite struct MigrationEmbeddingTests {
    static let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    @Test(arguments: ["postgres", "sqlite"])
    func testEmbeddedMigrationsEqualTheSQLFiles(backend: String) throws {
        let embedded = backend == "postgres" ? Migration.postgres : Migration.sqlite
        let directory = "/\(Self.root)/migrations/\(backend)"
        let files = try FileList.sqlFiles(in: directory)
        #expect(files.count == embedded.count, "run scripts/embed-migrations")
        for (file, migration) in zip(files, embedded) {
            #expect(file.name == String(format: "%04d_%@", migration.version, migration.name))
            #expect(file.contents == migration.sql + "\n", "run scripts/embed-migrations")
        }
    }

    @Test func testBothBackendsHaveTheSameMigrationNumbers() {
        #expect(Migration.postgres.map(\.version) == Migration.sqlite.map(\.version))
        #expect(Migration.latestVersion == Migration.postgres.map(\.version).max())
    }
}

@Suite struct AccountCacheByteBudgetTests {
    @Test func testTheCacheStaysWithinItsByteBudget() {
        let cache = AccountCache(timeToLive: .seconds(30), capacityBytes: 1 << 20)
        // 10 keys of 4 KiB each: about 42 KiB per entry, 500 entries would be about 21 MiB.
        let keys = (0..<10).map { index in
            StoredKey(
                provider: "p\(index)",
                sealed: .init(
                    nonce: Array(repeating: 0, count: 12),
                    ciphertextAndTag: Array(repeating: 1, count: 4112)
                ),
                keyVersion: "0123456789abcdef"
            )
        }
        for index in 0..<500 {
            let account = Account(userID: "u\(index)", appID: "a", tokenDigest: "d\(index)", expiresAt: nil, keys: keys)
            cache.insert(account, generation: cache.generation())
        }
        #expect(cache.byteCount <= 1 << 20)
        #expect(cache.count > 0)
        cache.invalidate(userID: "u499")
        cache.removeAll()
        #expect(cache.byteCount == 0)
    }

    @Test func testInvalidationReturnsTheBytes() {
        let cache = AccountCache(timeToLive: .seconds(30))
        let account = Account(userID: "u", appID: "a", tokenDigest: "d", expiresAt: nil, keys: [])
        cache.insert(account, generation: cache.generation())
        cache.insert(account, generation: cache.generation())  // replacing counts once
        let one = cache.byteCount
        #expect(one > 0)
        cache.invalidate(userID: "u")
        #expect(cache.byteCount == 0)
    }
}
