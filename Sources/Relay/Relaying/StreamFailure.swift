import EventLoop

/// Why an event stream ended after its head was sent, and the SSE error frame that says so (CONTRACT.md §5.8).
///
/// Only an event stream without `content-encoding` (or with `identity`) gets a frame; any other response is cut
/// short instead (`ResponseHeaders.acceptsErrorFrame`).
package enum StreamFailure: Equatable, Sendable {
    /// The provider failed mid-body: reset, truncated chunked body, protocol error (§5.9 "any other failure").
    case providerFailed
    /// No body byte for `UPSTREAM_IDLE_TIMEOUT_MS` while the relay was ready to read (§5.9).
    case idleTimedOut
    /// The drain timed out before the stream ended (E7).
    case relayShuttingDown

    /// The short label of the request's log line.
    var label: String {
        switch self {
        case .providerFailed: "upstream_broken"
        case .idleTimedOut: "upstream_idle_timeout"
        case .relayShuttingDown: "shutting_down"
        }
    }

    /// The frame's `error` text, exact (§5.8's table).
    package var message: String {
        switch self {
        case .providerFailed: "Stream interrupted by provider"  // the original's frame, byte for byte
        case .idleTimedOut: "AI provider stream timed out"
        case .relayShuttingDown: "Relay is shutting down"
        }
    }

    /// `event: error` LF `data: {"error":"…"}` LF LF, preceded by LF LF when the bytes already sent do not end at
    /// an event boundary, so that a half-sent event is closed first instead of absorbing the frame's lines.
    package func errorFrame(after sent: EventBoundaryTracker) -> [UInt8] {
        var frame: [UInt8] = sent.isAtEventBoundary ? [] : [0x0A, 0x0A]
        frame.append(contentsOf: "event: error\ndata: ".utf8)
        JSONValue.object([("error", .string(message))]).append(to: &frame)
        frame.append(contentsOf: [0x0A, 0x0A])
        return frame
    }
}
