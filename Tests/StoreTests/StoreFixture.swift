import EventLoop
import Foundation
import Store
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

/// Fresh PostgreSQL databases on the shared test server, made with `psql` (part of the `postgresql` package).
enum TestDatabase {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// The server's URL; `scripts/test` always sets it.
    static var serverURL: String? { ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] }

    /// Creates a database with a unique name and returns its URL.
    static func create() throws -> String {
        guard let server = serverURL else { throw Unavailable(description: "TEST_DATABASE_URL is not set (run scripts/test)") }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(server, "CREATE DATABASE \(name)")
        guard let slash = server.lastIndex(of: "/") else { throw Unavailable(description: "TEST_DATABASE_URL has no database") }
        return String(server[...slash]) + name
    }

    /// Runs one statement with `psql`; throws with its error output on failure.
    static func psql(_ url: String, _ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Unavailable(description: "psql failed: \(text)")
        }
    }
}
