import EventLoop
import Synchronization

/// The HTTP server over every worker loop: one shared listening socket, one `HTTPLoopServer` per loop, and the
/// graceful drain of CONTRACT.md E7.
// Sendable: the loop servers are created, used and dropped on their own loops only (through `Loop.execute`);
// `loopServers` is written once per slot, on that slot's loop, before anything else reads it on that loop. The
// drain state is atomics and a Mutex.
package final class HTTPServer: @unchecked Sendable {
    /// Limits and timeouts.
    package let configuration: HTTPServerConfiguration
    /// Facts other layers read (draining, open connections).
    package let state: HTTPServerState
    private let listener: ListeningSocket
    private let workers: WorkerGroup
    private let makeHandler: @Sendable (Loop) -> any HTTPHandler
    private var loopServers: [HTTPLoopServer?]
    private let drain = Mutex(DrainProgress())
    private let stopped: @Sendable () -> Void
    /// Drain timers; created and used on the first loop only.
    private var drainTimers: [LoopTimer] = []
    private static let forcedStopGraceMilliseconds = 1000

    private struct DrainProgress {
        var hasStoppedAccepting = false
        var loopsStillAccepting = 0
        var isListenerClosed = false
        var hasFinished = false
        var isForced = false
    }

    /// Serves on `listener` with one handler per loop; `stopped` runs (on some loop) once a drain has finished.
    package init(
        listener: ListeningSocket,
        workers: WorkerGroup,
        configuration: HTTPServerConfiguration,
        state: HTTPServerState = HTTPServerState(),
        makeHandler: @escaping @Sendable (Loop) -> any HTTPHandler,
        stopped: @escaping @Sendable () -> Void
    ) {
        self.listener = listener
        self.workers = workers
        self.configuration = configuration
        self.state = state
        self.makeHandler = makeHandler
        self.stopped = stopped
        self.loopServers = Array(repeating: nil, count: workers.loops.count)
    }

    /// Starts accepting on every loop. The workers must be running (or about to run).
    package func start() {
        for loop in workers.loops {
            loop.execute { [self] in
                loopServers[loop.index] = HTTPLoopServer(
                    loop: loop,
                    server: self,
                    listener: listener,
                    handler: makeHandler(loop)
                )
            }
        }
    }

    /// Begins the drain (CONTRACT.md E7): `state.isDraining` at once; after `delayMilliseconds` the listener takes
    /// what is in its backlog and closes; once no connection is open, `stopped` runs. `timeoutMilliseconds` after
    /// the call everything still open is cut (`forceShutdown()`). A second call forces the shutdown at once.
    package func beginDrain(delayMilliseconds: Int, timeoutMilliseconds: Int) {
        guard state.beginDraining() else {
            forceShutdown()
            return
        }
        for loop in workers.loops {
            loop.execute { [self] in loopServers[loop.index]?.drainStarted() }
        }
        let first = workers.loops[0]
        first.execute { [self] in
            let delay = LoopTimer(loop: first) { [self] in stopAccepting() }
            let timeout = LoopTimer(loop: first) { [self] in forceShutdown() }
            drainTimers += [delay, timeout]
            delay.schedule(afterMilliseconds: delayMilliseconds)
            timeout.schedule(afterMilliseconds: timeoutMilliseconds)
        }
    }

    /// Cuts whatever is still open (CONTRACT.md E7 step 5).
    package func forceShutdown() {
        let alreadyForced = drain.withLock { progress in
            defer { progress.isForced = true }
            return progress.isForced
        }
        if alreadyForced { return }
        stopAccepting()
        for loop in workers.loops {
            loop.execute { [self] in loopServers[loop.index]?.shutdownNow() }
        }
        // A handler that ignores the shutdown must not keep the process alive: give the cut responses a moment to
        // flush, then stop regardless.
        let first = workers.loops[0]
        first.execute { [self] in
            let last = LoopTimer(loop: first) { [self] in finish(force: true) }
            drainTimers.append(last)
            last.schedule(afterMilliseconds: Self.forcedStopGraceMilliseconds)
        }
    }

    /// Every loop but the first stops accepting; when they all have, the first takes the backlog and closes the
    /// listener, so a connection the system completed is served, never reset (CONTRACT.md E7 step 2).
    private func stopAccepting() {
        let shouldStart = drain.withLock { progress -> Bool in
            guard !progress.hasStoppedAccepting else { return false }
            progress.hasStoppedAccepting = true
            progress.loopsStillAccepting = workers.loops.count - 1
            return true
        }
        guard shouldStart else { return }
        if workers.loops.count == 1 {
            closeListener()
            return
        }
        for loop in workers.loops.dropFirst() {
            loop.execute { [self] in
                loopServers[loop.index]?.stopAccepting(takeBacklog: false)
                let isLast = drain.withLock { progress in
                    progress.loopsStillAccepting -= 1
                    return progress.loopsStillAccepting == 0
                }
                if isLast { closeListener() }
            }
        }
    }

    private func closeListener() {
        workers.loops[0].execute { [self] in
            loopServers[0]?.stopAccepting(takeBacklog: true)
            listener.close()
            drain.withLock { $0.isListenerClosed = true }
            finishIfIdle()
        }
    }

    func connectionClosed() {
        if state.connectionClosed() == 0 { finishIfIdle() }
    }

    private func finishIfIdle() { finish(force: false) }

    private func finish(force: Bool) {
        let shouldFinish = drain.withLock { progress -> Bool in
            guard !progress.hasFinished else { return false }
            guard force || (progress.isListenerClosed && state.openConnections == 0) else { return false }
            progress.hasFinished = true
            return true
        }
        if shouldFinish { stopped() }
    }
}
