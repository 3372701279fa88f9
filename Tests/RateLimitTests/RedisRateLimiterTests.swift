import EventLoop
import Foundation
import RateLimit
import Synchronization
import TestSupport
import Testing

/// The Redis limiter on real loops against real Redis servers: shared counting, the handshake (AUTH, SELECT), the
/// deadline and degraded mode, recovery, NOSCRIPT.
@Suite(.serialized) struct RedisRateLimiterTests {
    /// Worker loops with one Redis limiter each, all on one service (as in the relay).
    final class Rig: Sendable {
        let workers: WorkerGroup
        let service: RateLimitService
        private let limiters = Mutex<[Int: LoopBound<any RateLimiter>]>([:])

        init(url: String, timeoutMilliseconds: Int = 50, loops: Int = 2) throws {
            workers = try WorkerGroup(count: loops)
            workers.start()
            let keys = try RateLimitKeyMaker(encryptionSecret: "secret-\(UUID().uuidString)", salt: "salt")
            service = RateLimitService(
                global: 5,
                relay: 0,
                register: 0,
                healthDeep: 0,
                keys: keys,
                redis: .init(endpoint: RedisEndpoint(url: url)!, timeoutMilliseconds: timeoutMilliseconds),
                logger: nil
            )
            for loop in workers.loops {
                let made = DispatchSemaphore(value: 0)
                loop.execute { [self] in
                    let limiter = service.makeLimiter(on: loop)
                    limiters.withLock { $0[loop.index] = LoopBound(limiter) }
                    made.signal()
                }
                made.wait()
            }
        }

        /// Closes the Redis connections on their loops, then stops the loops. Tests call it last; a test that ends
        /// early leaves its loops running until the process exits.
        func shutDown() async {
            await service.close(on: workers.loops)
            workers.stop()
            workers.join()
        }

        /// One request for `identity` on loop `index`, and how long it took on the loop (milliseconds).
        func decide(_ identity: String, onLoop index: Int = 0) async -> (RateLimitDecision, Double) {
            let loop = workers.loops[index % workers.loops.count]
            let check = RateLimitRequest(RateLimitCheck(service.global!, key: service.keys.key(for: identity)))
            let bound = limiters.withLock { $0[loop.index]! }
            return await withCheckedContinuation { continuation in
                loop.execute {
                    let started = MonotonicClock.nowNanoseconds()
                    let finish = { (decision: RateLimitDecision) in
                        let elapsed = Double(MonotonicClock.nowNanoseconds() - started) / 1_000_000
                        continuation.resume(returning: (decision, elapsed))
                    }
                    if let decision = bound.value.immediateDecision(check) { return finish(decision) }
                    bound.value.decide(check, completion: finish)
                }
            }
        }

        /// Waits (polling, bounded) until the service reports `mode`.
        func await(_ mode: RateLimitService.Mode, milliseconds: Int = 10_000) -> Bool {
            Eventually.within(milliseconds: milliseconds) { service.mode == mode } != nil
        }

        /// Waits until both loops decide in Redis again (each loop reconnects on its own).
        func awaitShared(_ identity: String) async -> Bool {
            for _ in 0..<500 {
                var shared = true
                for index in workers.loops.indices where !(await decide(identity, onLoop: index).0.isShared) {
                    shared = false
                }
                if shared { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
    }

    @Test(.enabled(if: TestRedis.url != nil)) func testLoopsShareOneCounter() async throws {
        RateLimitBuckets.awaitRoom()
        let rig = try Rig(url: TestRedis.url!, timeoutMilliseconds: 1000)
        #expect(rig.await(.shared))
        var admitted = 0
        for index in 0..<12 {
            let (decision, _) = await rig.decide("192.0.2.10", onLoop: index)
            #expect(decision.isShared)
            if decision.refusal == nil { admitted += 1 }
        }
        #expect(admitted == 5)
        await rig.shutDown()
    }

    @Test func testAuthenticationAndDatabaseFromTheURL() async throws {
        RateLimitBuckets.awaitRoom()
        let server = try RedisServer(arguments: ["--requirepass", "s3cr@t"])
        let admin = try RedisClient(port: server.port)
        #expect(try admin.command(["AUTH", "s3cr@t"]) == .text("OK"))
        #expect(try admin.command(["ACL", "SETUSER", "relay", "on", ">p@ss:word", "~*", "+@all"]) == .text("OK"))
        for url in [
            "redis://:s3cr%40t@127.0.0.1:\(server.port)/3", "redis://relay:p%40ss%3Aword@127.0.0.1:\(server.port)/3",
        ] {
            let rig = try Rig(url: url, timeoutMilliseconds: 1000)
            let (decision, _) = await rig.decide("192.0.2.11")
            #expect(decision.isShared, "\(url)")
            await rig.shutDown()
        }
        #expect(try admin.command(["SELECT", "3"]) == .text("OK"))
        guard case .array(let keys) = try admin.command(["KEYS", "{byok-rl}:*"]) else { Issue.record("KEYS"); return }
        #expect(keys.count == 2)  // one per URL: each rig has its own secret
        // A wrong password: every call is judged in process, at once.
        let wrong = try Rig(url: "redis://:nope@127.0.0.1:\(server.port)")
        #expect(wrong.await(.degraded))
        let (decision, _) = await wrong.decide("192.0.2.11")
        #expect(!decision.isShared)
        await wrong.shutDown()
    }

    /// A hung Redis (SIGSTOP): no call waits longer than the deadline plus slack; calls are judged in process
    /// (counted locally); the service reports degraded; once Redis runs again the limits are shared again.
    @Test func testDeadlineDegradedModeAndRecovery() async throws {
        RateLimitBuckets.awaitRoom()
        let server = try RedisServer()
        let rig = try Rig(url: server.url, timeoutMilliseconds: 50)
        #expect(rig.await(.shared))
        #expect(await rig.decide("192.0.2.12").0.isShared)
        server.pause()
        var admitted = 0
        for index in 0..<12 {
            let (decision, elapsed) = await rig.decide("192.0.2.12", onLoop: index)
            #expect(elapsed < 50 + 250, "call \(index) took \(elapsed) ms")
            #expect(!decision.isShared)
            if decision.refusal == nil { admitted += 1 }
        }
        #expect(admitted == 5)  // the in-process counters, which never saw the shared request
        #expect(rig.service.mode == .degraded)
        server.resume()
        #expect(await rig.awaitShared("192.0.2.99"))
        #expect(rig.await(.shared))
        // Redis gone entirely (connections reset), then back empty on the same port.
        server.stop()
        for index in 0..<4 {
            let (decision, elapsed) = await rig.decide("192.0.2.13", onLoop: index)
            #expect(elapsed < 50 + 250)
            #expect(!decision.isShared)
        }
        #expect(rig.await(.degraded))
        try server.start()
        #expect(await rig.awaitShared("192.0.2.98"))
        var sharedAdmissions = 0
        for index in 0..<8 where await rig.decide("192.0.2.14", onLoop: index).0.refusal == nil {
            sharedAdmissions += 1
        }
        #expect(sharedAdmissions == 5)
        await rig.shutDown()
    }

    @Test func testFlushedScriptIsLoadedAgain() async throws {
        RateLimitBuckets.awaitRoom()
        let server = try RedisServer()
        let rig = try Rig(url: server.url, timeoutMilliseconds: 1000, loops: 1)
        #expect(await rig.decide("192.0.2.15").0.isShared)
        #expect(try RedisClient(port: server.port).command(["SCRIPT", "FLUSH"]) == .text("OK"))
        let (decision, _) = await rig.decide("192.0.2.15")
        #expect(decision.isShared)
        #expect(decision.first.outcome.remaining == 3)
        #expect(rig.service.mode == .shared)
        await rig.shutDown()
    }

    @Test func testEndpointParsing() {
        #expect(RedisEndpoint(url: "redis://localhost") == RedisEndpoint(host: "localhost"))
        #expect(
            RedisEndpoint(url: "redis://u:p%40ss@redis.internal:6380/2")
                == RedisEndpoint(host: "redis.internal", port: 6380, username: "u", password: "p@ss", database: 2)
        )
        #expect(RedisEndpoint(url: "redis://:pw@[::1]:7000") == RedisEndpoint(host: "::1", port: 7000, password: "pw"))
        #expect(RedisEndpoint(url: "REDIS://secret@h/") == RedisEndpoint(host: "h", password: "secret"))
        #expect(RedisEndpoint(url: "http://h") == nil)
    }

    @Test func testMovedReplyNamesTheNode() {
        #expect(RedisReply.error("MOVED 3999 10.0.0.5:6381").movedAddress! == ("10.0.0.5", 6381))
        #expect(RedisReply.error("MOVED 3999 [fd00::5]:6381").movedAddress! == ("fd00::5", 6381))
        #expect(RedisReply.error("MOVED 3999 ?:6381").movedAddress == nil)
        #expect(RedisReply.error("NOSCRIPT No matching script").errorCode == "NOSCRIPT")
    }
}
