import EventLoop
import Glibc
import Synchronization

/// The embedded backend (CONTRACT.md E1): one SQLite file in WAL mode, every statement on a small blocking pool, one
/// connection per pool thread. Loops only await results.
package final class SQLiteStore: AccountStore {
    package var backendName: String { "sqlite" }

    private let pool: BlockingPool
    private let idle: Mutex<[SQLiteConnection]>
    private let timeoutMilliseconds: Int
    private let isClosed = Atomic<Bool>(false)
    private let deadlines: DeadlineWatch

    /// Opens `path` with `connectionCount` connections, creating the file (mode 0600) and its directory (0700) when
    /// missing. Blocks: call at start-up, not on a loop. Fails with `.cannotOpen` and SQLite's reason.
    package init(path: String, connectionCount: Int = 2, timeout: Duration) throws(StoreError) {
        let milliseconds = timeout.milliseconds
        timeoutMilliseconds = milliseconds
        var connections: [SQLiteConnection] = []
        do throws(SQLiteError) {
            try Self.createDirectory(of: path)
            for _ in 0..<max(1, connectionCount) {
                connections.append(try SQLiteConnection(path: path, busyTimeoutMilliseconds: milliseconds))
            }
        } catch {
            throw .cannotOpen(reason: error.description)
        }
        idle = Mutex(connections)
        pool = BlockingPool(threadCount: connections.count)
        deadlines = DeadlineWatch(timeoutMilliseconds: milliseconds)
    }

    package func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pool.shutDown()
        deadlines.stop()
        idle.withLock { connections in
            for connection in connections { connection.close() }
            connections = []
        }
    }

    // MARK: Schema

    package func migrate() async throws(StoreError) -> [Int] {
        try await run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) in
                try Self.createMigrationTable(connection)
                let current = try Self.appliedVersion(connection)
                var applied: [Int] = []
                for migration in Migration.pending(after: current, in: Migration.sqlite) {
                    try connection.execute(migration.sql)
                    let record = try connection.statement(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"
                    )
                    try record.bind(
                        .integer(Int64(migration.version)),
                        .text(migration.name),
                        .integer(WallClock.nowMilliseconds())
                    )
                    try record.run()
                    applied.append(migration.version)
                }
                return applied
            }
        }
    }

    package func schemaVersion() async throws(StoreError) -> Int {
        try await run { connection throws(SQLiteError) in
            let exists = try connection.statement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"
            )
            guard try exists.step() else { return 0 }
            return try Self.appliedVersion(connection)
        }
    }

    private static func createMigrationTable(_ connection: SQLiteConnection) throws(SQLiteError) {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT
            """
        )
    }

    private static func appliedVersion(_ connection: SQLiteConnection) throws(SQLiteError) -> Int {
        let statement = try connection.statement("SELECT coalesce(max(version), 0) FROM schema_migrations")
        _ = try statement.step()
        return Int(statement.integer(0) ?? 0)
    }

    // MARK: Users and tokens

    package func register(_ account: NewAccount) async throws(StoreError) {
        try await run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) in
                let user = try connection.statement("INSERT INTO users (id, app_id, created_at) VALUES (?, ?, ?)")
                try user.bind(.text(account.userID), .text(account.appID), .integer(account.createdAt))
                try user.run()
                let token = try connection.statement(
                    "INSERT INTO tokens (digest, hmac_key_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"
                )
                try token.bind(
                    .text(account.tokenDigest),
                    .text(account.tokenKeyID),
                    .text(account.userID),
                    .integer(account.createdAt),
                    account.expiresAt.map { .integer($0) } ?? .null
                )
                try token.run()
            }
        }
    }

    package func account(tokenDigest: String) async throws(StoreError) -> Account? {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(
                """
                SELECT t.user_id, u.app_id, t.expires_at, k.provider, k.ciphertext, k.nonce, k.key_version
                FROM tokens t JOIN users u ON u.id = t.user_id
                LEFT JOIN provider_keys k ON k.user_id = t.user_id
                WHERE t.digest = ? AND t.revoked_at IS NULL
                """
            )
            try statement.bind(.text(tokenDigest))
            var account: Account?
            var keys: [StoredKey] = []
            while try statement.step() {
                if account == nil {
                    account = Account(
                        userID: statement.text(0) ?? "",
                        appID: statement.text(1) ?? "",
                        tokenDigest: tokenDigest,
                        expiresAt: statement.integer(2),
                        keys: []
                    )
                }
                if let provider = statement.text(3), let version = statement.text(6) {
                    keys.append(
                        StoredKey(
                            provider: provider,
                            sealed: .init(nonce: statement.blob(5), ciphertextAndTag: statement.blob(4)),
                            keyVersion: version
                        )
                    )
                }
            }
            guard let account else { return nil }
            return Account(
                userID: account.userID,
                appID: account.appID,
                tokenDigest: tokenDigest,
                expiresAt: account.expiresAt,
                keys: keys
            )
        }
    }

    package func replaceTokenDigest(_ old: String, with new: String, keyID: String) async throws(StoreError) -> Bool {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement("UPDATE tokens SET digest = ?, hmac_key_id = ? WHERE digest = ?")
            try statement.bind(.text(new), .text(keyID), .text(old))
            try statement.run()
            return connection.changes == 1
        }
    }

    package func revokeToken(digest: String, at time: Int64) async throws(StoreError) -> Bool {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(
                "UPDATE tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL"
            )
            try statement.bind(.integer(time), .text(digest))
            try statement.run()
            return connection.changes == 1
        }
    }

    package func deleteUser(_ userID: String) async throws(StoreError) {
        // Tokens, keys and request records go with the user through ON DELETE CASCADE, in the same statement.
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement("DELETE FROM users WHERE id = ?")
            try statement.bind(.text(userID))
            try statement.run()
        }
    }

    // MARK: Keys

    package func putKey(_ key: StoredKey, userID: String, at time: Int64) async throws(StoreError) -> KeyWrite {
        try await run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> KeyWrite in
                let existing = try connection.statement(
                    "SELECT 1 FROM provider_keys WHERE user_id = ? AND provider = ?"
                )
                try existing.bind(.text(userID), .text(key.provider))
                let existed = try existing.step()
                existing.reset()
                let upsert = try connection.statement(
                    """
                    INSERT INTO provider_keys (user_id, provider, ciphertext, nonce, key_version, created_at, updated_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                    ON CONFLICT (user_id, provider) DO UPDATE SET
                        ciphertext = excluded.ciphertext, nonce = excluded.nonce,
                        key_version = excluded.key_version, updated_at = excluded.updated_at
                    """
                )
                try upsert.bind(
                    .text(userID),
                    .text(key.provider),
                    .blob(key.sealed.ciphertextAndTag),
                    .blob(key.sealed.nonce),
                    .text(key.keyVersion),
                    .integer(time)
                )
                do throws(SQLiteError) {
                    try upsert.run()
                } catch  where error.isConstraint {
                    return .userMissing
                }
                return existed ? .replaced : .inserted
            }
        }
    }

    package func deleteKey(provider: String, userID: String) async throws(StoreError) {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement("DELETE FROM provider_keys WHERE user_id = ? AND provider = ?")
            try statement.bind(.text(userID), .text(provider))
            try statement.run()
        }
    }

    package func keys(
        notUnder version: String,
        after position: KeyPosition?,
        limit: Int
    ) async throws(StoreError) -> [OwnedKey] {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(
                """
                SELECT user_id, provider, ciphertext, nonce, key_version FROM provider_keys
                WHERE key_version <> ?1 AND (?2 IS NULL OR (user_id, provider) > (?2, ?3))
                ORDER BY user_id, provider LIMIT ?4
                """
            )
            try statement.bind(
                .text(version),
                position.map { .text($0.userID) } ?? .null,
                position.map { .text($0.provider) } ?? .null,
                .integer(Int64(limit))
            )
            var keys: [OwnedKey] = []
            while try statement.step() {
                keys.append(
                    OwnedKey(
                        userID: statement.text(0) ?? "",
                        key: StoredKey(
                            provider: statement.text(1) ?? "",
                            sealed: .init(nonce: statement.blob(3), ciphertextAndTag: statement.blob(2)),
                            keyVersion: statement.text(4) ?? ""
                        )
                    )
                )
            }
            return keys
        }
    }

    package func replaceKey(_ old: OwnedKey, with new: StoredKey, at time: Int64) async throws(StoreError) -> Bool {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(
                """
                UPDATE provider_keys SET ciphertext = ?, nonce = ?, key_version = ?, updated_at = ?
                WHERE user_id = ? AND provider = ? AND nonce = ? AND ciphertext = ?
                """
            )
            try statement.bind(
                .blob(new.sealed.ciphertextAndTag),
                .blob(new.sealed.nonce),
                .text(new.keyVersion),
                .integer(time),
                .text(old.userID),
                .text(old.key.provider),
                .blob(old.key.sealed.nonce),
                .blob(old.key.sealed.ciphertextAndTag)
            )
            try statement.run()
            return connection.changes == 1
        }
    }

    // MARK: Secret check and status

    package func secretCheck() async throws(StoreError) -> SecretCheck? {
        try await run { connection throws(SQLiteError) in try Self.readSecretCheck(connection) }
    }

    package func insertSecretCheck(_ check: SecretCheck) async throws(StoreError) -> SecretCheck {
        try await run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> SecretCheck in
                let insert = try connection.statement(
                    "INSERT INTO secret_check (id, ciphertext, nonce, key_version) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
                )
                try insert.bind(
                    .blob(check.sealed.ciphertextAndTag),
                    .blob(check.sealed.nonce),
                    .text(check.keyVersion)
                )
                try insert.run()
                return try Self.readSecretCheck(connection) ?? check
            }
        }
    }

    package func replaceSecretCheck(_ check: SecretCheck) async throws(StoreError) {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(
                "UPDATE secret_check SET ciphertext = ?, nonce = ?, key_version = ? WHERE id = 1"
            )
            try statement.bind(.blob(check.sealed.ciphertextAndTag), .blob(check.sealed.nonce), .text(check.keyVersion))
            try statement.run()
        }
    }

    private static func readSecretCheck(_ connection: SQLiteConnection) throws(SQLiteError) -> SecretCheck? {
        let statement = try connection.statement("SELECT ciphertext, nonce, key_version FROM secret_check WHERE id = 1")
        guard try statement.step() else { return nil }
        return SecretCheck(
            sealed: .init(nonce: statement.blob(1), ciphertextAndTag: statement.blob(0)),
            keyVersion: statement.text(2) ?? ""
        )
    }

    package func tokenDigestCounts(currentKeyID: String) async throws(StoreError) -> TokenDigestCounts {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(
                "SELECT count(*), coalesce(sum(hmac_key_id = ?), 0) FROM tokens"
            )
            try statement.bind(.text(currentKeyID))
            _ = try statement.step()
            return TokenDigestCounts(total: Int(statement.integer(0) ?? 0), current: Int(statement.integer(1) ?? 0))
        }
    }

    package func purge(recordsBefore: Int64?, usersBefore: Int64?, limit: Int) async throws(StoreError) -> PurgeCounts {
        try await run { connection throws(SQLiteError) in
            var counts = PurgeCounts(records: 0, users: 0)
            if let recordsBefore {
                let statement = try connection.statement(
                    """
                    DELETE FROM request_records WHERE id IN (
                        SELECT id FROM request_records WHERE created_at < ?1 LIMIT ?2)
                    """
                )
                try statement.bind(.integer(recordsBefore), .integer(Int64(limit)))
                try statement.run()
                counts.records = connection.changes
            }
            if let usersBefore {
                // A token stops being valid at the earlier of its revocation and its expiry; one with neither never
                // does. Tokens, keys and records go with the user (ON DELETE CASCADE).
                let statement = try connection.statement(
                    """
                    DELETE FROM users WHERE id IN (
                        SELECT u.id FROM users u WHERE NOT EXISTS (
                            SELECT 1 FROM tokens t WHERE t.user_id = u.id AND coalesce(
                                CASE WHEN t.revoked_at IS NULL THEN t.expires_at
                                     WHEN t.expires_at IS NULL THEN t.revoked_at
                                     ELSE min(t.revoked_at, t.expires_at) END, ?1) >= ?1)
                        LIMIT ?2)
                    """
                )
                try statement.bind(.integer(usersBefore), .integer(Int64(limit)))
                try statement.run()
                counts.users = connection.changes
            }
            return counts
        }
    }

    package func ping() async throws(StoreError) {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement("SELECT 1")
            _ = try statement.step()
        }
    }

    /// One serving process per file (CONTRACT.md E1): its own writes invalidate its cache directly.
    package func watchChanges(
        on loop: Loop,
        changed: @escaping @Sendable (String) -> Void,
        resynchronise: @escaping @Sendable () -> Void
    ) {}

    // MARK: Running on the pool

    /// Runs `body` on a pool thread with a connection of its own; the caller's task resumes on its own executor.
    /// The answer comes within `DB_TIMEOUT_MS` whatever the disk does: a deadline resumes the caller with `.timeout`
    /// (a job that has not started by then is skipped; one already running finishes unobserved, like a PostgreSQL
    /// statement whose connection was lost). A store closed meanwhile answers `.unavailable`.
    func run<Result: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> Result
    ) async throws(StoreError) -> Result {
        guard !isClosed.load(ordering: .acquiring) else { throw .unavailable }
        let outcome: Swift.Result<Result, StoreError> = await withCheckedContinuation { continuation in
            let answer = SingleAnswer(continuation)
            deadlines.watch(answer)
            let accepted = pool.submit { [self] in
                guard answer.isPending, let connection = idle.withLock({ $0.popLast() }) else {
                    answer.give(.failure(.unavailable))
                    return
                }
                let result: Swift.Result<Result, StoreError>
                do throws(SQLiteError) {
                    result = .success(try body(connection))
                } catch {
                    result = .failure(Self.storeError(error))
                }
                connection.finishJob()
                idle.withLock { $0.append(connection) }
                answer.give(result)
            }
            if !accepted { answer.give(.failure(.unavailable)) }
        }
        return try outcome.get()
    }

    private static func storeError(_ error: SQLiteError) -> StoreError {
        if error.isBusy { return .timeout }
        switch error {
        case .code(let code): return .failed(code: "sqlite:\(code)")
        case .cannotOpen, .closed: return .unavailable
        }
    }

    /// Creates the database's directory with mode 0700 when it does not exist (CONTRACT.md E1).
    private static func createDirectory(of path: String) throws(SQLiteError) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var components: [Substring] = []
        for component in directory.split(separator: "/", omittingEmptySubsequences: false) {
            components.append(component)
            let partial = components.joined(separator: "/")
            guard !partial.isEmpty else { continue }
            if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                throw .cannotOpen(reason: String(cString: strerror(errno)))
            }
        }
    }
}

/// Resumes a continuation exactly once, with whichever answer comes first (the job's or the deadline's).
private final class SingleAnswer<Value: Sendable>: Expiring {
    private let continuation: Mutex<CheckedContinuation<Swift.Result<Value, StoreError>, Never>?>

    init(_ continuation: CheckedContinuation<Swift.Result<Value, StoreError>, Never>) {
        self.continuation = Mutex(continuation)
    }

    /// Whether no answer was given yet.
    var isPending: Bool { continuation.withLock { $0 != nil } }

    /// Gives `result` if nothing was given before; later answers are dropped.
    func give(_ result: Swift.Result<Value, StoreError>) {
        continuation.withLock { $0.take() }?.resume(returning: result)
    }

    func expire() { give(.failure(.timeout)) }
}
