/// The two-bucket sliding-window counter of CONTRACT.md §7.4, as pure arithmetic on one limit's state for one
/// identity. The in-process limiter runs it under a lock; `RedisScript` runs the same steps in Lua on Redis's
/// clock, and the tests hold both to the same table.
///
/// Time is cut into buckets of the window's length W (bucket n covers [n·W, (n+1)·W) milliseconds). For a request
/// at time t in bucket n, with `p` requests admitted in bucket n−1, `c` so far in bucket n and `e` = t − n·W, the
/// estimate is `p × (W − e) / W + c`; the request is admitted when it is below L, and then counted in `c`. Refused
/// requests are not counted. Everything is integer arithmetic on `estimate × W`, so no rounding decides anything.
///
/// Error bound (§7.4): over any interval of length d ≤ W at most `L + ⌈L × d / W⌉` requests are admitted, and over
/// any interval starting on a bucket boundary at most L. Proof sketch: an interval of length d ≤ W meets at most
/// the end of one bucket (≤ p of its admissions, p ≤ L) and the start of the next, where the last admission at
/// elapsed time e′ ≤ d needed `c′ < L − p × (W − e′) / W`, so at most `⌈L − p + p × e′ / W⌉` are admitted there;
/// together at most `L + ⌈p × d / W⌉`.
package enum SlidingWindow {
    /// What one limit said about one request.
    package struct Outcome: Equatable, Sendable {
        /// Whether the request is admitted (and was counted).
        package var isAdmitted: Bool
        /// `RateLimit-Remaining`: requests still admitted now, after this one (§7.3).
        package var remaining: Int
        /// Milliseconds until `remaining` next grows, at least 1.
        package var resetMilliseconds: Int64

        package init(isAdmitted: Bool, remaining: Int, resetMilliseconds: Int64) {
            self.isAdmitted = isAdmitted
            self.remaining = remaining
            self.resetMilliseconds = resetMilliseconds
        }

        /// `RateLimit-Reset` (and `Retry-After` on a refusal): whole seconds, rounded up, so a client that waits
        /// that long finds `remaining` grown (§7.3).
        package var resetSeconds: Int { Int(max(1, (resetMilliseconds + 999) / 1000)) }
    }

    /// The counters of one limit for one identity.
    package struct Counter: Equatable, Sendable {
        /// The bucket `current` counts in.
        package var bucket: Int64
        /// Requests admitted in `bucket`.
        package var current: Int64
        /// Requests admitted in the bucket before `bucket`.
        package var previous: Int64

        package init(bucket: Int64, current: Int64, previous: Int64) {
            self.bucket = bucket
            self.current = current
            self.previous = previous
        }

        /// No request seen: as if every bucket were empty.
        package static let empty = Counter(bucket: Int64.min, current: 0, previous: 0)

        /// Whether the counter holds nothing that can still count at `now` (older than two windows): an expired
        /// entry, which the in-process store may drop.
        package func isExpired(at now: Int64, windowMilliseconds: Int64) -> Bool {
            bucket < SlidingWindow.bucket(of: now, windowMilliseconds: windowMilliseconds) - 1
        }
    }

    /// Decides one request at `now` (milliseconds) against `counter`, counting it when admitted.
    package static func decide(
        _ counter: inout Counter,
        limit: Int,
        windowMilliseconds window: Int64,
        now: Int64
    ) -> Outcome {
        let limit = Int64(limit)
        let bucket = bucket(of: now, windowMilliseconds: window)
        let elapsed = now - bucket * window
        var previous: Int64 = 0
        var current: Int64 = 0
        if counter.bucket == bucket {
            previous = counter.previous
            current = counter.current
        } else if counter.bucket == bucket - 1 {
            previous = counter.current
        }
        // estimate < L  ⇔  p × (W − e) + c × W < L × W
        let carried = previous * (window - elapsed)
        let isAdmitted = carried + current * window < limit * window
        if isAdmitted {
            current += 1
            counter = Counter(bucket: bucket, current: current, previous: previous)
        }
        // Headroom (L − estimate) × W after this request; it grows by p per millisecond until the bucket ends,
        // then by c per millisecond through the next bucket (the estimate is continuous at the boundary).
        let headroom = limit * window - carried - current * window
        let remaining = headroom > 0 ? (headroom + window - 1) / window : 0
        // `remaining` grows when the headroom passes remaining × W.
        let needed = remaining * window - headroom + 1
        let reset: Int64
        if previous > 0, carried >= needed {
            reset = (needed + previous - 1) / previous
        } else if current > 0 {
            reset = (window - elapsed) + (needed - carried + current - 1) / current
        } else {
            // Unreachable: a refusal with c = 0 needs p × (W − e) ≥ L × W, the first case. Kept total anyway.
            reset = (window - elapsed) + window
        }
        return Outcome(isAdmitted: isAdmitted, remaining: Int(remaining), resetMilliseconds: max(1, reset))
    }

    /// The index of the bucket holding `time`.
    package static func bucket(of time: Int64, windowMilliseconds window: Int64) -> Int64 {
        time >= 0 ? time / window : (time - window + 1) / window
    }
}
