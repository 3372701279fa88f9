import CLibEvent
import Glibc
import Synchronization

/// One libevent `event_base` driven by one thread. Everything a connection owns lives on exactly one loop; other
/// threads reach a loop only through `execute(_:)`.
// Sendable: the only members touched from other threads are `execute(_:)` (a Mutex-guarded inbox plus
// `event_active`, which libevent makes thread-safe once `evthread_use_pthreads()` has run, see `Loop.init`) and the
// immutable `index`. Everything else is used on the loop thread only (`isCurrent` tells whether a caller is on it).
package final class Loop: @unchecked Sendable {
    /// Position of this loop among the workers (0 for the first).
    package let index: Int
    private let base: OpaquePointer
    private let inbox = Mutex<[@Sendable () -> Void]>([])
    private var wakeUpEvent: OpaquePointer?
    private let thread = Mutex<pthread_t?>(nil)
    private var hasStopped = false
    /// Scratch space for socket reads on this loop: bytes are parsed straight from it and only leftovers are copied.
    package let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    /// Nesting depth of `batchingWrites`, and the sockets that queued bytes inside it, to send when it ends.
    private var writeBatchDepth = 0
    private var batchedSockets: [SocketConnection] = []

    private static let threadingReady: Bool = evthread_use_pthreads() == 0

    /// Creates the loop's `event_base`. Call `run()` on the thread that will own it.
    package init(index: Int) throws(LoopError) {
        guard Self.threadingReady else { throw .threadingUnavailable }
        // Precise timers: libevent's default coarse clock has a 4 ms resolution here, which would make every
        // deadline and the curl timer up to 4 ms late.
        guard let config = event_config_new() else { throw .baseUnavailable }
        defer { event_config_free(config) }
        event_config_set_flag(config, Int32(EVENT_BASE_FLAG_PRECISE_TIMER.rawValue))
        guard let base = event_base_new_with_config(config) else { throw .baseUnavailable }
        self.index = index
        self.base = base
        let context = Unmanaged.passUnretained(self).toOpaque()
        wakeUpEvent = event_new(
            base,
            -1,
            Int16(EV_PERSIST),
            { _, _, context in
                guard let context else { return }
                Unmanaged<Loop>.fromOpaque(context).takeUnretainedValue().runPendingJobs()
            },
            context
        )
        if wakeUpEvent == nil { throw .baseUnavailable }
    }

    deinit {
        // Jobs posted after the loop stopped may hold loop objects (sockets, timers) whose deinit frees libevent
        // events: release them while the event base still exists.
        let unrun = inbox.withLock { queue in
            let jobs = queue
            queue.removeAll()
            return jobs
        }
        _ = consume unrun
        batchedSockets.removeAll()
        if let wakeUpEvent { event_free(wakeUpEvent) }
        event_base_free(base)
        readBuffer.deallocate()
    }

    /// Runs `body`; what it writes to sockets is sent when the outermost batch ends, one `sendmsg` per socket. The
    /// upstream client runs each curl call in a batch, so a response head and the body bytes that arrived with it
    /// leave together instead of one `send` each (fewer system calls, fewer wake-ups of the client). Nothing waits
    /// longer than the callback that wrote it. Loop thread only.
    package func batchingWrites(_ body: () -> Void) {
        writeBatchDepth += 1
        body()
        writeBatchDepth -= 1
        guard writeBatchDepth == 0 else { return }
        // A batch begun from inside a send (a drained owner producing more) flushes its own sockets.
        let sockets = batchedSockets
        batchedSockets.removeAll(keepingCapacity: true)
        for socket in sockets { socket.sendBatched() }
    }

    /// Whether writes are being batched now (inside `batchingWrites`).
    var isBatchingWrites: Bool { writeBatchDepth > 0 }

    /// `socket` queued bytes during a batch; it sends them when the batch ends.
    func sendAfterBatch(_ socket: SocketConnection) { batchedSockets.append(socket) }

    /// The loop running on the calling thread, nil on any other thread. Lets per-loop resources (a database
    /// connection) be found by code that runs in a task on the loop without threading the loop through every call.
    package static var current: Loop? {
        guard let pointer = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<Loop>.fromOpaque(pointer).takeUnretainedValue()
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Runs the loop on the calling thread until `stop()`.
    package func run() {
        thread.withLock { $0 = pthread_self() }
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(Self.currentKey, nil) }
        runPendingJobs()
        // event_base_loop clears a loopbreak made before it started, so a stop() that came first is honoured here.
        // A stop() posted after this check wakes the loop through the inbox and breaks it from inside.
        if !hasStopped { event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY) }
        thread.withLock { $0 = nil }
    }

    /// Any thread: ends `run()` after the current callback. Jobs still queued are dropped.
    package func stop() {
        execute { [self] in
            hasStopped = true
            event_base_loopbreak(base)
        }
    }

    /// Any thread: runs `job` on the loop thread soon. Wakes the loop only when the inbox goes from empty to
    /// non-empty, so a burst of posts costs one wake-up.
    package func execute(_ job: @escaping @Sendable () -> Void) {
        let wasEmpty = inbox.withLock { queue in
            queue.append(job)
            return queue.count == 1
        }
        if wasEmpty, let wakeUpEvent { event_active(wakeUpEvent, EV_READ, 0) }
    }

    /// Whether the caller runs on this loop's thread.
    package var isCurrent: Bool {
        thread.withLock { owner in owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    /// The raw `event_base` for the watchers in this target. Never handed out across a `package` boundary except
    /// through this method.
    package func withUnsafeEventBase<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        try body(base)
    }

    private func runPendingJobs() {
        let jobs = inbox.withLock { queue in
            defer { queue = [] }
            return queue
        }
        for job in jobs where !hasStopped { job() }
    }
}

/// Why a loop could not be created.
package enum LoopError: Error, Equatable {
    case threadingUnavailable
    case baseUnavailable
}
