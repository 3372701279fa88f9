/// One limit to decide for one identity.
package struct RateLimitCheck: Sendable, Equatable {
    package let policy: RateLimitPolicy
    package let key: RateLimitKey

    package init(_ policy: RateLimitPolicy, key: RateLimitKey) {
        self.policy = policy
        self.key = key
    }
}

/// Every limit one step of a request must pass, in the order CONTRACT.md §5.2 decides them: the global limit with
/// register or health-deep (one identity, the client IP), or the relay limit alone. At most two, kept inline so a
/// request costs no array.
package struct RateLimitRequest: Sendable, Equatable {
    package let first: RateLimitCheck
    package let second: RateLimitCheck?

    package init(_ first: RateLimitCheck, then second: RateLimitCheck? = nil) {
        self.first = first
        self.second = second
    }

    /// `first`, or `second` when `first` is nil; nil when neither is given (every limit off).
    package init?(_ first: RateLimitCheck?, then second: RateLimitCheck?) {
        guard let head = first ?? second else { return nil }
        self.init(head, then: first == nil ? nil : second)
    }

    /// The number of checks, 1 or 2.
    package var count: Int { second == nil ? 1 : 2 }

    /// The check at `index` (0 or 1).
    package subscript(index: Int) -> RateLimitCheck {
        guard index == 1, let second else { return first }
        return second
    }
}

/// What one limit said, with the values of its `RateLimit-*` headers (§7.3).
package struct RateLimitVerdict: Sendable, Equatable {
    package let policy: RateLimitPolicy
    package let outcome: SlidingWindow.Outcome

    package init(_ policy: RateLimitPolicy, _ outcome: SlidingWindow.Outcome) {
        self.policy = policy
        self.outcome = outcome
    }

    package var isAdmitted: Bool { outcome.isAdmitted }
}

/// The answer to a `RateLimitRequest`: a verdict per check decided. Checks are decided in order and the first
/// refusal ends it, so a refused global limit leaves the other limit undecided and uncounted (§5.2: a request
/// refused at step 5 never reaches a later limit). Each admitted check was counted.
package struct RateLimitDecision: Sendable, Equatable {
    package let first: RateLimitVerdict
    package let second: RateLimitVerdict?
    /// Whether Redis decided it (false: the in-process limiter, by configuration or in degraded mode).
    package let isShared: Bool

    package init(_ first: RateLimitVerdict, then second: RateLimitVerdict?, isShared: Bool) {
        self.first = first
        self.second = second
        self.isShared = isShared
    }

    /// The first refusing verdict, nil when every check admitted the request.
    package var refusal: RateLimitVerdict? {
        if !first.isAdmitted { return first }
        if let second, !second.isAdmitted { return second }
        return nil
    }

    /// The verdict whose headers the response carries (§7.3): the refusing one, else the narrowest decided.
    package var reported: RateLimitVerdict {
        if let refusal { return refusal }
        guard let second, second.policy.kind.narrowness > first.policy.kind.narrowness else { return first }
        return second
    }
}
