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

    private func makeStore(timeout: Duration) async throws -> any AccountStore {
        switch self {
        case .sqlite:
            let directory = NSTemporaryDirectory() + "byok-relay-store-\(UUID().uuidString)"
            return try SQLiteStore(path: directory + "/relay.db", timeout: timeout)
        case .postgres:
            let conninfo = try TestDatabase.create()
            return try PostgresStore(conninfo: conninfo, timeout: timeout, logger: Logger(threshold: .silent))
        }
    }
}
