import EventLoop
import Synchronization

/// The limits in process memory (CONTRACT.md §7.5): shared by every worker loop of the process, the default
/// without `REDIS_URL` and the fallback while Redis is unreachable (E2).
///
/// Counters live in `shardCount` dictionaries, each behind its own `Mutex`, chosen by the key's low bits; a
/// critical section is one dictionary lookup and a few integer operations (DESIGN.md §3). Memory stays bounded by
/// the identities seen in the last two windows: a shard drops its expired counters whenever it has grown to twice
/// the size it had after its last sweep.
package final class InProcessRateLimiter: RateLimiter, Sendable {
    /// Shards; a power of two.
    package static let shardCount = 64
    private static let minimumSweepSize = 256

    private let shards: [Shard]
    private let clock: @Sendable () -> Int64

    /// `clock` gives milliseconds; any origin will do (monotonic by default), since buckets only need to be
    /// consistent within one process. Tests inject a manual one.
    package init(clock: @escaping @Sendable () -> Int64 = InProcessRateLimiter.monotonicMilliseconds) {
        self.clock = clock
        shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    /// Milliseconds of the monotonic clock.
    package static func monotonicMilliseconds() -> Int64 {
        Int64(MonotonicClock.nowNanoseconds() / 1_000_000)
    }

    package func immediateDecision(_ request: RateLimitRequest) -> RateLimitDecision? {
        decision(request)
    }

    package func decide(_ request: RateLimitRequest, completion: @escaping (RateLimitDecision) -> Void) {
        completion(decision(request))
    }

    package func close() {}

    /// Checks and counts `request` now.
    package func decision(_ request: RateLimitRequest) -> RateLimitDecision {
        let now = clock()
        let first = verdict(request.first, now: now)
        let second = first.isAdmitted ? request.second.map { verdict($0, now: now) } : nil
        return RateLimitDecision(first, then: second, isShared: false)
    }

    /// Counters held now, over every shard (for tests of the bounded memory).
    package var counterCount: Int {
        shards.reduce(0) { total, shard in total + shard.counters.withLock { $0.entries.count } }
    }

    private func verdict(_ check: RateLimitCheck, now: Int64) -> RateLimitVerdict {
        let policy = check.policy
        let key = ShardKey(kind: UInt8(policy.kind.rawValue), key: check.key)
        let shard = shards[Int(truncatingIfNeeded: check.key.low) & (Self.shardCount - 1)]
        let outcome = shard.counters.withLock { state in
            let decide = { (counter: inout SlidingWindow.Counter) in
                SlidingWindow.decide(
                    &counter,
                    limit: policy.limit,
                    windowMilliseconds: policy.windowMilliseconds,
                    now: now
                )
            }
            if let index = state.entries.index(forKey: key) {
                return decide(&state.entries.values[index].counter)
            }
            // A refusal of an unknown identity changes nothing, so only an admission adds an entry.
            var counter = SlidingWindow.Counter.empty
            let outcome = decide(&counter)
            if counter != .empty {
                state.entries[key] = Entry(counter: counter, windowMilliseconds: policy.windowMilliseconds)
                if state.entries.count >= state.sweepAt { state.sweep(now: now) }
            }
            return outcome
        }
        return RateLimitVerdict(policy, outcome)
    }

    /// One limit's counters for one identity; the window travels with the entry so a sweep can tell expiry.
    private struct ShardKey: Hashable {
        let kind: UInt8
        let key: RateLimitKey
    }

    private struct Entry {
        var counter: SlidingWindow.Counter
        let windowMilliseconds: Int64
    }

    private struct ShardState {
        var entries: [ShardKey: Entry] = [:]
        /// The size at which the next sweep runs.
        var sweepAt = InProcessRateLimiter.minimumSweepSize

        mutating func sweep(now: Int64) {
            entries = entries.filter { _, entry in
                !entry.counter.isExpired(at: now, windowMilliseconds: entry.windowMilliseconds)
            }
            sweepAt = max(InProcessRateLimiter.minimumSweepSize, entries.count * 2)
        }
    }

    private final class Shard: Sendable {
        let counters = Mutex(ShardState())
    }
}
