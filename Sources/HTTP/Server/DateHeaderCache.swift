import Glibc

/// The `Date` header (RFC 9110 §6.6.1: an origin server with a clock must send one), formatted once per second per
/// loop instead of per response. Loop thread only.
final class DateHeaderCache {
    private var second: time_t = -1
    private var line: [UInt8] = []
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n` for now.
    var currentLine: [UInt8] {
        var now = time(nil)
        if now != second {
            second = now
            var parts = tm()
            gmtime_r(&now, &parts)
            func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let text =
                "Date: \(Self.days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(Self.months[Int(parts.tm_mon)]) "
                + "\(parts.tm_year + 1900) \(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):"
                + "\(twoDigits(parts.tm_sec)) GMT\r\n"
            line = Array(text.utf8)
        }
        return line
    }
}
