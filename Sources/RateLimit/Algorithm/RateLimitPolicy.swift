/// One configured limit: L requests per window W (CONTRACT.md §7.1). A limit of 0 is off and never becomes a
/// policy: it is neither counted nor reported (§7.1).
package struct RateLimitPolicy: Sendable, Equatable {
    package let kind: RateLimitKind
    /// L, at least 1.
    package let limit: Int
    /// W in milliseconds.
    package let windowMilliseconds: Int64
    /// `RateLimit-Policy` (§7.3), e.g. `20;w=60`; fixed per policy, so made once.
    package let policyHeader: String
    /// `RateLimit-Limit`.
    package let limitHeader: String

    /// The policy for `kind` with `limit` requests per window, or nil when `limit` is 0 (off).
    package init?(_ kind: RateLimitKind, limit: Int) {
        self.init(kind, limit: limit, windowMilliseconds: Int64(kind.windowSeconds) * 1000)
    }

    /// A policy with another window than the contract's, for tests of the algorithm.
    package init?(_ kind: RateLimitKind, limit: Int, windowMilliseconds: Int64) {
        guard limit > 0, windowMilliseconds > 0 else { return nil }
        self.kind = kind
        self.limit = limit
        self.windowMilliseconds = windowMilliseconds
        policyHeader = "\(limit);w=\((windowMilliseconds + 999) / 1000)"
        limitHeader = String(limit)
    }
}
