import EventLoop
import Foundation
import HTTP
import Store
import Testing

@testable import Relay

/// The token check of CONTRACT.md §2.4 against a real (SQLite) store: expiry, the cache, and the lazy re-hash.
@Suite struct AccountServiceTests {
    static let encryptionSecret = "service-test-secret-0123456789abcdef0123"
    static let previousSecret = "service-previous-secret-0123456789abcdef"

    func service(
        tokenHMACSecret: String? = nil,
        previousSecret: String? = nil,
        store: SQLiteStore? = nil
    ) throws -> AccountService {
        let path = NSTemporaryDirectory() + "byok-relay-service-\(UUID().uuidString)/relay.db"
        return AccountService(
            store: try store ?? SQLiteStore(path: path, timeout: .seconds(2)),
            cache: AccountCache(timeToLive: .seconds(30)),
            vault: try KeyVault(secret: Self.encryptionSecret, previousSecret: previousSecret, salt: "s"),
            digester: try TokenDigester(
                tokenHMACSecret: tokenHMACSecret,
                encryptionSecret: Self.encryptionSecret,
                previousEncryptionSecret: previousSecret
            ),
            tokenExpiryDays: 90,
            logger: Logger(threshold: .silent)
        )
    }

    /// Registers a user whose token expires at `expiresAt` directly in the store; returns the token.
    func register(_ service: AccountService, expiresAt: Int64?) async throws -> String {
        let token = try TokenDigester.makeToken()
        try await service.store.register(
            NewAccount(
                userID: UUID().uuidString.lowercased(),
                appID: "app",
                tokenDigest: try service.digester.current.digest(token.utf8),
                tokenKeyID: service.digester.current.id,
                createdAt: 0,
                expiresAt: expiresAt
            )
        )
        return token
    }

    @Test func testTokenIsValidUntilItsExpiryAndNotAfter() async throws {
        let service = try service()
        _ = try await service.store.migrate()
        let now = WallClock.nowMilliseconds()
        let current = try await register(service, expiresAt: now + 60_000)
        let expired = try await register(service, expiresAt: now - 1)
        let forever = try await register(service, expiresAt: nil)
        #expect(try await service.authenticate(.presented(current)).get().expiresAt == now + 60_000)
        #expect(await service.authenticate(.presented(expired)) == .failure(.invalidToken))
        #expect(try await service.authenticate(.presented(forever)).get().expiresAt == nil)
        // A second look (now from the cache) judges expiry again.
        #expect(await service.authenticate(.presented(expired)) == .failure(.invalidToken))
        #expect(service.cache.count == 3)
    }

    @Test func testMissingAndMalformedCredentialsNeedNoLookup() async throws {
        let service = try service()
        #expect(await service.authenticate(.missing) == .failure(.tokenRequired))
        #expect(await service.authenticate(.malformed) == .failure(.invalidToken))
        _ = try await service.store.migrate()
        #expect(await service.authenticate(.presented("br_unknown")) == .failure(.invalidToken))
    }

    @Test func testTokenHashedUnderAFallbackKeyIsReHashedOnUse() async throws {
        // Issued while ENCRYPTION_SECRET was the token key; then a dedicated TOKEN_HMAC_SECRET is introduced.
        let path = NSTemporaryDirectory() + "byok-relay-service-\(UUID().uuidString)/relay.db"
        let store = try SQLiteStore(path: path, timeout: .seconds(2))
        let before = try service(store: store)
        _ = try await store.migrate()
        let token = try await register(before, expiresAt: nil)
        let after = try service(tokenHMACSecret: "dedicated-token-key-0123456789abcdef01", store: store)
        let account = try await after.authenticate(.presented(token)).get()
        #expect(account.tokenDigest == (try after.digester.current.digest(token.utf8)))
        #expect(
            try await store.tokenDigestCounts(currentKeyID: after.digester.current.id) == .init(total: 1, current: 1)
        )
        // The old digest is gone: the service that knew only the old key no longer finds the token.
        let stale = try service(store: store)
        #expect(await stale.authenticate(.presented(token)) == .failure(.invalidToken))
    }
}

extension Result where Success == Account, Failure == RelayError {
    fileprivate static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.success(let left), .success(let right)): left == right
        case (.failure(let left), .failure(let right)): left == right
        default: false
        }
    }
}
