import Glibc

/// Wall-clock time for timestamps (CONTRACT.md §1.1: ISO 8601 UTC with milliseconds).
package enum WallClock {
    /// Milliseconds since the Unix epoch.
    package static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// `2026-01-31T12:00:00.000Z` for `milliseconds` since the epoch.
    package static func iso8601(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let fields: [(Int, Int)] = [
            (Int(parts.tm_year) + 1900, 4), (Int(parts.tm_mon) + 1, 2), (Int(parts.tm_mday), 2),
            (Int(parts.tm_hour), 2),
            (Int(parts.tm_min), 2), (Int(parts.tm_sec), 2), (Int(milliseconds % 1000), 3),
        ]
        let separators: [UInt8] = Array("--T::.Z".utf8)
        return String(unsafeUninitializedCapacity: 24) { text in
            var position = 0
            for (index, (value, width)) in fields.enumerated() {
                var remaining = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    text[position + offset] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                }
                position += width
                text[position] = separators[index]
                position += 1
            }
            return position
        }
    }

    /// The current time in ISO 8601.
    package static func nowISO8601() -> String { iso8601(milliseconds: nowMilliseconds()) }
}

/// Monotonic time for durations and deadlines: never jumps with the wall clock.
package enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point.
    package static func nowNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
