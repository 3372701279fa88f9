import EventLoop
import Foundation
import Glibc
import TestSupport
import Testing

@testable import Store

/// The shared throw-away server `scripts/test` starts; tests that need it fail without it.
enum SharedPostgres {
    static let url = TestDatabase.serverURL

    /// The shared server's configuration with `timeoutMilliseconds`.
    static func configuration(timeoutMilliseconds: Int = 5000) throws -> PostgresConfiguration {
        try PostgresConfiguration(conninfo: try #require(url), timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Host and port of the shared server's URL (`postgres://user@host:port/db`).
    static func hostAndPort() throws -> (host: String, port: String) {
        let url = try #require(url)
        let authority = try #require(url.split(separator: "@").last?.split(separator: "/").first)
        let parts = authority.split(separator: ":")
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "5432")
    }
}

/// Runs `body` with one started loop, stopped and joined afterwards.
func withLoop<Result>(_ body: (Loop) async throws -> Result) async throws -> Result {
    let workers = try WorkerGroup(count: 1)
    workers.start()
    defer {
        workers.stop()
        workers.join()
    }
    return try await body(workers.loops[0])
}

/// Runs `body` on `loop` (the task prefers it as executor, so the connection's loop checks hold).
func onLoop<Result>(_ loop: Loop, _ body: () async throws -> Result) async throws -> Result {
    try await withTaskExecutorPreference(loop) { try await body() }
}

/// A fresh schema name, so tests sharing the server never share tables.
func uniqueName(_ prefix: String) -> String {
    prefix + "_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
}

/// How long `body` took, on the monotonic clock.
func measure<Result>(_ body: () async throws -> Result) async rethrows -> (Result, Duration) {
    let start = ContinuousClock.now
    let result = try await body()
    return (result, start.duration(to: .now))
}

/// The error a throwing query produced, or nil when it succeeded.
func failure(_ body: () async throws -> Void) async -> PostgresError? {
    do {
        try await body()
        return nil
    } catch let error as PostgresError {
        return error
    } catch {
        Issue.record("not a PostgresError: \(error)")
        return nil
    }
}

/// Events pushed from loop callbacks, awaited by the test under a deadline.
final class EventInbox<Event: Sendable>: Sendable {
    private let stream: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream(of: Event.self) }

    func push(_ event: Event) { continuation.yield(event) }

    /// The next event, or nil when none arrives within `milliseconds`.
    func next(withinMilliseconds milliseconds: Int) async -> Event? {
        let stream = stream
        return await withTaskGroup(of: Event?.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(milliseconds))  // the deadline, not a wait for the event
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// A PostgreSQL server of a test's own, which it may stop and start again on the same port. Never the shared one.
/// A private server (TestSupport's `PostgresServer`) driven from async tests: its blocking tool runs happen on a
/// thread of their own, since blocking the test's cooperative threads would stall every other test.
final class PrivatePostgresServer: Sendable {
    private let server: PostgresServer
    var port: Int { server.port }
    var url: String { server.url }

    /// initdb in a fresh temporary directory, then start.
    static func make() async throws -> PrivatePostgresServer {
        PrivatePostgresServer(server: try await offThePool { try PostgresServer() })
    }

    private init(server: PostgresServer) {
        self.server = server
    }

    func start() async throws {
        try await Self.offThePool { [server] in try server.start() }
    }

    /// `pg_ctl stop -m immediate`: sessions end at once, as when the server crashes.
    func stopImmediately() async throws {
        try await Self.offThePool { [server] in try server.stopImmediately() }
    }

    /// Stops the server if it runs and removes its directory (blocking: for `defer`).
    func destroy() { server.destroy() }

    /// A loopback port nothing listens on.
    static func freePort() throws -> Int { try FreePort.loopback() }

    private static func offThePool<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws
        -> Result
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            Thread.detachNewThread { continuation.resume(with: Swift.Result { try body() }) }
        }
    }
}
