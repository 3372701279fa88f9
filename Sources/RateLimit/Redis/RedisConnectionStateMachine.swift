/// The life of one loop's Redis connection: when to connect, whether a call goes to Redis, waits for a connect
/// attempt or is judged in process at once, and how long to back off. No I/O and no clock; `RedisRateLimiter`
/// carries out the actions (STYLE.md §3).
///
/// Decisions (CONTRACT.md E2): a call arriving while the first attempt (or a reconnect after a clean loss) is
/// under way waits for it, up to the call's own deadline; while degraded — after a timeout, an error or a failed
/// attempt, until a connection is up again — calls are judged in process at once, so no request waits on a Redis
/// that is known to be away. Failed attempts back off 100 ms, 200 ms, ... up to 5 s (the driver adds jitter).
struct RedisConnectionStateMachine {
    /// What the driver should do next.
    enum Action: Equatable {
        case none
        /// Resolve the host if needed, open a link, send the handshake, arm the connect deadline.
        case connect
        /// Up: send the calls that waited.
        case startSending
        /// Drop the link, judge waiting and sent calls in process, try again after about this long.
        case dropAndReconnect(afterMilliseconds: Int)
        /// Drop the link, judge every call in process, stop the timers.
        case closeEverything
    }

    /// Where a call arriving now goes.
    enum CallRoute: Equatable {
        case send
        case wait
        case judgeLocally
    }

    enum State: Equatable {
        /// Never started. Next: `.connecting`, `.closed`.
        case idle
        /// An attempt is under way. Next: `.ready`, `.backingOff`, `.closed`.
        case connecting(failures: Int)
        /// Next: `.backingOff` (lost, failed or timed out; or `MOVED`, with no delay), `.closed`.
        case ready
        /// Next: `.connecting`, `.closed`.
        case backingOff(failures: Int)
        /// Final.
        case closed
    }

    static let initialBackoffMilliseconds = 100
    /// E2: reconnect attempts are at most 5 s apart.
    static let maximumBackoffMilliseconds = 5000

    private(set) var state: State = .idle
    /// Whether calls are judged in process because Redis failed (E2's degraded mode); shown by `/readyz`.
    private(set) var isDegraded = false

    var isConnecting: Bool {
        if case .connecting = state { return true }
        return false
    }

    mutating func started() -> Action {
        guard state == .idle else { return .none }
        state = .connecting(failures: 0)
        return .connect
    }

    mutating func callArrived() -> CallRoute {
        switch state {
        case .ready: return .send
        case .connecting: return isDegraded ? .judgeLocally : .wait
        case .idle, .backingOff, .closed: return .judgeLocally
        }
    }

    /// The handshake finished: the script is loaded.
    mutating func connectSucceeded() -> Action {
        guard isConnecting else { return .none }
        state = .ready
        isDegraded = false
        return .startSending
    }

    /// The attempt failed, or the connection was lost, timed out or answered with an error.
    mutating func failed() -> Action {
        let failures: Int
        switch state {
        case .connecting(let count): failures = count + 1
        case .ready: failures = 1
        case .idle, .backingOff, .closed: return .none
        }
        state = .backingOff(failures: failures)
        isDegraded = true
        return .dropAndReconnect(afterMilliseconds: Self.backoff(failures: failures))
    }

    /// Redis named another node (`MOVED`): go there at once; calls meanwhile are judged in process.
    mutating func redirected() -> Action {
        guard state == .ready || isConnecting else { return .none }
        state = .backingOff(failures: 0)
        isDegraded = true
        return .dropAndReconnect(afterMilliseconds: 0)
    }

    /// A waiting call's deadline passed during an attempt: later calls stop waiting for it.
    mutating func waitTimedOut() {
        if isConnecting { isDegraded = true }
    }

    mutating func reconnectTimerFired() -> Action {
        guard case .backingOff(let failures) = state else { return .none }
        state = .connecting(failures: failures)
        return .connect
    }

    mutating func closeRequested() -> Action {
        guard state != .closed else { return .none }
        state = .closed
        return .closeEverything
    }

    /// 100 ms doubling per failure, at most 5 s.
    static func backoff(failures: Int) -> Int {
        guard failures > 0 else { return 0 }
        let shift = min(failures - 1, 16)
        return min(maximumBackoffMilliseconds, initialBackoffMilliseconds << shift)
    }
}
