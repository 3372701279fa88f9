import Foundation
import Synchronization
import TestSupport
import Testing

/// The relay on PostgreSQL (CONTRACT.md E1, §8.5): replicas sharing one database, an outage and its recovery, and
/// what a dump of the database holds. Bounds are the contract's plus a stated slack for this 2-core machine.
@Suite struct RelayPostgresTests {
    /// Scheduling slack on a loaded 2-core machine (DESIGN.md §9).
    static let slack = 250

    @Test func testReplicasSeeEachOthersChangesWithinOneSecond() throws {
        let database = try TestDatabase.create()
        let first = try RelayProcess(environment: ["DATABASE_URL": database])
        let second = try RelayProcess(environment: ["DATABASE_URL": database])
        let token = try #require(try RelayRequests.register(port: first.port).token)
        // Issued on one replica, valid on the other at once (§8.5), and now cached there.
        #expect(try RelayRequests.providers(port: second.port, token: token) == [])

        #expect(
            try RelayRequests.storeKey(port: first.port, token: token, provider: "openai", key: "sk-0123456789abc")
                .status == 200
        )
        let stored = try Eventually.within(milliseconds: 1000 + Self.slack) {
            try RelayRequests.providers(port: second.port, token: token) == ["openai"]
        }
        #expect(stored != nil, "a stored key must reach the other replica's cache within 1 s")

        #expect(
            try RelayRequests.send(port: first.port, "DELETE", "/keys/openai", headers: [("x-relay-token", token)])
                .status == 200
        )
        let deleted = try Eventually.within(milliseconds: 1000 + Self.slack) {
            try RelayRequests.providers(port: second.port, token: token) == []
        }
        #expect(deleted != nil, "a deleted key must be gone on the other replica within 1 s")

        #expect(
            try RelayRequests.send(port: first.port, "POST", "/tokens/revoke", headers: [("x-relay-token", token)])
                .status == 200
        )
        let revoked = try Eventually.within(milliseconds: 1000 + Self.slack) {
            try RelayRequests.send(port: second.port, "GET", "/keys", headers: [("x-relay-token", token)]).status == 401
        }
        #expect(revoked != nil, "a revoked token must be refused by the other replica within 1 s")

        let erased = try #require(try RelayRequests.register(port: second.port).token)
        #expect(try RelayRequests.providers(port: first.port, token: erased) == [])
        #expect(
            try RelayRequests.send(port: second.port, "DELETE", "/users", headers: [("x-relay-token", erased)]).status
                == 200
        )
        let gone = try Eventually.within(milliseconds: 1000 + Self.slack) {
            try RelayRequests.send(port: first.port, "GET", "/keys", headers: [("x-relay-token", erased)]).status == 401
        }
        #expect(gone != nil, "a deleted user must be refused by the other replica within 1 s")
    }

    @Test func testOutageAnswers503WithinTheDeadlineServesCachedTokensAndRecovers() throws {
        let server = try PostgresServer()
        let timeout = 500
        let relay = try RelayProcess(environment: ["DATABASE_URL": server.url, "DB_TIMEOUT_MS": "\(timeout)"])
        // No write for this user after the lookup that caches it: the NOTIFY echo of a key write would reach this
        // replica's listener a moment later and (correctly) drop the entry.
        let cached = try #require(try RelayRequests.register(port: relay.port).token)
        #expect(try RelayRequests.providers(port: relay.port, token: cached) == [])
        let uncached = try #require(try RelayRequests.register(port: relay.port).token)

        try server.stopImmediately()
        for _ in 0..<3 {
            let (registration, elapsed) = try Eventually.timed { try RelayRequests.register(port: relay.port).response }
            #expect(registration.status == 503)
            #expect(registration.bodyText == #"{"error":"Database unavailable. Please retry."}"#)
            #expect(registration.header("retry-after") == "2")
            #expect(elapsed <= timeout + Self.slack, "503 must come within DB_TIMEOUT_MS (took \(elapsed) ms)")
            let (lookup, lookupElapsed) = try Eventually.timed {
                try RelayRequests.send(port: relay.port, "GET", "/keys", headers: [("x-relay-token", uncached)])
            }
            #expect(lookup.status == 503 && lookupElapsed <= timeout + Self.slack)
        }
        // A token this replica has cached keeps working during the outage (E1).
        #expect(try RelayRequests.providers(port: relay.port, token: cached) == [])
        // Readiness stays 200 and reports the database (E6); /health turns 503 (§9.1).
        let reported = try Eventually.within(milliseconds: 2000 + 1000 + Self.slack) {
            let readiness = try RelayRequests.send(port: relay.port, "GET", "/readyz")
            return readiness.status == 200 && readiness.bodyText.contains(#""db":{"ok":false,"backend":"postgres"}"#)
        }
        #expect(reported != nil)
        let health = try RelayRequests.send(port: relay.port, "GET", "/health")
        #expect(health.status == 503 && health.bodyText.contains(#""db":{"ok":false,"error":"Database unreachable"}"#))

        try server.start()
        let recovered = try Eventually.within(milliseconds: 10_000, every: 0.1) {
            try RelayRequests.register(port: relay.port).token != nil
        }
        #expect(recovered != nil, "the relay must reconnect by itself")
        // Each worker's connection reconnects on its own schedule; the longest backoff step is 2 s.
        let everyWorker = try Eventually.within(milliseconds: 2000 + Self.slack) {
            try (0..<4).allSatisfy { _ in try RelayRequests.providers(port: relay.port, token: uncached) == [] }
        }
        #expect(everyWorker != nil)
        // /health follows the first loop's ping (every 1 s): its connection may still be in its last backoff step
        // (≤ 2 s from the restart) when the requests above landed on the other worker, then the next ping.
        let healthy = try Eventually.within(milliseconds: 2000 + 1000 + Self.slack) {
            try RelayRequests.send(port: relay.port, "GET", "/health").status == 200
        }
        #expect(healthy != nil)
    }

    @Test func testRelayStartsWhileTheDatabaseIsDownAndBecomesReadyWhenItComesUp() throws {
        let server = try PostgresServer()
        try server.stopImmediately()
        // A database deadline well above the /metrics bound below, so that bound shows /metrics never waits on it.
        let started = StartInBackground(environment: ["DATABASE_URL": server.url, "DB_TIMEOUT_MS": "2000"])
        let port = try #require(started.waitForListening())
        // Listening but starting: /readyz 503, other routes 503 `Relay is starting` (E6).
        let readiness = try RelayRequests.send(port: port, "GET", "/readyz")
        #expect(readiness.status == 503 && readiness.bodyText.contains(#""starting":true"#))
        #expect(try RelayRequests.register(port: port).response.status == 503)
        // /metrics answers while starting, without waiting for the database.
        let (metrics, milliseconds) = try Eventually.timed { try RelayRequests.send(port: port, "GET", "/metrics") }
        #expect(metrics.status == 200 && metrics.bodyText.contains("byok_relay_build_info"))
        #expect(milliseconds < 100 + Self.slack)
        try server.start()
        let relay = try #require(started.waitForReady())
        #expect(try RelayRequests.register(port: relay.port).token != nil)
    }

    @Test func testReplicasStartingTogetherMigrateOnce() throws {
        let database = try TestDatabase.create()
        let relays = Mutex<[Result<RelayProcess, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let started = Result { try RelayProcess(environment: ["DATABASE_URL": database]) }
            relays.withLock { $0.append(started) }
        }
        let started = try relays.withLock { try $0.map { try $0.get() } }
        #expect(started.count == 3)
        // The advisory lock made the others wait and then find the schema current: one row per migration.
        let versions = try TestDatabase.psql(database, "SELECT string_agg(version::text, ',') FROM schema_migrations")
        #expect(versions == "1\n")
        let applied = started.filter { $0.standardOutput.contains(#""msg":"migrations applied""#) }
        #expect(applied.count == 1)
        let token = try #require(try RelayRequests.register(port: started[0].port).token)
        #expect(try RelayRequests.providers(port: started[2].port, token: token) == [])
    }

    @Test func testDatabaseDumpHoldsNoKeyAndNoToken() throws {
        let database = try TestDatabase.create()
        let relay = try RelayProcess(environment: ["DATABASE_URL": database])
        let token = try #require(try RelayRequests.register(port: relay.port).token)
        let key = "sk-PLAINTEXT-CANARY-\(UUID().uuidString)"
        #expect(try RelayRequests.storeKey(port: relay.port, token: token, provider: "openai", key: key).status == 200)
        let dump = try TestDatabase.dump(database)
        #expect(dump.contains("provider_keys"))
        #expect(!dump.contains(key) && !dump.contains("PLAINTEXT-CANARY"))
        #expect(!dump.contains(token) && !dump.contains(String(token.dropFirst(3))))
        #expect(!relay.standardOutput.contains(key) && !relay.standardOutput.contains(token))
    }
}

/// Starts a relay whose start-up cannot finish yet (database down), so `RelayProcess.init`, which waits for
/// `ready`, is run on a background thread.
private final class StartInBackground: @unchecked Sendable {
    // Sendable: `relay` and `error` are written by the background thread before `done` is signalled, read after.
    private var relay: RelayProcess?
    private var error: (any Error)?
    private let done = DispatchSemaphore(value: 0)
    private let listeningPort: @Sendable () -> Int?

    init(environment: [String: String]) {
        let box = PortBox()
        listeningPort = { box.port }
        Thread.detachNewThread { [self] in
            do {
                relay = try RelayProcess(environment: environment, timeout: 30, listening: { box.port = $0 })
            } catch {
                self.error = error
            }
            done.signal()
        }
    }

    /// The port once the relay logged `listening` (within 10 s).
    func waitForListening() -> Int? {
        var port: Int?
        _ = Eventually.within(milliseconds: 10_000) {
            port = listeningPort()
            return port != nil
        }
        return port
    }

    /// The relay once it logged `ready` (within 30 s).
    func waitForReady() -> RelayProcess? {
        guard done.wait(timeout: .now() + 30) == .success else { return nil }
        return relay
    }
}

private final class PortBox: Sendable {
    private let value = Mutex<Int?>(nil)

    var port: Int? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
