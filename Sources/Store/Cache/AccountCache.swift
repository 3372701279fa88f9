import EventLoop
import Synchronization

/// Token digest → account lookups kept for at most `AUTH_CACHE_TTL_MS`, so the relay hot path rarely queries the
/// database (CONTRACT.md §8.5, E1). Shared by every loop: sharded `Mutex`es with critical sections of a few
/// instructions, never held across I/O (DESIGN.md §3).
///
/// A lookup that overlaps an invalidation is not cached: `generation()` is read before the query and `insert`
/// drops the result when any invalidation happened meanwhile, so a change can never be undone by a slow lookup that
/// began before it.
package final class AccountCache: Sendable {
    private struct Entry {
        var account: Account
        var storedAt: UInt64
        var bytes: Int
    }

    private struct Shard {
        var entries: [String: Entry] = [:]
        var digestsByUser: [String: Set<String>] = [:]
        var bytes = 0
        /// Lookups answered and not answered from this shard, for `/metrics` (CONTRACT.md E6); counted under the
        /// lock the lookup takes anyway, so no extra atomic on the hot path.
        var hits = 0
        var misses = 0
    }

    /// A Mutex cannot live in an array (it is not copyable); each shard is boxed.
    private final class ShardBox: Sendable {
        let state = Mutex(Shard())
    }

    private static let shardCount = 16
    private let shards: [ShardBox]
    private let timeToLiveNanoseconds: UInt64
    private let capacityPerShard: Int
    private let bytesPerShard: Int
    private let invalidations = Atomic<UInt64>(0)

    /// A cache holding entries for `timeToLive`; a zero duration disables it. At most `capacity` entries and about
    /// `capacityBytes` of account data (an entry carries every key ciphertext of its user, up to ~4 KiB each).
    package init(timeToLive: Duration, capacity: Int = 200_000, capacityBytes: Int = 128 << 20) {
        timeToLiveNanoseconds = UInt64(max(0, timeToLive.milliseconds)) * 1_000_000
        capacityPerShard = max(1, capacity / Self.shardCount)
        bytesPerShard = max(1, capacityBytes / Self.shardCount)
        shards = (0..<Self.shardCount).map { _ in ShardBox() }
    }

    /// Whether the cache holds anything at all (`AUTH_CACHE_TTL_MS` > 0).
    package var isEnabled: Bool { timeToLiveNanoseconds > 0 }

    /// The invalidation counter to pass to `insert` after a database lookup.
    package func generation() -> UInt64 {
        invalidations.load(ordering: .acquiring)
    }

    /// The cached account for `digest` when fresh.
    package func account(tokenDigest digest: String) -> Account? {
        guard isEnabled else { return nil }
        let now = MonotonicClock.nowNanoseconds()
        return shard(for: digest).state.withLock { shard in
            guard let entry = shard.entries[digest], now &- entry.storedAt < timeToLiveNanoseconds else {
                shard.misses += 1
                return nil
            }
            shard.hits += 1
            return entry.account
        }
    }

    /// Caches a lookup made while the counter read `generation`; dropped if anything was invalidated since.
    package func insert(_ account: Account, generation: UInt64) {
        guard isEnabled else { return }
        let now = MonotonicClock.nowNanoseconds()
        shard(for: account.tokenDigest).state.withLock { shard in
            // Checked under the lock: `invalidate` bumps the counter before it takes any shard lock.
            guard invalidations.load(ordering: .acquiring) == generation else { return }
            let bytes = Self.size(of: account)
            guard bytes <= bytesPerShard else { return }
            if let replaced = shard.entries[account.tokenDigest] { shard.bytes -= replaced.bytes }
            if shard.entries.count >= capacityPerShard || shard.bytes + bytes > bytesPerShard {
                evict(from: &shard, now: now, making: bytes)
            }
            shard.entries[account.tokenDigest] = Entry(account: account, storedAt: now, bytes: bytes)
            shard.bytes += bytes
            shard.digestsByUser[account.userID, default: []].insert(account.tokenDigest)
        }
    }

    /// Drops every cached lookup of `userID` (its tokens, keys, or the user changed).
    package func invalidate(userID: String) {
        invalidations.add(1, ordering: .acquiringAndReleasing)
        for shard in shards {
            shard.state.withLock { shard in
                guard let digests = shard.digestsByUser.removeValue(forKey: userID) else { return }
                for digest in digests {
                    if let removed = shard.entries.removeValue(forKey: digest) { shard.bytes -= removed.bytes }
                }
            }
        }
    }

    /// Drops everything (the notification connection was re-established and may have missed changes).
    package func removeAll() {
        invalidations.add(1, ordering: .acquiringAndReleasing)
        for shard in shards { shard.state.withLock { $0 = Shard(hits: $0.hits, misses: $0.misses) } }
    }

    /// Entries currently held (tests and metrics).
    package var count: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.entries.count } }
    }

    private func shard(for digest: String) -> ShardBox {
        var hasher = Hasher()
        hasher.combine(digest)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(Self.shardCount))]
    }

    /// Lookups answered from the cache and not, since start (CONTRACT.md E6); zero while the cache is disabled.
    package var lookups: (hits: Int, misses: Int) {
        shards.reduce((0, 0)) { total, shard in
            let (hits, misses) = shard.state.withLock { ($0.hits, $0.misses) }
            return (total.0 + hits, total.1 + misses)
        }
    }

    /// Entries held, in bytes (tests and metrics).
    package var byteCount: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.bytes } }
    }

    /// Removes stale entries; if the shard still has no room for `incoming` bytes and one more entry, empties it
    /// (rare: a full cache of fresh entries; they are refetched on demand).
    private func evict(from shard: inout Shard, now: UInt64, making incoming: Int) {
        let ttl = timeToLiveNanoseconds
        shard.entries = shard.entries.filter { now &- $0.value.storedAt < ttl }
        shard.bytes = shard.entries.values.reduce(0) { $0 + $1.bytes }
        if shard.entries.count >= capacityPerShard || shard.bytes + incoming > bytesPerShard {
            shard.entries = [:]
            shard.bytes = 0
        }
        var users: [String: Set<String>] = [:]
        for (digest, entry) in shard.entries { users[entry.account.userID, default: []].insert(digest) }
        shard.digestsByUser = users
    }

    /// An estimate of what an entry costs: its strings and byte arrays plus a fixed overhead per object.
    private static func size(of account: Account) -> Int {
        let strings = account.userID.utf8.count + account.appID.utf8.count + 2 * account.tokenDigest.utf8.count
        let keys = account.keys.reduce(0) { total, key in
            total + key.provider.utf8.count + key.keyVersion.utf8.count + key.sealed.nonce.count
                + key.sealed.ciphertextAndTag.count + 128
        }
        return 256 + strings + keys
    }
}
