import EventLoop
import Store
import Synchronization

/// Successful token checks waiting to be written as `last_used_at` and `last_seen_at` (CONTRACT.md §8.1): noted on the
/// request path with one hash and one dictionary lookup under a shard's lock, never a database call, each token at
/// most once per `interval` (an hour) in this process. `RequestRecorder` takes what is pending with every batch of
/// request records and writes it through `AccountStore.touch`, which also skips rows another replica wrote within
/// the hour.
///
/// Memory stays bounded: a token is remembered only for `interval`; a full shard drops what is older, and one still
/// full of recent tokens is emptied (those tokens are queued once more, which the store's hourly condition makes
/// harmless). At most `capacity` uses wait between two takes; beyond that a use is not queued.
final class TokenUseLog: Sendable {
    private struct Shard {
        /// When each token was last queued (monotonic nanoseconds), by a hash of its digest: a collision only skips
        /// one token's hourly write.
        var queuedAt: [Int: UInt64] = [:]
        var pending: [TokenUse] = []
    }

    /// A Mutex cannot live in an array (it is not copyable); each shard is boxed.
    private final class ShardBox: Sendable {
        let state = Mutex(Shard())
    }

    private static let shardCount = 16
    private let shards: [ShardBox]
    private let intervalNanoseconds: UInt64
    private let capacityPerShard: Int

    /// A log queueing each token at most once per `interval`, remembering at most about `capacity` tokens.
    init(interval: Duration = .milliseconds(TokenUse.writeIntervalMilliseconds), capacity: Int = 200_000) {
        intervalNanoseconds = UInt64(max(0, interval.milliseconds)) * 1_000_000
        capacityPerShard = max(1, capacity / Self.shardCount)
        shards = (0..<Self.shardCount).map { _ in ShardBox() }
    }

    /// Notes a successful token check of `account`. Any thread; never waits for anything but a shard's lock.
    func noteUse(of account: Account) {
        var hasher = Hasher()
        hasher.combine(account.tokenDigest)
        let key = hasher.finalize()
        let now = MonotonicClock.nowNanoseconds()
        let interval = intervalNanoseconds
        let capacity = capacityPerShard
        shards[Int(UInt(bitPattern: key) % UInt(Self.shardCount))].state.withLock { shard in
            if let queued = shard.queuedAt[key], now &- queued < interval { return }
            guard shard.pending.count < capacity else { return }
            if shard.queuedAt.count >= capacity {
                shard.queuedAt = shard.queuedAt.filter { now &- $0.value < interval }
                // Still more than half full of recent tokens: start afresh rather than filter again on every use.
                if shard.queuedAt.count >= capacity / 2 { shard.queuedAt = [:] }
            }
            shard.queuedAt[key] = now
            shard.pending.append(TokenUse(tokenDigest: account.tokenDigest, userID: account.userID))
        }
    }

    /// Every use queued since the last take, emptying the queue; the memory of what was queued stays.
    func takePending() -> [TokenUse] {
        var taken: [TokenUse] = []
        for shard in shards {
            let pending = shard.state.withLock { shard in
                defer { shard.pending = [] }
                return shard.pending
            }
            taken.append(contentsOf: pending)
        }
        return taken
    }

    /// Uses waiting to be taken (tests).
    var pendingCount: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.pending.count } }
    }

    /// Tokens remembered as queued (tests).
    var rememberedCount: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.queuedAt.count } }
    }
}
