import EventLoop

/// One session in LISTEN mode for cache invalidation (DESIGN.md §5): it must be a direct, session-mode connection,
/// never through a transaction-mode pool. Reconnects with backoff by itself; after every connect it issues LISTEN for
/// every channel again and then calls `onReconnect`, since notifications sent meanwhile are lost and the caller must
/// clear what they would have invalidated. A dead server is noticed by TCP keepalives and by a `SELECT 1` every
/// `pingIntervalMilliseconds`, which times out like any query and tears the session down.
///
/// Loop thread only, like `PostgresConnection`; set the handlers before `start()`.
// Sendable: the same confinement as PostgresConnection (every member touched on `loop`'s thread only, asserted in
// debug builds); Sendable only so loop-bound tasks may capture it.
package final class PostgresListener: @unchecked Sendable {
    /// Called for each notification, with channel and payload, on the loop thread.
    package var onNotification: ((_ channel: String, _ payload: String) -> Void)?
    /// Called once LISTEN is in place after each successful connect, the first included: from then on notifications
    /// arrive; anything sent before may have been missed.
    package var onReconnect: (() -> Void)?

    private let connection: PostgresConnection
    private let pingIntervalMilliseconds: Int
    private var channels: [String] = []
    private var pingTimer: LoopTimer?
    private var isStarted = false
    private var isClosed = false

    private static let ping = PreparedStatement(name: "byok_listener_ping", sql: "SELECT 1")

    /// A listener on `loop`; nothing happens until `start()`.
    package init(
        loop: Loop,
        configuration: PostgresConfiguration,
        pingIntervalMilliseconds: Int = 1000,
        logger: Logger? = nil
    ) {
        connection = PostgresConnection(loop: loop, configuration: configuration, logger: logger)
        self.pingIntervalMilliseconds = pingIntervalMilliseconds
    }

    /// The loop this listener lives on.
    package var loop: Loop { connection.loop }

    /// Whether the session is up (LISTEN may still be on its way).
    package var isConnected: Bool { connection.isConnected }

    /// Connects and keeps connected until `close()`. Loop thread only.
    package func start() {
        connection.assertOnLoop()
        guard !isStarted, !isClosed else { return }
        isStarted = true
        connection.connectedHandler = { [unowned self] in self.connected() }
        connection.notificationHandler = { [unowned self] channel, payload in self.onNotification?(channel, payload) }
        connection.connect()
        let timer = LoopTimer(loop: connection.loop) { [unowned self] in self.pingTimerFired() }
        pingTimer = timer
        timer.schedule(afterMilliseconds: pingIntervalMilliseconds)
    }

    /// Adds channels; LISTEN goes out now if connected, and after every reconnect.
    package func listen(channels newChannels: [String]) {
        connection.assertOnLoop()
        let added = newChannels.filter { !channels.contains($0) }
        guard !added.isEmpty else { return }
        channels += added
        if connection.isConnected { connection.submit(.simple(Self.listenScript(added))) { _ in } }
    }

    /// Stops listening and closes the session. Safe to call twice; also called from `deinit`.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        pingTimer?.close()
        pingTimer = nil
        connection.connectedHandler = nil
        connection.notificationHandler = nil
        connection.close()
    }

    deinit {
        // Off the loop, close() could run completions on the wrong thread; the timer goes, the connection's own
        // deinit frees the session.
        pingTimer?.close()
    }

    private func connected() {
        guard !channels.isEmpty else {
            onReconnect?()
            return
        }
        // A failure here is a lost session: it reconnects and this runs again.
        connection.submit(.simple(Self.listenScript(channels))) { [unowned self] result in
            if case .success = result, !self.isClosed { self.onReconnect?() }
        }
    }

    private func pingTimerFired() {
        // A refused ping (backing off) changes nothing; a ping that times out tears the session down.
        if connection.isConnected { connection.submit(.prepared(Self.ping, [])) { _ in } }
        pingTimer?.schedule(afterMilliseconds: pingIntervalMilliseconds)
    }

    /// `LISTEN "a"; LISTEN "b"` with identifiers quoted (doubled quotes inside), so any channel name is safe.
    static func listenScript(_ channels: [String]) -> String {
        channels.map { "LISTEN \"" + $0.replacingQuotes() + "\"" }.joined(separator: "; ")
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var quoted = ""
        for character in self {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted
    }
}
