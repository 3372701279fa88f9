import HTTP
import RateLimit
import Store

/// Where the limits of CONTRACT.md §7.1 apply: the global limit at §5.2 step 5 (with register for `POST /users`
/// that passes the `APP_SECRET` check, and health-deep for deep `/health` probes, decided in the same call), and the
/// relay limit at step 10 of the relay routes, step 1 of `POST /relay` (§6.1) and step 3 of a rotation (§3.6).
extension RelayApplication {
    /// What step 5 needs: nothing (no limit applies, or all are off), a decision already made (in process), or a
    /// call to make.
    enum LimitStep {
        case none
        case decided(RateLimitDecision)
        case pending(RateLimitRequest)
    }

    /// The limits of step 5 for `endpoint`, decided now when the limiter can.
    func firstLimits(_ endpoint: Endpoint, _ request: RelayRequest) -> LimitStep {
        let limits = context.rateLimits
        let second: RateLimitPolicy?
        switch endpoint {
        case .liveness, .readiness, .metrics:
            return .none  // §7.1: never limited, so a balancer's probe is never refused
        case .health:
            second = Self.asksForDeepCheck(request.exchange.head.query) ? limits.healthDeep : nil
        case .account(.register):
            // §2.1: only a request that passes the APP_SECRET check is counted by the register limit. The check is
            // cheap and has no side effect, so it runs here and again, for its answer, in the endpoint.
            let headers = request.exchange.head.headers
            let passes = context.registrationGate?.admits(authorization: headers.values(for: "authorization")) ?? true
            second = passes ? limits.register : nil
        case .version, .account, .relay, .unifiedRelay, .models, .openAPI:
            second = nil
        }
        guard limits.global != nil || second != nil else { return .none }
        let key = limits.keys.key(for: clientIdentity(request))
        guard
            let checks = RateLimitRequest(
                limits.global.map { RateLimitCheck($0, key: key) },
                then: second.map { RateLimitCheck($0, key: key) }
            )
        else { return .none }
        if let decision = limiter.immediateDecision(checks) { return .decided(decision) }
        return .pending(checks)
    }

    /// The request with its limit noted when `decision` admits it; otherwise the 429 of the refusing limit has been
    /// sent and the result is nil.
    func admit(_ request: RelayRequest, _ decision: RateLimitDecision) -> RelayRequest? {
        var request = request
        request.rateLimit = decision.reported
        if let refusal = decision.refusal {
            context.metrics.rateLimitRejected(refusal.policy.kind)
            respond(request, error: .rateLimited(refusal.policy.kind, limit: refusal.policy.limit))
            return nil
        }
        return request
    }

    /// The relay limit for `account`, then `next` with the request carrying its headers; a refusal is answered here.
    /// `next` runs on this loop, at once when the limiter decides in process.
    func chargeRelayLimit(
        _ request: RelayRequest,
        account: Account,
        then next: @escaping (RelayRequest) -> Void
    ) {
        guard let checks = relayLimitRequest(account) else { return next(request) }
        if let decision = limiter.immediateDecision(checks) {
            if let admitted = admit(request, decision) { next(admitted) }
            return
        }
        limiter.decide(checks) { [self] decision in
            guard !request.exchange.isFinished, let admitted = admit(request, decision) else { return }
            next(admitted)
        }
    }

    /// The relay limit for `account` in a task: the request carrying its headers, or nil when it was refused (and
    /// answered) or the client left meanwhile.
    func chargeRelayLimit(_ request: RelayRequest, account: Account) async -> RelayRequest? {
        guard let checks = relayLimitRequest(account) else { return request }
        let decision: RateLimitDecision
        if let decided = limiter.immediateDecision(checks) {
            decision = decided
        } else {
            decision = await withCheckedContinuation { continuation in
                limiter.decide(checks) { continuation.resume(returning: $0) }
            }
        }
        guard !request.exchange.isFinished else { return nil }
        return admit(request, decision)
    }

    /// §7.2: the relay limit is keyed by the token's stored digest, whichever header carried it.
    private func relayLimitRequest(_ account: Account) -> RateLimitRequest? {
        guard let policy = context.rateLimits.relay else { return nil }
        return RateLimitRequest(RateLimitCheck(policy, key: context.rateLimits.keys.key(for: account.tokenDigest)))
    }

    /// The client IP's identity text (E5, §7.2).
    private func clientIdentity(_ request: RelayRequest) -> String {
        let hops = context.configuration.trustedProxyHops
        let forwarded = hops > 0 ? request.exchange.head.headers.values(for: "x-forwarded-for") : []
        return ClientAddress.identity(
            peer: request.exchange.connectionInfo.peer?.host,
            forwardedFor: forwarded,
            trustedHops: hops
        )
    }

    /// The `RateLimit-*` headers of §7.3 for `verdict`; `Retry-After` only on the relay's own 429 (`retryAfter` and a
    /// refusal), never on a relayed response.
    static func addRateLimitHeaders(
        _ verdict: RateLimitVerdict,
        to headers: inout HTTPResponseHeaders,
        retryAfter: Bool
    ) {
        let reset = String(verdict.outcome.resetSeconds)
        headers.add("RateLimit-Policy", verdict.policy.policyHeader)
        headers.add("RateLimit-Limit", verdict.policy.limitHeader)
        headers.add("RateLimit-Remaining", String(verdict.outcome.remaining))
        headers.add("RateLimit-Reset", reset)
        if retryAfter, !verdict.isAdmitted { headers.add("Retry-After", reset) }
    }
}
