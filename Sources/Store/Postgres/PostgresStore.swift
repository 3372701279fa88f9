import EventLoop
import Synchronization

/// The shared backend for many replicas (CONTRACT.md E1): one pipelined libpq connection per loop, created on the
/// loop the first time a task there needs it, every statement prepared once per connection and bounded by
/// `DB_TIMEOUT_MS`. Every write is one statement, so each is atomic without an explicit transaction; triggers from
/// the migrations notify other replicas of every change (`watchChanges`).
package final class PostgresStore: AccountStore {
    package var backendName: String { "postgres" }

    private let configuration: PostgresConfiguration
    private let conninfo: String
    private let logger: Logger
    /// Connections by the loop they live on. The lock is held only to find or add one, never across a query.
    private let connections = Mutex<[ObjectIdentifier: PostgresConnection]>([:])
    private let listener = Mutex<PostgresListener?>(nil)
    private let isClosed = Atomic<Bool>(false)

    /// The deadline of maintenance statements: migrations (which may wait for another replica's, behind
    /// `pg_advisory_lock`) and purge batches.
    private static let maintenanceTimeoutMilliseconds = 300_000
    /// An arbitrary constant naming the relay's migration lock among the database's advisory locks.
    private static let migrationLockKey = 0x6279_6f6b_7265_6c61  // "byokrela"
    /// The channel the triggers of migration 0001 notify, with the user id as payload.
    package static let invalidationChannel = "byok_relay_invalidate"

    /// A store for `conninfo` (a URL or key=value string); nothing connects until a loop needs it.
    package init(conninfo: String, timeout: Duration, logger: Logger) throws(StoreError) {
        let milliseconds = timeout.milliseconds
        do throws(PostgresError) {
            configuration = try PostgresConfiguration(conninfo: conninfo, timeoutMilliseconds: milliseconds)
        } catch {
            throw .cannotOpen(reason: "libpq cannot parse DATABASE_URL")
        }
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Closes every connection on its own loop (a stopped loop's connection is freed with the store).
    package func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let open = connections.withLock { connections in
            defer { connections = [:] }
            return Array(connections.values)
        }
        for connection in open {
            let bound = LoopBound(connection)
            connection.loop.execute { bound.value.close() }
        }
        if let listener = listener.withLock({ $0.take() }) {
            let bound = LoopBound(listener)
            listener.loop.execute { bound.value.close() }
        }
    }

    // MARK: Schema

    package func migrate() async throws(StoreError) -> [Int] {
        // A session of its own: the advisory lock is held by the session, and migrations may outlast DB_TIMEOUT_MS.
        let session = try maintenanceSession()
        defer { session.close() }
        return try await mapErrors { () throws(PostgresError) in
            try await session.execute(simple: "SELECT pg_advisory_lock(\(Self.migrationLockKey))")
            try await session.execute(
                simple: """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)
                    """
            )
            let current = try await Self.appliedVersion(session)
            var applied: [Int] = []
            for migration in Migration.pending(after: current, in: Migration.postgres) {
                let record = """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(migration.version), '\(migration.name)', \(WallClock.nowMilliseconds()));
                    """
                try await session.execute(simple: "BEGIN;\n\(migration.sql)\n\(record)\nCOMMIT;")
                applied.append(migration.version)
            }
            try await session.execute(simple: "SELECT pg_advisory_unlock(\(Self.migrationLockKey))")
            return applied
        }
    }

    package func schemaVersion() async throws(StoreError) -> Int {
        let connection = try connection()
        return try await mapErrors { () throws(PostgresError) in try await Self.appliedVersion(connection) }
    }

    private static func appliedVersion(_ connection: PostgresConnection) async throws(PostgresError) -> Int {
        let exists = try await connection.query(Statements.migrationTableExists)
        guard exists.bool(0, 0) == true else { return 0 }
        return Int(try await connection.query(Statements.schemaVersion).int64(0, 0) ?? 0)
    }

    // MARK: Users and tokens

    package func register(_ account: NewAccount) async throws(StoreError) {
        _ = try await run(
            Statements.register,
            [
                .text(account.userID), .text(account.appID), .integer(account.createdAt), .text(account.tokenDigest),
                .text(account.tokenKeyID), account.expiresAt.map { .integer($0) },
            ]
        )
    }

    package func account(tokenDigest: String) async throws(StoreError) -> Account? {
        let rows = try await run(Statements.account, [.text(tokenDigest)])
        guard rows.count > 0 else { return nil }
        var keys: [StoredKey] = []
        for row in 0..<rows.count {
            guard let provider = rows.string(row, 3) else { continue }
            keys.append(
                StoredKey(
                    provider: provider,
                    sealed: .init(nonce: rows.bytes(row, 5) ?? [], ciphertextAndTag: rows.bytes(row, 4) ?? []),
                    keyVersion: rows.string(row, 6) ?? ""
                )
            )
        }
        return Account(
            userID: rows.string(0, 0) ?? "",
            appID: rows.string(0, 1) ?? "",
            tokenDigest: tokenDigest,
            expiresAt: rows.int64(0, 2),
            keys: keys
        )
    }

    package func replaceTokenDigest(_ old: String, with new: String, keyID: String) async throws(StoreError) -> Bool {
        try await run(Statements.replaceTokenDigest, [.text(new), .text(keyID), .text(old)]).affectedRows == 1
    }

    package func revokeToken(digest: String, at time: Int64) async throws(StoreError) -> Bool {
        try await run(Statements.revokeToken, [.text(digest), .integer(time)]).affectedRows == 1
    }

    package func deleteUser(_ userID: String) async throws(StoreError) {
        // Tokens, keys and request records go with the user (ON DELETE CASCADE), in the same statement.
        _ = try await run(Statements.deleteUser, [.text(userID)])
    }

    // MARK: Keys

    package func putKey(_ key: StoredKey, userID: String, at time: Int64) async throws(StoreError) -> KeyWrite {
        do throws(StoreError) {
            let rows = try await run(
                Statements.putKey,
                [
                    .text(userID), .text(key.provider), .bytea(key.sealed.ciphertextAndTag), .bytea(key.sealed.nonce),
                    .text(key.keyVersion), .integer(time),
                ]
            )
            return rows.bool(0, 0) == true ? .replaced : .inserted
        } catch .failed(code: "23503") {
            // foreign_key_violation: the user is gone.
            return .userMissing
        }
    }

    package func deleteKey(provider: String, userID: String) async throws(StoreError) {
        _ = try await run(Statements.deleteKey, [.text(userID), .text(provider)])
    }

    package func keys(
        notUnder version: String,
        after position: KeyPosition?,
        limit: Int
    ) async throws(StoreError) -> [OwnedKey] {
        let rows = try await run(
            Statements.keysNotUnder,
            [
                .text(version), position.map { .text($0.userID) }, position.map { .text($0.provider) },
                .integer(Int64(limit)),
            ]
        )
        return (0..<rows.count).map { row in
            OwnedKey(
                userID: rows.string(row, 0) ?? "",
                key: StoredKey(
                    provider: rows.string(row, 1) ?? "",
                    sealed: .init(nonce: rows.bytes(row, 3) ?? [], ciphertextAndTag: rows.bytes(row, 2) ?? []),
                    keyVersion: rows.string(row, 4) ?? ""
                )
            )
        }
    }

    package func replaceKey(_ old: OwnedKey, with new: StoredKey, at time: Int64) async throws(StoreError) -> Bool {
        try await run(
            Statements.replaceKey,
            [
                .bytea(new.sealed.ciphertextAndTag), .bytea(new.sealed.nonce), .text(new.keyVersion), .integer(time),
                .text(old.userID), .text(old.key.provider), .bytea(old.key.sealed.nonce),
                .bytea(old.key.sealed.ciphertextAndTag),
            ]
        ).affectedRows == 1
    }

    // MARK: Secret check and status

    package func secretCheck() async throws(StoreError) -> SecretCheck? {
        let rows = try await run(Statements.secretCheck, [])
        guard rows.count > 0 else { return nil }
        return SecretCheck(
            sealed: .init(nonce: rows.bytes(0, 1) ?? [], ciphertextAndTag: rows.bytes(0, 0) ?? []),
            keyVersion: rows.string(0, 2) ?? ""
        )
    }

    package func insertSecretCheck(_ check: SecretCheck) async throws(StoreError) -> SecretCheck {
        _ = try await run(
            Statements.insertSecretCheck,
            [.bytea(check.sealed.ciphertextAndTag), .bytea(check.sealed.nonce), .text(check.keyVersion)]
        )
        return try await secretCheck() ?? check
    }

    package func replaceSecretCheck(_ check: SecretCheck) async throws(StoreError) {
        _ = try await run(
            Statements.replaceSecretCheck,
            [.bytea(check.sealed.ciphertextAndTag), .bytea(check.sealed.nonce), .text(check.keyVersion)]
        )
    }

    package func tokenDigestCounts(currentKeyID: String) async throws(StoreError) -> TokenDigestCounts {
        let rows = try await run(Statements.tokenDigestCounts, [.text(currentKeyID)])
        return TokenDigestCounts(total: Int(rows.int64(0, 0) ?? 0), current: Int(rows.int64(0, 1) ?? 0))
    }

    // MARK: Request records and statistics

    package func insertRecords(_ records: [RequestRecord]) async throws(StoreError) -> Int {
        let storable = records.filter(\.isStorable)
        guard !storable.isEmpty else { return 0 }
        let parameters: [PostgresValue?] = [
            .textArray(storable.map(\.userID)), .textArray(storable.map(\.appID)),
            .textArray(storable.map(\.provider)), .textArray(storable.map(\.model)),
            .integerArray(storable.map(\.storedStatus)), .integerArray(storable.map(\.storedLatency)),
            .integerArray(storable.map(\.createdAt)),
        ]
        return try await run(Statements.insertRecords, parameters).affectedRows
    }

    package func userStats(userID: String, now: Int64) async throws(StoreError) -> RequestStats {
        try await stats(Statements.userStats, scope: .text(userID), now: now)
    }

    package func appStats(appID: String, now: Int64) async throws(StoreError) -> RequestStats {
        try await stats(Statements.appStats, scope: .text(appID), now: now)
    }

    private func stats(_ statement: PreparedStatement, scope: PostgresValue, now: Int64) async throws(StoreError)
        -> RequestStats
    {
        let windows = RequestStats.windowStarts(now: now)
        let rows = try await run(statement, [scope, .integer(windows.last7Days), .integer(windows.last30Days)])
        return RequestStats(
            rows: (0..<rows.count).map { row in
                StatsRow(
                    kind: rows.string(row, 0) ?? "",
                    name: rows.string(row, 1),
                    total: Int(rows.int64(row, 2) ?? 0),
                    last7Days: Int(rows.int64(row, 3) ?? 0),
                    last30Days: Int(rows.int64(row, 4) ?? 0),
                    errors: Int(rows.int64(row, 5) ?? 0),
                    lastRequestAt: rows.int64(row, 6),
                    userCount: Int(rows.int64(row, 7) ?? 0)
                )
            }
        )
    }

    /// On a session of its own with a long deadline: a batch that scans a large table must neither be cut at
    /// `DB_TIMEOUT_MS` nor take the loop's shared connection (and the requests on it) down with it.
    package func purge(recordsBefore: Int64?, usersBefore: Int64?, limit: Int) async throws(StoreError) -> PurgeCounts {
        let session = try maintenanceSession()
        defer { session.close() }
        return try await mapErrors { () throws(PostgresError) -> PurgeCounts in
            var counts = PurgeCounts(records: 0, users: 0)
            if let recordsBefore {
                counts.records = try await session.query(
                    Statements.purgeRecords,
                    [.integer(recordsBefore), .integer(Int64(limit))]
                ).affectedRows
            }
            if let usersBefore {
                counts.users = try await session.query(
                    Statements.purgeUsers,
                    [.integer(usersBefore), .integer(Int64(limit))]
                ).affectedRows
            }
            return counts
        }
    }

    package func ping() async throws(StoreError) {
        _ = try await run(Statements.ping, [])
    }

    // MARK: Change notifications

    package func watchChanges(
        on loop: Loop,
        changed: @escaping @Sendable (String) -> Void,
        resynchronise: @escaping @Sendable () -> Void
    ) {
        let listener = PostgresListener(loop: loop, configuration: configuration, logger: logger)
        self.listener.withLock { $0 = listener }
        let bound = LoopBound(listener)
        loop.execute {
            let listener = bound.value
            listener.onNotification = { channel, payload in
                if channel == Self.invalidationChannel { changed(payload) }
            }
            listener.onReconnect = { resynchronise() }
            listener.listen(channels: [Self.invalidationChannel])
            listener.start()
        }
    }

    // MARK: Connections

    /// A separate connection on the calling loop with a deadline of minutes, for migrations and the purge.
    private func maintenanceSession() throws(StoreError) -> PostgresConnection {
        let loop = try currentLoop()
        do throws(PostgresError) {
            let configuration = try PostgresConfiguration(
                conninfo: conninfo,
                timeoutMilliseconds: Self.maintenanceTimeoutMilliseconds
            )
            return PostgresConnection(loop: loop, configuration: configuration, logger: logger)
        } catch {
            throw .cannotOpen(reason: "libpq cannot parse DATABASE_URL")
        }
    }

    private func currentLoop() throws(StoreError) -> Loop {
        guard !isClosed.load(ordering: .acquiring) else { throw .unavailable }
        // Every caller is a task on a loop; anything else is a programming error, refused rather than blocking.
        guard let loop = Loop.current else {
            logger.error("database call from a thread without an event loop; refused")
            assertionFailure("PostgresStore used off a loop")
            throw .unavailable
        }
        return loop
    }

    /// The calling loop's connection, made on first use.
    private func connection() throws(StoreError) -> PostgresConnection {
        let loop = try currentLoop()
        return connections.withLock { connections in
            if let existing = connections[ObjectIdentifier(loop)] { return existing }
            let made = PostgresConnection(loop: loop, configuration: configuration, logger: logger)
            connections[ObjectIdentifier(loop)] = made
            return made
        }
    }

    /// Runs `statement` on the calling loop's connection.
    func run(_ statement: PreparedStatement, _ parameters: [PostgresValue?]) async throws(StoreError)
        -> PostgresRows
    {
        let connection = try connection()
        return try await mapErrors { () throws(PostgresError) in try await connection.query(statement, parameters) }
    }

    private func mapErrors<Result>(_ body: () async throws(PostgresError) -> Result) async throws(StoreError) -> Result
    {
        do throws(PostgresError) {
            return try await body()
        } catch {
            switch error {
            case .unavailable, .connectionLost, .invalidConfiguration: throw .unavailable
            case .timeout: throw .timeout
            case .server(let sqlState, _): throw .failed(code: sqlState)
            case .protocolViolation: throw .failed(code: "protocol")
            }
        }
    }
}
