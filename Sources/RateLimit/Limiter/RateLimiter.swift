/// Decides, in one call per step of a request, every limit that step applies (CONTRACT.md §7): checks and counts
/// them, and returns each verdict for the `RateLimit-*` headers. One instance per loop; loop thread only.
///
/// Use: `immediateDecision(_:)` first; when it returns nil the answer needs a round trip, so call
/// `decide(_:completion:)`. Split in two so the in-process path makes no closure per request.
package protocol RateLimiter: AnyObject {
    /// The decision when it needs no waiting (in-process limits, or Redis unavailable: degraded mode, E2); the
    /// request is counted. Nil when it must be asked of Redis.
    func immediateDecision(_ request: RateLimitRequest) -> RateLimitDecision?

    /// Asks the shared store; `completion` runs on the loop thread exactly once, within `REDIS_TIMEOUT_MS` (a
    /// late or failed answer is replaced by the in-process limiter's, E2).
    func decide(_ request: RateLimitRequest, completion: @escaping (RateLimitDecision) -> Void)

    /// Closes connections (CONTRACT.md E7 step 4); later requests are judged in process.
    func close()
}
