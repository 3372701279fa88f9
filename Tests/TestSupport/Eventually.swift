import Foundation

/// Awaits a condition observed from outside the relay (a change reaching another replica, the database coming
/// back) by checking it repeatedly until a deadline. Returns how long it took, or nil when the deadline passed.
package enum Eventually {
    package static func within(
        milliseconds: Int,
        every interval: Double = 0.02,
        _ condition: () throws -> Bool
    ) rethrows -> Int? {
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(milliseconds) * 1_000_000
        while true {
            if try condition() { return Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) }
            if DispatchTime.now().uptimeNanoseconds > deadline { return nil }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// Milliseconds `body` took.
    package static func timed<Result>(_ body: () throws -> Result) rethrows -> (Result, Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        return (result, Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000))
    }
}
