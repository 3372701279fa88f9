/// The life of a reconnecting PostgreSQL connection: when to connect, when a request may be sent, waits, or is
/// refused, and how long to back off. No I/O and no clock; `PostgresConnection` carries out the actions (STYLE.md §3).
///
/// Decisions: a request arriving while a connect attempt is under way waits for it (up to its own deadline); one
/// arriving while backing off is refused at once (the caller answers 503) — a reconnect is always scheduled then.
/// A connection that breaks is reconnected at once; failed attempts back off 100 ms, 200 ms, ... up to 2 s.
struct PostgresConnectionStateMachine {
    /// What the connection should do next.
    enum Action: Equatable {
        case none
        /// Resolve the host if needed, start libpq's connect and arm the connect deadline.
        case connect
        /// Connected: send what waited, wake `waitUntilConnected` callers.
        case startSending
        /// The attempt failed: refuse what waited and retry after about this long (the driver adds jitter).
        case refuseWaitingAndReconnect(afterMilliseconds: Int)
        /// Close the link, fail every request, stop all timers.
        case closeEverything
    }

    /// What becomes of a request that has just arrived.
    enum RequestDecision: Equatable {
        case send
        case wait
        case waitAndConnect
        case refuse
    }

    enum State: Equatable {
        /// Never asked to connect. Next: `.connecting`, `.closed`.
        case idle
        /// An attempt is under way (resolving or polling). Next: `.connected`, `.backingOff`, `.closed`.
        case connecting(failedAttempts: Int)
        /// Next: `.connecting` (it broke), `.closed`.
        case connected
        /// Waiting to try again. Next: `.connecting`, `.closed`.
        case backingOff(failedAttempts: Int)
        /// Final.
        case closed
    }

    /// First retry delay; doubles per failed attempt.
    static let initialBackoffMilliseconds = 100
    /// Longest retry delay.
    static let maximumBackoffMilliseconds = 2000

    private(set) var state: State = .idle

    var isConnected: Bool { state == .connected }
    var isConnecting: Bool {
        if case .connecting = state { return true }
        return false
    }
    var isClosed: Bool { state == .closed }

    /// Someone wants the connection up (start-up, `waitUntilConnected`).
    mutating func connectRequested() -> Action {
        guard state == .idle else { return .none }
        state = .connecting(failedAttempts: 0)
        return .connect
    }

    /// A statement was submitted.
    mutating func requestArrived() -> RequestDecision {
        switch state {
        case .idle:
            state = .connecting(failedAttempts: 0)
            return .waitAndConnect
        case .connecting: return .wait
        case .connected: return .send
        case .backingOff, .closed: return .refuse
        }
    }

    /// libpq reported the connection up.
    mutating func connectSucceeded() -> Action {
        guard case .connecting = state else { preconditionFailure("connected while \(state)") }  // driver bug
        state = .connected
        return .startSending
    }

    /// The attempt failed (refused, resolution failed, connect deadline passed).
    mutating func connectFailed() -> Action {
        guard case .connecting(let failedAttempts) = state else { preconditionFailure("failed while \(state)") }
        state = .backingOff(failedAttempts: failedAttempts + 1)
        return .refuseWaitingAndReconnect(afterMilliseconds: Self.backoffMilliseconds(afterFailures: failedAttempts))
    }

    /// A working connection broke, or was torn down after a deadline.
    mutating func connectionBroke() -> Action {
        guard state == .connected else { preconditionFailure("broke while \(state)") }  // driver bug
        state = .connecting(failedAttempts: 0)
        return .connect
    }

    /// The backoff timer fired.
    mutating func reconnectTimerFired() -> Action {
        guard case .backingOff(let failedAttempts) = state else { return .none }  // closed meanwhile
        state = .connecting(failedAttempts: failedAttempts)
        return .connect
    }

    /// `close()`; later calls do nothing.
    mutating func closeRequested() -> Action {
        guard state != .closed else { return .none }
        state = .closed
        return .closeEverything
    }

    /// 100 ms doubling per earlier failure, at most 2 s.
    static func backoffMilliseconds(afterFailures failures: Int) -> Int {
        let doublings = min(failures, 8)
        return min(initialBackoffMilliseconds << doublings, maximumBackoffMilliseconds)
    }
}
