import EventLoop

/// One PostgreSQL session on one loop, shared by every task on that loop (DESIGN.md §3): prepared statements go out
/// in libpq's pipeline mode, each with its own sync, so concurrent queries never wait for each other's round trips
/// and an error in one aborts no other. Non-blocking throughout: connects with `PQconnectPoll`, host names resolved
/// off the loop, socket watched by the loop.
///
/// - Every request has a deadline (`timeoutMilliseconds`) armed when it is submitted, whatever the connection is
///   doing; it fails with `.timeout` when the deadline passes. libpq 15 cannot cancel without blocking, so a request
///   that times out after it was sent takes the session down: requests sent after it fail with `.connectionLost`,
///   and the connection reconnects at once.
/// - Disconnected: see `PostgresConnectionStateMachine` for when requests wait for a connect attempt and when they
///   are refused with `.unavailable`. Reconnects happen in the background with backoff.
/// - `execute(simple:)` runs a multi-statement script: it waits until every pipelined answer is in, leaves pipeline
///   mode for the script, and enters it again afterwards; requests behind it wait their turn.
///
/// Loop thread only: call from tasks whose executor preference is `loop` (`Task(executorPreference: loop)`).
// Sendable: every member is touched on `loop`'s thread only (asserted in debug builds by `assertOnLoop()`); the one
// other thread involved, the host resolver, hands its answer back through `loop.execute`. The type is Sendable only
// so that loop-bound tasks, which the compiler cannot tell apart from others, may capture it.
package final class PostgresConnection: @unchecked Sendable {
    /// The loop this connection lives on.
    package let loop: Loop
    private let configuration: PostgresConfiguration
    private let logger: Logger?
    private var machine = PostgresConnectionStateMachine()
    private var link: PostgresLink?
    /// Numbers connect attempts, so a late host lookup for an abandoned attempt is ignored.
    private var attempt = 0
    /// Submitted, unanswered requests: the first `sentCount` are on the wire, in order.
    private var requests = PostgresRequestQueue()
    private var sentCount = 0
    /// Statement name → SQL, for statements prepared (or being prepared) on the current link.
    private var preparedStatements: [String: String] = [:]
    /// Completions and handlers run after libpq work is done, so none can re-enter it (or close the link) midway.
    private var callbacks: [() -> Void] = []
    private var isRunningCallbacks = false
    private var deadlineTimer: LoopTimer?
    private var connectTimer: LoopTimer?
    private var reconnectTimer: LoopTimer?
    private var connectionWaiters: [Int: ConnectionWaiter] = [:]
    private var nextWaiterID = 0
    /// Whether a connect failure was logged at `warn` since the last successful connect.
    private var hasWarnedSinceConnected = false

    /// Called after each successful connect, before waiting requests are answered (`PostgresListener` re-listens).
    var connectedHandler: (() -> Void)?
    /// Called for each `NOTIFY` received, with channel and payload.
    var notificationHandler: ((String, String) -> Void)?

    /// A connection that connects on first use (or on `connect()` / `waitUntilConnected(timeoutMilliseconds:)`).
    /// `logger` gets libpq's connect errors at debug level; nothing else is logged.
    package init(loop: Loop, configuration: PostgresConfiguration, logger: Logger? = nil) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
    }

    /// Parses `conninfo` (URL or `key=value`) with `timeoutMilliseconds` as every statement's deadline.
    package convenience init(
        loop: Loop,
        conninfo: String,
        timeoutMilliseconds: Int,
        logger: Logger? = nil
    ) throws(PostgresError) {
        let configuration = try PostgresConfiguration(conninfo: conninfo, timeoutMilliseconds: timeoutMilliseconds)
        self.init(loop: loop, configuration: configuration, logger: logger)
    }

    /// Loop thread only. Frees everything; waiting requests fail.
    package func close() {
        assertOnLoop()
        carryOut(machine.closeRequested())
        runCallbacks()
    }

    deinit {
        // A pending `query` keeps its connection alive, so nothing waits here any more.
        link?.close()
        deadlineTimer?.close()
        connectTimer?.close()
        reconnectTimer?.close()
    }

    /// Whether a session is up. Loop thread only.
    package var isConnected: Bool {
        assertOnLoop()
        return machine.isConnected
    }

    /// Starts connecting if nothing has started yet. Loop thread only.
    package func connect() {
        assertOnLoop()
        carryOut(machine.connectRequested())
        runCallbacks()
    }

    /// Starts connecting if needed and waits until connected (true), the timeout passes or the connection is closed
    /// (false). Failed attempts are retried meanwhile. For start-up and readiness checks.
    package func waitUntilConnected(timeoutMilliseconds: Int) async -> Bool {
        assertOnLoop()
        connect()
        if machine.isConnected { return true }
        if machine.isClosed { return false }
        return await withCheckedContinuation { continuation in
            nextWaiterID += 1
            let id = nextWaiterID
            let timer = LoopTimer(loop: loop) { [unowned self] in self.connectionWaitExpired(id) }
            timer.schedule(afterMilliseconds: timeoutMilliseconds)
            connectionWaiters[id] = ConnectionWaiter(continuation: continuation, timer: timer)
        }
    }

    /// Runs a prepared statement (prepared on this session the first time) with `parameters` (nil is SQL NULL).
    package func query(
        _ statement: PreparedStatement,
        _ parameters: [PostgresValue?] = []
    ) async throws(PostgresError) -> PostgresRows {
        let result = await withCheckedContinuation { continuation in
            submit(.prepared(statement, parameters)) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Runs a script of one or more statements through the simple protocol (migrations). A script must leave no
    /// transaction open: one that does (or fails inside one) is rolled back, and fails.
    package func execute(simple sql: String) async throws(PostgresError) {
        let result = await withCheckedContinuation { continuation in
            submit(.simple(sql)) { continuation.resume(returning: $0) }
        }
        _ = try result.get()
    }

    /// Queues a request; `completion` runs on the loop thread exactly once.
    func submit(_ kind: PostgresRequest.Kind, completion: @escaping (Result<PostgresRows, PostgresError>) -> Void) {
        assertOnLoop()
        defer { runCallbacks() }
        if case .prepared(_, let parameters) = kind, !parameters.allSatisfy({ $0?.isTransmittable ?? true }) {
            return callbacks.append { completion(.failure(.protocolViolation)) }
        }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(configuration.timeoutMilliseconds))
        let request = PostgresRequest(kind: kind, deadline: deadline, completion: completion)
        switch machine.requestArrived() {
        case .refuse:
            callbacks.append { completion(.failure(.unavailable)) }
        case .wait:
            enqueue(request)
        case .waitAndConnect:
            enqueue(request)
            carryOut(.connect)
        case .send:
            enqueue(request)
            sendQueued()
        }
    }

    // MARK: Carrying out the state machine's actions

    private func carryOut(_ action: PostgresConnectionStateMachine.Action) {
        switch action {
        case .none:
            return
        case .connect:
            startConnectAttempt()
        case .startSending:
            connectTimer?.cancel()
            for waiter in connectionWaiters.values {
                waiter.timer.cancel()
                waiter.continuation.resume(returning: true)
            }
            connectionWaiters = [:]
            if let connectedHandler { callbacks.append(connectedHandler) }
            sendQueued()
        case .refuseWaitingAndReconnect(let milliseconds):
            closeLink()
            connectTimer?.cancel()
            precondition(sentCount == 0, "requests on the wire while connecting")
            for request in requests.removeAll() { finish(request, .failure(.unavailable)) }
            frontChanged()
            // Equal jitter: replicas that lost the database together do not come back in lockstep.
            let delay = milliseconds / 2 + Int.random(in: 0...(milliseconds / 2))
            timer(&reconnectTimer) { [unowned self] in self.reconnectTimerFired() }.schedule(afterMilliseconds: delay)
        case .closeEverything:
            closeLink()
            for timer in [deadlineTimer, connectTimer, reconnectTimer] { timer?.close() }
            for (position, request) in requests.removeAll().enumerated() {
                finish(request, .failure(position < sentCount ? .connectionLost : .unavailable))
            }
            sentCount = 0
            for waiter in connectionWaiters.values {
                waiter.timer.close()
                waiter.continuation.resume(returning: false)
            }
            connectionWaiters = [:]
        }
    }

    private func startConnectAttempt() {
        attempt += 1
        let current = attempt
        timer(&connectTimer) { [unowned self] in self.connectTimerFired() }
            .schedule(afterMilliseconds: configuration.timeoutMilliseconds)
        guard let hosts = configuration.hostsToResolve else { return openLink(addresses: nil) }
        PostgresHostResolver.resolve(hosts) { [weak self] addresses in
            guard let loop = self?.loop else { return }
            loop.execute { [weak self] in self?.hostsResolved(addresses, attempt: current) }
        }
    }

    private func hostsResolved(_ addresses: [[String]]?, attempt resolvedAttempt: Int) {
        guard resolvedAttempt == attempt, machine.isConnecting, link == nil else { return }  // attempt abandoned
        defer { runCallbacks() }
        guard let addresses else {
            logger?.debug("database host name did not resolve")
            return carryOut(machine.connectFailed())
        }
        openLink(addresses: addresses)
    }

    private func openLink(addresses: [[String]]?) {
        let parameters = configuration.connectParameters(addresses: addresses)
        let link = PostgresLink(loop: loop, keywords: parameters.keywords, values: parameters.values) {
            [unowned self] event in self.linkReported(event)
        }
        guard let link else { return carryOut(machine.connectFailed()) }
        self.link = link
        link.start()
    }

    private func linkReported(_ event: PostgresLink.Event) {
        defer { runCallbacks() }
        switch event {
        case .connected:
            guard let link, link.enterPipelineMode() else { return carryOut(machine.connectFailed()) }
            preparedStatements = [:]
            hasWarnedSinceConnected = false
            carryOut(machine.connectSucceeded())
        case .connectFailed:
            // The first failure of an outage is a warning an operator sees (a wrong password, a refused
            // connection); the retries after it are debug lines. libpq's text names the server, never the password.
            let fields: [(String, JSONValue)] = [("error", .string(link?.errorMessage ?? ""))]
            if hasWarnedSinceConnected {
                logger?.debug("database connect attempt failed", fields)
            } else {
                hasWarnedSinceConnected = true
                logger?.warn("database connect attempt failed", fields)
            }
            carryOut(machine.connectFailed())
        case .readable:
            guard let link, link.consumeInput() else { return linkBroke() }
            readResults()
            guard let link = self.link else { return }
            if let notificationHandler {
                for notification in link.notifications() {
                    callbacks.append { notificationHandler(notification.channel, notification.payload) }
                }
            }
            sendQueued()
            if self.link?.isBroken == true { linkBroke() }
        case .writable:
            flush()
        }
    }

    /// The session is gone: what was on the wire is lost, what was not waits for the reconnect.
    private func linkBroke() {
        guard machine.isConnected else { return }
        if let link { logger?.debug("database connection lost", [("error", .string(link.errorMessage))]) }
        closeLink()
        for _ in 0..<sentCount { finish(requests.removeFirst(), .failure(.connectionLost)) }
        sentCount = 0
        preparedStatements = [:]
        frontChanged()
        carryOut(machine.connectionBroke())
    }

    private func closeLink() {
        link?.close()
        link = nil
    }

    private func connectTimerFired() {
        guard machine.isConnecting else { return }
        logger?.debug("database connect attempt timed out")
        carryOut(machine.connectFailed())
        runCallbacks()
    }

    private func reconnectTimerFired() {
        carryOut(machine.reconnectTimerFired())
        runCallbacks()
    }

    private func connectionWaitExpired(_ id: Int) {
        guard let waiter = connectionWaiters.removeValue(forKey: id) else { return }
        waiter.continuation.resume(returning: false)
    }

    // MARK: Sending and reading

    /// Sends every queued request that may go now: prepared statements while no script is on the wire, a script
    /// only when nothing else is.
    private func sendQueued() {
        guard machine.isConnected, let link else { return }
        var sentAny = false
        sending: while sentCount < requests.count {
            if sentCount > 0 && requests[0].isSimple { break }
            let position = sentCount
            switch requests[position].kind {
            case .prepared(let statement, let parameters):
                var expectsPrepareResult = false
                if let sql = preparedStatements[statement.name] {
                    precondition(sql == statement.sql, "statement \(statement.name) names two SQL texts")  // caller bug
                } else {
                    guard link.sendPrepare(statement) else { return linkBroke() }
                    preparedStatements[statement.name] = statement.sql
                    expectsPrepareResult = true
                }
                guard link.sendQueryPrepared(statement, parameters), link.pipelineSync() else { return linkBroke() }
                requests[position].phase = .sent(expectsPrepareResult: expectsPrepareResult)
            case .simple(let sql):
                guard sentCount == 0 else { break sending }
                guard link.exitPipelineMode(), link.sendSimpleQuery(sql) else { return linkBroke() }
                requests[position].phase = .sent(expectsPrepareResult: false)
            }
            sentCount += 1
            sentAny = true
        }
        if sentAny { flush() }
    }

    private func flush() {
        guard let link else { return }
        if link.flush() == .failed { linkBroke() }
    }

    /// Hands every complete result to the front request, in order.
    private func readResults() {
        var consecutiveEnds = 0
        while sentCount > 0, let link, let event = link.nextResult() {
            if case .end = event {
                // A null result ends one statement's results; two in a row with answers outstanding would mean libpq
                // and this driver disagree about the pipeline: stop, and let the deadline clean up.
                consecutiveEnds += 1
                if consecutiveEnds > 2 { return }
            } else {
                consecutiveEnds = 0
            }
            switch requests[0].phase {
            case .queued:
                preconditionFailure("a result for a request never sent")  // driver bug
            case .sent(let expectsPrepareResult):
                if requests[0].isSimple {
                    scriptResultArrived(event)
                } else {
                    pipelinedResultArrived(event, expectsPrepareResult: expectsPrepareResult)
                }
            case .rollingBack:
                if case .end = event { completeScript() }
            }
        }
    }

    /// Results of one request's segment: [prepare result], statement result, sync.
    private func pipelinedResultArrived(_ event: PostgresLink.ResultEvent, expectsPrepareResult: Bool) {
        switch event {
        case .rows(let rows):
            if expectsPrepareResult {
                requests[0].phase = .sent(expectsPrepareResult: false)
            } else {
                requests[0].record(.success(rows))
            }
        case .failed(let error):
            if expectsPrepareResult, case .prepared(let statement, _) = requests[0].kind {
                // Prepared again next time (and refused alike if the SQL is bad).
                preparedStatements[statement.name] = nil
                requests[0].phase = .sent(expectsPrepareResult: false)
            }
            requests[0].recordFailure(error)
        case .pipelineAborted:
            requests[0].phase = .sent(expectsPrepareResult: false)
            requests[0].recordFailure(.protocolViolation)
        case .end:
            break
        case .pipelineSync:
            sentCount -= 1
            let request = requests.removeFirst()
            finish(request, request.outcome ?? .failure(.protocolViolation))
            frontChanged()
        }
    }

    /// Results of a script: one per statement, then a null result.
    private func scriptResultArrived(_ event: PostgresLink.ResultEvent) {
        switch event {
        case .failed(let error):
            requests[0].recordFailure(error)
        case .rows, .pipelineSync, .pipelineAborted:
            break
        case .end:
            guard let link else { return }
            guard link.transactionStatus != .idle else { return completeScript() }
            // Every task on this loop shares the session: a transaction left open would swallow their statements.
            requests[0].recordFailure(.protocolViolation)
            guard link.sendSimpleQuery("ROLLBACK") else { return linkBroke() }
            requests[0].phase = .rollingBack
            flush()
        }
    }

    private func completeScript() {
        guard let link, link.enterPipelineMode() else { return linkBroke() }
        sentCount -= 1
        let request = requests.removeFirst()
        finish(request, request.outcome ?? .success(.empty))
        frontChanged()
    }

    // MARK: Deadlines

    /// Re-arms the deadline timer for the front request, whose deadline is the earliest (arrival order).
    private func frontChanged() {
        guard let front = requests.first else {
            deadlineTimer?.cancel()
            return
        }
        let remaining = ContinuousClock.now.duration(to: front.deadline).components
        let milliseconds =
            Int(remaining.seconds) * 1000 + Int((remaining.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        timer(&deadlineTimer) { [unowned self] in self.deadlineTimerFired() }
            .schedule(afterMilliseconds: max(0, milliseconds))
    }

    private func deadlineTimerFired() {
        defer { runCallbacks() }
        let now = ContinuousClock.now.advanced(by: .milliseconds(1))
        while let front = requests.first, front.deadline <= now {
            if sentCount > 0 {
                sentCount -= 1
                finish(requests.removeFirst(), .failure(.timeout))
                // libpq 15 has no non-blocking cancel (PQcancel blocks the loop; PQcancelStart is libpq 17), so the
                // session goes, with every answer queued behind this one. The server's statement_timeout, equal to
                // the deadline, stops the abandoned work there too.
                linkBroke()
            } else {
                finish(requests.removeFirst(), .failure(machine.isConnected ? .timeout : .unavailable))
            }
        }
        frontChanged()
    }

    // MARK: Helpers

    private func enqueue(_ request: PostgresRequest) {
        requests.append(request)
        if requests.count == 1 { frontChanged() }
    }

    private func finish(_ request: PostgresRequest, _ result: Result<PostgresRows, PostgresError>) {
        let completion = request.completion
        callbacks.append { completion(result) }
    }

    /// Runs queued completions and handlers; one may submit again, whose callbacks this same loop runs.
    func runCallbacks() {
        guard !isRunningCallbacks else { return }
        isRunningCallbacks = true
        defer { isRunningCallbacks = false }
        while !callbacks.isEmpty {
            let batch = callbacks
            callbacks = []
            for callback in batch { callback() }
        }
    }

    private func timer(_ slot: inout LoopTimer?, fired: @escaping () -> Void) -> LoopTimer {
        if let timer = slot { return timer }
        let timer = LoopTimer(loop: loop, fired: fired)
        slot = timer
        return timer
    }

    func assertOnLoop() {
        assert(loop.isCurrent, "PostgresConnection used off its loop")
    }
}

/// A `waitUntilConnected` caller and its timeout.
private struct ConnectionWaiter {
    let continuation: CheckedContinuation<Bool, Never>
    let timer: LoopTimer
}
