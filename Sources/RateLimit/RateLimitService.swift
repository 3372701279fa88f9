import EventLoop
import Synchronization

/// The process's rate limits (CONTRACT.md §7, E2): the configured policies, the identity keys, the in-process
/// counters, and with `REDIS_URL` the Redis status and one `RedisRateLimiter` per loop. Built once at start-up;
/// shared by every loop.
package final class RateLimitService: Sendable {
    /// How `/readyz` and `/health` describe the limits (E6).
    package enum Mode: Equatable, Sendable {
        /// `REDIS_URL` unset: `{"ok":true,"mode":"local"}`.
        case local
        /// `{"ok":true,"mode":"shared"}`.
        case shared
        /// Redis unreachable: `{"ok":false,"mode":"local"}`.
        case degraded
    }

    /// The Redis side: where, each call's deadline, and the process-wide status.
    package struct RedisSettings: Sendable {
        package let endpoint: RedisEndpoint
        package let timeoutMilliseconds: Int

        package init(endpoint: RedisEndpoint, timeoutMilliseconds: Int) {
            self.endpoint = endpoint
            self.timeoutMilliseconds = timeoutMilliseconds
        }
    }

    package let global: RateLimitPolicy?
    package let relay: RateLimitPolicy?
    package let register: RateLimitPolicy?
    package let healthDeep: RateLimitPolicy?
    package let keys: RateLimitKeyMaker
    package let local: InProcessRateLimiter
    private let redis: RedisSettings?
    private let status: RedisStatus
    private let resolver: BlockingPool?
    private let logger: Logger?
    private let limiters = Mutex<[(loop: Loop, limiter: LoopBound<RedisRateLimiter>)]>([])

    /// `limits` are per kind (0 = off, §7.1).
    package init(
        global: Int,
        relay: Int,
        register: Int,
        healthDeep: Int,
        keys: RateLimitKeyMaker,
        redis: RedisSettings?,
        local: InProcessRateLimiter = InProcessRateLimiter(),
        logger: Logger?
    ) {
        self.global = RateLimitPolicy(.global, limit: global)
        self.relay = RateLimitPolicy(.relay, limit: relay)
        self.register = RateLimitPolicy(.register, limit: register)
        self.healthDeep = RateLimitPolicy(.healthDeep, limit: healthDeep)
        self.keys = keys
        self.local = local
        self.redis = redis
        self.logger = logger
        status = RedisStatus(logger: logger)
        resolver = redis == nil ? nil : BlockingPool(threadCount: 1)
    }

    /// The limiter for `loop`: the shared in-process one, or with Redis a new connection on `loop`. Call on `loop`'s
    /// thread, once per loop.
    package func makeLimiter(on loop: Loop) -> any RateLimiter {
        guard let redis, let resolver else { return local }
        let limiter = RedisRateLimiter(
            loop: loop,
            endpoint: redis.endpoint,
            timeoutMilliseconds: redis.timeoutMilliseconds,
            fallback: local,
            status: status,
            resolver: resolver,
            logger: logger
        )
        limiters.withLock { $0.append((loop, LoopBound(limiter))) }
        return limiter
    }

    /// Whether `REDIS_URL` is set.
    package var usesRedis: Bool { redis != nil }

    /// What `/readyz` and `/health` report now.
    package var mode: Mode {
        guard redis != nil else { return .local }
        return status.isDegraded ? .degraded : .shared
    }

    /// Failed or timed-out Redis calls since start (`byok_relay_redis_errors_total`, CONTRACT.md E6).
    package var redisErrorCount: Int { status.errorCount }

    /// Closes every loop's Redis connection, each on its own loop (CONTRACT.md E7 step 4), then stops the lookup
    /// thread. Returns when all are closed; the loops must still be running.
    package func close(on loops: [Loop]) async {
        let bound = limiters.withLock { $0 }
        for loop in loops {
            let mine = bound.filter { $0.loop === loop }.map(\.limiter)
            guard !mine.isEmpty else { continue }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.execute {
                    for limiter in mine { limiter.value.close() }
                    continuation.resume()
                }
            }
        }
        resolver?.shutDown()
    }
}
