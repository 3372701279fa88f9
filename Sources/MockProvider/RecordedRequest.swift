import EventLoop
import HTTP

/// One request as the mock received it, and what happened to it since. A snapshot: ask the provider again for news.
package struct RecordedRequest: Sendable {
    /// Arrival order over the mock's life, from 1.
    package let sequence: Int
    /// The `tag=` parameter, or `sequence` in decimal when there was none.
    package let tag: String
    /// The method as sent.
    package let method: String
    /// The request target: path and query, as sent.
    package let target: String
    /// The header fields in the order received, names as sent.
    package let headers: HTTPHeaders
    /// The connection it came on: `connection.id` tells a reused connection from a new one.
    package let connection: HTTPConnectionInfo
    /// The body bytes received so far (all of them once `isComplete`).
    package internal(set) var body: [UInt8] = []
    /// What happened, in order, with monotonic timestamps (`MonotonicClock.nowNanoseconds()`).
    package internal(set) var events: [RecordedEvent]

    /// The target up to `?`.
    package var path: Substring { target[..<(target.firstIndex(of: "?") ?? target.endIndex)] }

    /// The client's port: the relay's end of the upstream connection.
    package var peerPort: Int? { connection.peer?.port }

    /// Whether the whole body has arrived.
    package var isComplete: Bool { time(of: .bodyEnded) != nil }

    /// When the client closed this request's connection (before or after the response finished), nil if it has not.
    package var closedAt: UInt64? {
        events.first {
            $0.kind == .closedByPeerBeforeResponseFinished || $0.kind == .closedByPeerAfterResponseFinished
        }?
        .nanoseconds
    }

    /// When `kind` first happened, nil if it has not.
    package func time(of kind: RecordedEvent.Kind) -> UInt64? {
        events.first { $0.kind == kind }?.nanoseconds
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    package var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Something that happened to a recorded request.
package struct RecordedEvent: Equatable, Sendable {
    /// What happened.
    package enum Kind: Equatable, Sendable {
        /// The request head was complete.
        case headReceived
        /// The request body was complete (also for requests without one).
        case bodyEnded
        /// The mock wrote the response head.
        case responseStarted
        /// The mock finished the response properly.
        case responseFinished
        /// The mock cut the connection on purpose (`break`, `bytes&break_after=`).
        case responseAborted
        /// The client closed or reset the connection before the response was finished (or cut).
        case closedByPeerBeforeResponseFinished
        /// The client closed a connection whose response had finished (a kept-alive connection let go).
        case closedByPeerAfterResponseFinished
    }

    package let kind: Kind
    /// `MonotonicClock.nowNanoseconds()` when it happened.
    package let nanoseconds: UInt64
}
