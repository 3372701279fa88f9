import Crypto
import EventLoop
import RateLimit

extension Configuration {
    /// The limits of CONTRACT.md §7.1 with their identity keys (§7.2) and, with `REDIS_URL`, the Redis side (E2).
    func makeRateLimitService(logger: Logger) throws(CryptoError) -> RateLimitService {
        // `REDIS_URL` passed §10.2's checks at load time, so it parses.
        let redis = redisURL.flatMap(RedisEndpoint.init(url:)).map { endpoint in
            RateLimitService.RedisSettings(endpoint: endpoint, timeoutMilliseconds: redisTimeout.milliseconds)
        }
        return RateLimitService(
            global: rateLimitGlobalPerMinute,
            relay: rateLimitRelayPerMinute,
            register: rateLimitRegisterPerHour,
            healthDeep: rateLimitHealthDeepPerMinute,
            keys: try RateLimitKeyMaker(encryptionSecret: encryptionSecret, salt: encryptionSalt),
            redis: redis,
            logger: logger
        )
    }
}
