import Foundation
import RateLimit
import TestSupport
import Testing

/// The Lua script against a real Redis (`TEST_REDIS_URL`): the same table as the in-process algorithm, first on a
/// clock the test sets (the script's `TIME` lines swapped for an argument), then on Redis's own `TIME`.
@Suite(.enabled(if: TestRedis.port != nil, "TEST_REDIS_URL is not set (run scripts/test)"))
struct RedisScriptTests {
    /// The shipped script with Redis's clock replaced by the last argument, for tables on a known clock.
    static let clockedSource: String = {
        let source = RedisScript.source
        guard let start = source.range(of: "local time = redis.call('TIME')"),
            let end = source.range(of: "math.floor(tonumber(time[2]) / 1000)\n")
        else { return "" }
        return source.replacingCharacters(
            in: start.lowerBound..<end.upperBound,
            with: "local now = tonumber(ARGV[#ARGV])\n"
        )
    }()

    static func randomKey() -> RateLimitKey {
        RateLimitKey(high: UInt64.random(in: 1...UInt64.max), low: UInt64.random(in: 1...UInt64.max))
    }

    /// Runs `request` through the clocked script at `now`.
    static func run(_ client: RedisClient, _ request: RateLimitRequest, now: Int64) throws -> RateLimitDecision? {
        let arguments = RedisScript.evalArguments(sha: "", request)
        let integers = try client.integers(["EVAL", clockedSource] + arguments.dropFirst(2) + [String(now)])
        return integers.flatMap { RedisScript.decision($0, for: request) }
    }

    @Test func testClockedScriptIsTheShippedOneButForTheClock() {
        #expect(!Self.clockedSource.isEmpty)
        #expect(!Self.clockedSource.contains("TIME"))
    }

    /// Random traffic on two limits at once; every reply equals the Swift algorithm's verdicts, step by step.
    @Test(arguments: [UInt64(11), 12, 13])
    func testScriptMatchesTheAlgorithm(seed: UInt64) throws {
        let client = try RedisClient(port: TestRedis.port!)
        let key = Self.randomKey()
        let global = RateLimitPolicy(.global, limit: 9, windowMilliseconds: 1000)!
        let register = RateLimitPolicy(.register, limit: 4, windowMilliseconds: 3000)!
        let request = RateLimitRequest(RateLimitCheck(global, key: key), then: RateLimitCheck(register, key: key))
        var globalCounter = SlidingWindow.Counter.empty
        var registerCounter = SlidingWindow.Counter.empty
        var generator = SplitMix(seed: seed)
        var now: Int64 = 1_765_000_000_000 + Int64(generator.next() % 5000)
        var admissions = 0
        for _ in 0..<300 {
            now += Int64(generator.next() % 70)
            let expectedFirst = SlidingWindow.decide(&globalCounter, limit: 9, windowMilliseconds: 1000, now: now)
            let expectedSecond =
                expectedFirst.isAdmitted
                ? SlidingWindow.decide(&registerCounter, limit: 4, windowMilliseconds: 3000, now: now) : nil
            let decision = try #require(try Self.run(client, request, now: now))
            #expect(decision.first.outcome == expectedFirst)
            #expect(decision.second?.outcome == expectedSecond)
            #expect(decision.isShared)
            if decision.refusal == nil { admissions += 1 }
        }
        #expect(admissions > 10)
        // Keys expire by themselves after two windows.
        let ttl = try client.command(["PTTL", RedisScript.key(.register, key)])
        guard case .integer(let milliseconds) = ttl else { Issue.record("PTTL: \(ttl)"); return }
        #expect(milliseconds > 0 && milliseconds <= 6000)
    }

    @Test func testBoundaryTableOnTheScript() throws {
        let client = try RedisClient(port: TestRedis.port!)
        let policy = RateLimitPolicy(.global, limit: 100)!
        let request = RateLimitRequest(RateLimitCheck(policy, key: Self.randomKey()))
        func burst(_ count: Int, at now: Int64) throws -> Int {
            try (0..<count).filter { _ in try Self.run(client, request, now: now)?.refusal == nil }.count
        }
        let base: Int64 = 1_765_000_020_000 - 1_765_000_020_000 % 60_000
        #expect(try burst(100, at: base + 59_999) == 100)
        #expect(try burst(100, at: base + 60_000) == 0)
        #expect(try burst(100, at: base + 60_001) == 1)
        let refused = try #require(try Self.run(client, request, now: base + 60_001))
        #expect(refused.first.outcome == SlidingWindow.Outcome(isAdmitted: false, remaining: 0, resetMilliseconds: 600))
    }

    /// On Redis's own clock: exactly L from idle, remaining counting down, the next refused with a reset within two
    /// windows.
    @Test func testScriptOnRedisTime() throws {
        let client = try RedisClient(port: TestRedis.port!)
        let sha = try client.command(["SCRIPT", "LOAD", RedisScript.source])
        guard case .text(let digest) = sha else { Issue.record("SCRIPT LOAD: \(sha)"); return }
        let policy = RateLimitPolicy(.register, limit: 5)!
        let request = RateLimitRequest(RateLimitCheck(policy, key: Self.randomKey()))
        var remaining: [Int] = []
        for _ in 0..<5 {
            let integers = try #require(try client.integers(RedisScript.evalArguments(sha: digest, request)))
            let decision = try #require(RedisScript.decision(integers, for: request))
            #expect(decision.refusal == nil)
            remaining.append(decision.first.outcome.remaining)
        }
        #expect(remaining == [4, 3, 2, 1, 0])
        let integers = try #require(try client.integers(RedisScript.evalArguments(sha: digest, request)))
        let refused = try #require(RedisScript.decision(integers, for: request))
        #expect(refused.refusal != nil)
        #expect((1...7_200_000).contains(refused.first.outcome.resetMilliseconds))
    }

    @Test func testRepliesThatDoNotFitAreRejected() {
        let policy = RateLimitPolicy(.global, limit: 5)!
        let one = RateLimitRequest(RateLimitCheck(policy, key: Self.randomKey()))
        let two = RateLimitRequest(
            RateLimitCheck(policy, key: Self.randomKey()),
            then: RateLimitCheck(policy, key: Self.randomKey())
        )
        #expect(RedisScript.decision([1, 4, 100], for: one) != nil)
        #expect(RedisScript.decision([1, 4, 100, 1, 3, 5], for: one) == nil)
        #expect(RedisScript.decision([1, 4, 100], for: two) == nil)  // admitted, so a second verdict must follow
        #expect(RedisScript.decision([0, 0, 100], for: two) != nil)  // refused first: the second is undecided
        #expect(RedisScript.decision([2, 4, 100], for: one) == nil)
        #expect(RedisScript.decision([1, -1, 100], for: one) == nil)
        #expect(RedisScript.decision([1, 4, 0], for: one) == nil)
    }
}
