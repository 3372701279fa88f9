import RateLimit
import Synchronization
import Testing

/// The algorithm of CONTRACT.md §7.4 on an injected clock: the guarantees the contract states, and the header
/// values of §7.3.
@Suite struct SlidingWindowTests {
    /// A limiter on a manual clock, one identity.
    final class Harness: Sendable {
        let clock = ManualClock()
        let limiter: InProcessRateLimiter
        let policy: RateLimitPolicy
        let key = RateLimitKey(high: 1, low: 2)

        init(limit: Int, windowMilliseconds: Int64 = 60_000, start: Int64 = 0) {
            let clock = clock
            clock.now.store(start, ordering: .relaxed)
            limiter = InProcessRateLimiter { clock.now.load(ordering: .relaxed) }
            policy = RateLimitPolicy(.global, limit: limit, windowMilliseconds: windowMilliseconds)!
        }

        func at(_ time: Int64) -> Harness {
            clock.now.store(time, ordering: .relaxed)
            return self
        }

        func request() -> SlidingWindow.Outcome {
            limiter.decision(RateLimitRequest(RateLimitCheck(policy, key: key))).first.outcome
        }

        /// How many of `count` requests at the current time are admitted.
        func burst(_ count: Int) -> Int {
            (0..<count).filter { _ in request().isAdmitted }.count
        }
    }

    @Test(arguments: [1, 5, 20, 100], [Int64(0), 12_345, 59_999])
    func testExactlyTheLimitIsAdmittedFromIdle(limit: Int, start: Int64) {
        let harness = Harness(limit: limit, start: start)
        for expectedRemaining in stride(from: limit - 1, through: 0, by: -1) {
            let outcome = harness.request()
            #expect(outcome.isAdmitted)
            #expect(outcome.remaining == expectedRemaining)
        }
        let refused = harness.request()
        #expect(!refused.isAdmitted)
        #expect(refused.remaining == 0)
        #expect(refused.resetSeconds >= 1)
    }

    @Test func testRefusedRequestsAreNotCounted() {
        let harness = Harness(limit: 10, windowMilliseconds: 1000)
        #expect(harness.burst(10) == 10)
        for time in stride(from: Int64(0), to: 1000, by: 10) { #expect(harness.at(time).burst(5) == 0) }
        // Half-way through the next bucket the previous one weighs 10 × 0.5 = 5: five more, whatever was refused.
        #expect(harness.at(1500).burst(20) == 5)
    }

    @Test func testBurstAcrossABucketBoundaryAdmitsAlmostNothingMore() {
        let harness = Harness(limit: 100)
        #expect(harness.at(59_999).burst(100) == 100)
        #expect(harness.at(60_000).burst(100) == 0)  // estimate 100 × 60000/60000 = 100
        #expect(harness.at(60_001).burst(100) == 1)  // 100 × 59999/60000 = 99.998
        #expect(harness.at(60_600).burst(100) == 0)  // 100 × 0.99 + 1 = 100
    }

    @Test func testRetryAfterIsWhenARetryIsAdmitted() {
        // Bucket 0 full; in bucket 1 the estimate falls below L at 60 001 ms.
        let harness = Harness(limit: 2)
        #expect(harness.burst(2) == 2)
        let refused = harness.request()
        #expect(refused == SlidingWindow.Outcome(isAdmitted: false, remaining: 0, resetMilliseconds: 60_001))
        #expect(refused.resetSeconds == 61)
        #expect(!harness.at(60_000).request().isAdmitted)
        #expect(harness.at(60_001).request().isAdmitted)
    }

    @Test func testResetCountsTheSlidingPreviousBucket() {
        let harness = Harness(limit: 10, windowMilliseconds: 1000)
        #expect(harness.burst(10) == 10)
        // At 1500 ms: 10 × 0.5 + c; five admitted, the last leaves no headroom, which grows 10 per millisecond.
        let outcomes = (0..<6).map { _ in harness.at(1500).request() }
        #expect(outcomes.map(\.isAdmitted) == [true, true, true, true, true, false])
        #expect(outcomes.map(\.remaining) == [4, 3, 2, 1, 0, 0])
        #expect(outcomes[5].resetMilliseconds == 1)
        #expect(outcomes[5].resetSeconds == 1)
        // A first request in a fresh bucket: the count only starts to slide out after the boundary.
        let fresh = Harness(limit: 10, windowMilliseconds: 1000)
        #expect(fresh.request() == SlidingWindow.Outcome(isAdmitted: true, remaining: 9, resetMilliseconds: 1001))
    }

    @Test func testRemainingNeverExceedsWhatIsThenAdmitted() {
        let harness = Harness(limit: 7, windowMilliseconds: 1000)
        var generator = SplitMix(seed: 7)
        var time: Int64 = 0
        var checked = 0
        for _ in 0..<400 {
            time += Int64(generator.next() % 120)
            let outcome = harness.at(time).request()
            // A burst at the same moment admits exactly `remaining` more.
            if outcome.isAdmitted {
                #expect(harness.burst(outcome.remaining + 3) == outcome.remaining)
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    /// §7.4: over any interval of length d ≤ W at most L + ⌈L·d/W⌉ admissions; from a bucket boundary at most L.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func testErrorBoundHoldsForEveryInterval(seed: UInt64) {
        let limit = 12
        let window: Int64 = 1000
        let harness = Harness(limit: limit, windowMilliseconds: window)
        var generator = SplitMix(seed: seed)
        var admitted: [Int64] = []
        var time: Int64 = Int64(generator.next() % 1000)
        while time < 6 * window {
            let burst = Int(generator.next() % 6)
            for _ in 0..<burst where harness.at(time).request().isAdmitted { admitted.append(time) }
            time += Int64(generator.next() % 90)
        }
        #expect(admitted.count > 3 * limit)
        for (index, start) in admitted.enumerated() {
            for length in stride(from: Int64(1), through: window, by: 7) {
                let count = admitted[index...].prefix { $0 < start + length }.count
                let bound = limit + Int((Int64(limit) * length + window - 1) / window)
                #expect(count <= bound, "interval [\(start), \(start + length)) admitted \(count) > \(bound)")
            }
        }
        for boundary in stride(from: Int64(0), to: 6 * window, by: Int64.Stride(window)) {
            for length in [window / 4, window / 2, window] {
                let count = admitted.filter { $0 >= boundary && $0 < boundary + length }.count
                #expect(count <= limit)
            }
        }
    }

    @Test func testLimitsDecideInOrderAndARefusalStopsTheNext() {
        let harness = Harness(limit: 1)
        let register = RateLimitPolicy(.register, limit: 5)!
        let request = RateLimitRequest(
            RateLimitCheck(harness.policy, key: harness.key),
            then: RateLimitCheck(register, key: harness.key)
        )
        let first = harness.limiter.decision(request)
        #expect(first.refusal == nil)
        #expect(first.second?.outcome.remaining == 4)
        #expect(first.reported.policy.kind == .register)  // the narrower limit's headers
        let second = harness.limiter.decision(request)
        #expect(second.refusal?.policy.kind == .global)
        #expect(second.second == nil)  // never reached, never counted
        #expect(
            harness.limiter.decision(RateLimitRequest(RateLimitCheck(register, key: harness.key))).first.outcome
                .remaining == 3
        )
    }

    @Test func testPolicyHeaders() {
        #expect(RateLimitPolicy(.relay, limit: 20)?.policyHeader == "20;w=60")
        #expect(RateLimitPolicy(.register, limit: 10)?.policyHeader == "10;w=3600")
        #expect(RateLimitPolicy(.global, limit: 0) == nil)  // 0 is off
    }

    @Test func testExpiredCountersAreDropped() {
        let clock = ManualClock()
        let limiter = InProcessRateLimiter { clock.now.load(ordering: .relaxed) }
        let policy = RateLimitPolicy(.global, limit: 5, windowMilliseconds: 1000)!
        for index in 0..<UInt64(20_000) {
            _ = limiter.decision(RateLimitRequest(RateLimitCheck(policy, key: RateLimitKey(high: index, low: index))))
        }
        #expect(limiter.counterCount == 20_000)
        clock.now.store(10_000, ordering: .relaxed)
        for index in 0..<UInt64(20_000) {
            let key = RateLimitKey(high: index, low: index &+ 1_000_000)
            _ = limiter.decision(RateLimitRequest(RateLimitCheck(policy, key: key)))
        }
        // Each shard swept its expired counters as it grew: far fewer than all 40 000 remain.
        #expect(limiter.counterCount < 30_000)
    }
}

/// Milliseconds set by the test.
final class ManualClock: Sendable {
    let now = Atomic<Int64>(0)
}

/// A small deterministic generator (SplitMix64), so failures repeat.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
