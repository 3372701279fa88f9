import Crypto
import EventLoop
import Store
import Synchronization

/// Users, tokens and keys as the endpoints need them (CONTRACT.md §2, §3): the token check with its cache and lazy
/// re-hash, registration, key writes, revocation and erasure. Shared by every loop; holds no per-request state.
final class AccountService: Sendable {
    let store: any AccountStore
    let cache: AccountCache
    let vault: KeyVault
    let digester: TokenDigester
    /// Successful token checks waiting to be written as last-use times (§8.1), taken by `RequestRecorder`.
    let uses: TokenUseLog
    private let tokenLifetimeMilliseconds: Int64?
    private let logger: Logger
    private let databaseErrors = Atomic<Int>(0)

    /// Failed or timed-out queries of the endpoints since start (`byok_relay_db_errors_total`, CONTRACT.md E6).
    var databaseErrorCount: Int { databaseErrors.load(ordering: .relaxed) }

    init(
        store: any AccountStore,
        cache: AccountCache,
        vault: KeyVault,
        digester: TokenDigester,
        tokenExpiryDays: Int,
        uses: TokenUseLog = TokenUseLog(),
        logger: Logger
    ) {
        self.store = store
        self.cache = cache
        self.vault = vault
        self.digester = digester
        self.uses = uses
        self.tokenLifetimeMilliseconds = tokenExpiryDays == 0 ? nil : Int64(tokenExpiryDays) * 86_400_000
        self.logger = logger
    }

    // MARK: The token check (§2.4)

    /// The account behind the request's token, or the refusal: 401 for a missing or invalid token, 503 when the
    /// database is needed and does not answer in time. A success is noted as a use of the token (§8.1).
    func authenticate(_ credential: TokenCredential) async -> Result<Account, RelayError> {
        let token: String
        let digest: String
        switch cachedLookup(credential) {
        case .answered(let result): return result
        case .uncached(let presented, let computed): (token, digest) = (presented, computed)
        }
        do throws(StoreError) {
            let generation = cache.generation()
            var found = try await store.account(tokenDigest: digest)
            if found == nil { found = try await rehashed(token, to: digest) }
            guard let account = found else { return .failure(.invalidToken) }
            cache.insert(account, generation: generation)
            guard account.isValid(at: WallClock.nowMilliseconds()) else { return .failure(.invalidToken) }
            uses.noteUse(of: account)
            return .success(account)
        } catch {
            return .failure(map(error, operation: "token lookup"))
        }
    }

    /// The token check answered without the database: the refusal for a missing or malformed token, or the cached
    /// account; nil when the database must be asked (`authenticate`). Lets the relay's hot path stay in its
    /// callback.
    func cachedAuthentication(_ credential: TokenCredential) -> Result<Account, RelayError>? {
        if case .answered(let result) = cachedLookup(credential) { return result }
        return nil
    }

    private enum CachedLookup {
        case answered(Result<Account, RelayError>)
        /// The token and its current digest, not in the cache.
        case uncached(token: String, digest: String)
    }

    private func cachedLookup(_ credential: TokenCredential) -> CachedLookup {
        let token: String
        switch credential {
        case .missing: return .answered(.failure(.tokenRequired))
        case .malformed: return .answered(.failure(.invalidToken))
        case .presented(let value): token = value
        }
        guard let digest = try? digester.current.digest(token.utf8) else { return .answered(.failure(.internalError)) }
        guard let cached = cache.account(tokenDigest: digest) else { return .uncached(token: token, digest: digest) }
        guard cached.isValid(at: WallClock.nowMilliseconds()) else { return .answered(.failure(.invalidToken)) }
        uses.noteUse(of: cached)
        return .answered(.success(cached))
    }

    /// §2.4 step 5: a token hashed under a fallback key is found by that digest and re-hashed under the current key.
    private func rehashed(_ token: String, to digest: String) async throws(StoreError) -> Account? {
        for fallback in digester.fallbacks {
            guard let oldDigest = try? fallback.digest(token.utf8),
                let account = try await store.account(tokenDigest: oldDigest)
            else { continue }
            // An expired token is refused as it is; only a token still in use is worth moving.
            guard account.isValid(at: WallClock.nowMilliseconds()) else { return account }
            // Another request may have re-hashed it a moment ago; either way the token now lives under `digest`.
            _ = try await store.replaceTokenDigest(oldDigest, with: digest, keyID: digester.current.id)
            var moved = account
            moved.tokenDigest = digest
            return moved
        }
        return nil
    }

    // MARK: Users and tokens

    /// Creates a user and its token (§2.1); the token is returned this once.
    func register(appID: String) async -> Result<(token: String, expiresAt: Int64?), RelayError> {
        let now = WallClock.nowMilliseconds()
        guard let token = try? TokenDigester.makeToken(), let digest = try? digester.current.digest(token.utf8) else {
            return .failure(.internalError)
        }
        let userID = UUIDv4.make()
        let expiresAt = tokenLifetimeMilliseconds.map { now + $0 }
        let account = NewAccount(
            userID: userID,
            appID: appID,
            tokenDigest: digest,
            tokenKeyID: digester.current.id,
            createdAt: now,
            expiresAt: expiresAt
        )
        do throws(StoreError) {
            try await store.register(account)
            return .success((token, expiresAt))
        } catch {
            return .failure(map(error, operation: "register"))
        }
    }

    /// Revokes the presented token (§2.2). A token revoked meanwhile by another request answers 401.
    func revoke(_ account: Account) async -> Result<Void, RelayError> {
        do throws(StoreError) {
            let revoked = try await store.revokeToken(digest: account.tokenDigest, at: WallClock.nowMilliseconds())
            cache.invalidate(userID: account.userID)
            return revoked ? .success(()) : .failure(.invalidToken)
        } catch {
            return .failure(map(error, operation: "revoke token"))
        }
    }

    /// Erases the user with everything of theirs (§2.3).
    func deleteUser(_ account: Account) async -> Result<Void, RelayError> {
        do throws(StoreError) {
            try await store.deleteUser(account.userID)
            cache.invalidate(userID: account.userID)
            return .success(())
        } catch {
            return .failure(map(error, operation: "delete user"))
        }
    }

    // MARK: Keys

    /// Encrypts and stores `key` for `provider` (§3.1, §3.5), with the origin it is bound to (E14) in the same
    /// ciphertext. The plaintext lives in `SecretBytes`, wiped on return.
    func storeKey(
        _ key: String,
        provider: String,
        boundOrigin: String? = nil,
        account: Account
    ) async -> Result<KeyWrite, RelayError> {
        let sealed: StoredKey
        do throws(VaultError) {
            let plaintext = SecretBytes(copying: KeyMaterial.plaintext(key: key, boundOrigin: boundOrigin))
            sealed = try vault.seal(plaintext, userID: account.userID, provider: provider)
        } catch {
            return .failure(.internalError)
        }
        do throws(StoreError) {
            let write = try await store.putKey(sealed, userID: account.userID, at: WallClock.nowMilliseconds())
            cache.invalidate(userID: account.userID)
            // The user was erased between the token check and the write: the token no longer leads anywhere.
            return write == .userMissing ? .failure(.invalidToken) : .success(write)
        } catch {
            return .failure(map(error, operation: "store key"))
        }
    }

    /// Removes the key for `provider`, if any (§3.3).
    func deleteKey(provider: String, account: Account) async -> Result<Void, RelayError> {
        do throws(StoreError) {
            try await store.deleteKey(provider: provider, userID: account.userID)
            cache.invalidate(userID: account.userID)
            return .success(())
        } catch {
            return .failure(map(error, operation: "delete key"))
        }
    }

    /// Unreachable or slow storage is the contract's 503; anything else is a bug or a broken database: logged
    /// (without any value) and answered 500.
    func map(_ error: StoreError, operation: String) -> RelayError {
        databaseErrors.wrappingAdd(1, ordering: .relaxed)
        switch error {
        case .unavailable, .timeout:
            return .databaseUnavailable
        case .failed(let code):
            logger.error("database error", [("operation", .string(operation)), ("code", .string(code))])
            return .internalError
        case .cannotOpen, .schemaBehind, .secretMismatch:
            logger.error("database error", [("operation", .string(operation)), ("code", .string("\(error)"))])
            return .internalError
        }
    }
}
