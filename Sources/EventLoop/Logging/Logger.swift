import Glibc
import Synchronization

/// Severity of a log line: the `LOG_LEVEL` values of CONTRACT.md §10.1 and §9.5, least severe first.
package enum LogLevel: String, CaseIterable, Comparable, Sendable {
    /// Everything, including per-chunk detail.
    case trace
    /// Diagnostic detail.
    case debug
    /// One line per request and lifecycle events (the default).
    case info
    /// Degraded operation and configuration warnings (§10.2).
    case warn
    /// Failures of one request or one background task.
    case error
    /// Failures that end the process.
    case fatal
    /// Nothing at all.
    case silent

    /// The level a `LOG_LEVEL` value names; case-insensitive, nil for anything else.
    package init?(configurationValue: String) {
        self.init(rawValue: configurationValue.lowercased())
    }

    /// Orders levels by severity, `silent` last, so `level >= configured` decides whether a line is written.
    package static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        guard let left = allCases.firstIndex(of: lhs), let right = allCases.firstIndex(of: rhs) else { return false }
        return left < right
    }
}

/// Writes one JSON object per line to standard output (CONTRACT.md §9.5): `time`, `level`, `msg`, then flat
/// snake_case members. Message and fields are autoclosures: nothing is formatted below the threshold. Callers pass
/// only allow-listed fields; this type never sees headers or bodies.
package struct Logger: Sendable {
    /// Lines below this level are dropped.
    package let threshold: LogLevel
    private let sink: LogSink

    /// A logger writing to `descriptor` (standard output by default).
    package init(threshold: LogLevel, descriptor: Int32 = STDOUT_FILENO) {
        self.threshold = threshold
        self.sink = LogSink(descriptor: descriptor)
    }

    /// Whether a line at `level` would be written.
    package func isEnabled(_ level: LogLevel) -> Bool { level >= threshold && level != .silent }

    /// Writes one line at `level`.
    package func log(
        _ level: LogLevel,
        _ message: @autoclosure () -> String,
        _ fields: @autoclosure () -> [(String, JSONValue)] = []
    ) {
        guard isEnabled(level) else { return }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        let members: [(String, JSONValue)] =
            [
                ("time", .string(WallClock.nowISO8601())), ("level", .string(level.rawValue)),
                ("msg", .string(message())),
            ]
            + fields()
        JSONValue.object(members).append(to: &line)
        line.append(0x0A)
        sink.write(line)
    }

    /// `log(.debug, ...)`.
    package func debug(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.debug, message(), fields())
    }

    /// `log(.info, ...)`.
    package func info(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.info, message(), fields())
    }

    /// `log(.warn, ...)`.
    package func warn(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.warn, message(), fields())
    }

    /// `log(.error, ...)`.
    package func error(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.error, message(), fields())
    }
}

/// Serialises whole lines onto one descriptor so lines from different workers never interleave.
private final class LogSink: Sendable {
    private let descriptor: Mutex<Int32>

    init(descriptor: Int32) { self.descriptor = Mutex(descriptor) }

    func write(_ line: [UInt8]) {
        descriptor.withLock { descriptor in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { return }  // stdout gone: logging must never take the relay down
                    offset += written
                }
            }
        }
    }
}
