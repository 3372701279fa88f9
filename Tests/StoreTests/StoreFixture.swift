import EventLoop
import Foundation
import Store
import TestSupport
import Testing

/// The backends every store test runs against: a fresh SQLite file, and a fresh PostgreSQL database on the server
/// `scripts/test` started (`TEST_DATABASE_URL`). Each test gets its own database, so tests run in parallel.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// One loop shared by the store tests: PostgreSQL connections belong to the loop whose task uses them.
    static let workers: WorkerGroup = {
        let workers = try! WorkerGroup(count: 1)
        workers.start()
        return workers
    }()

    /// Runs `body` as a task on the test loop against a new, migrated store, then closes it.
    func withStore<Result: Sendable>(
        timeout: Duration = .seconds(2),
        _ body: @escaping @Sendable (any AccountStore) async throws -> Result
    ) async throws -> Result {
        let store = try await makeStore(timeout: timeout)
        let task = Task(executorPreference: Self.workers.loops[0]) {
            defer { store.close() }
            _ = try await store.migrate()
            return try await body(store)
        }
        return try await task.value
    }

    /// Like `withStore`, with two stores on one new database: separate connections, as two processes or replicas
    /// have. The first is migrated.
    func withTwoStores<Result: Sendable>(
        _ body: @escaping @Sendable (any AccountStore, any AccountStore) async throws -> Result
    ) async throws -> Result {
        let location = try makeLocation()
        let first = try makeStore(at: location, timeout: .seconds(2))
        let second = try makeStore(at: location, timeout: .seconds(2))
        let task = Task(executorPreference: Self.workers.loops[0]) {
            defer {
                first.close()
                second.close()
            }
            _ = try await first.migrate()
            return try await body(first, second)
        }
        return try await task.value
    }

    private func makeStore(timeout: Duration) async throws -> any AccountStore {
        try makeStore(at: try makeLocation(), timeout: timeout)
    }

    /// A new SQLite path or PostgreSQL database.
    private func makeLocation() throws -> String {
        switch self {
        case .sqlite: NSTemporaryDirectory() + "byok-relay-store-\(UUID().uuidString)/relay.db"
        case .postgres: try TestDatabase.create()
        }
    }

    private func makeStore(at location: String, timeout: Duration) throws -> any AccountStore {
        switch self {
        case .sqlite: try SQLiteStore(path: location, timeout: timeout)
        case .postgres: try PostgresStore(conninfo: location, timeout: timeout, logger: Logger(threshold: .silent))
        }
    }
}
