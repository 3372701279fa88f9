import Foundation

/// Rate-limit counters live in buckets of the window's length, aligned to the epoch (CONTRACT.md §7.4). A burst that
/// straddles a bucket boundary may be admitted one request more than the limit (§7.4's bound, L + ⌈L·d/W⌉), so a
/// test that asserts an exact allowance starts in a bucket with room for the whole test.
package enum RateLimitBuckets {
    /// Returns at once when at least `margin` seconds remain before the next boundary of `window`-second buckets;
    /// otherwise waits for that boundary to pass. (A wait for the clock, not for an event the relay could signal.)
    package static func awaitRoom(window: Int = 60, margin: Double = 5) {
        let now = Date().timeIntervalSince1970
        let remaining = Double(window) - now.truncatingRemainder(dividingBy: Double(window))
        if remaining < margin { Thread.sleep(forTimeInterval: remaining + 0.05) }
    }
}
