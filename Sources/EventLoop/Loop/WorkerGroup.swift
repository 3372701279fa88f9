import Glibc
import Synchronization

/// The worker threads: one `Loop` each (DESIGN.md §3). Created on the main thread, which then waits in `join()`.
package final class WorkerGroup: Sendable {
    /// The loops, indexed like the workers.
    package let loops: [Loop]
    private let threads: ThreadList

    /// Creates `count` loops; no thread runs yet.
    package init(count: Int) throws(LoopError) {
        var loops: [Loop] = []
        for index in 0..<max(1, count) { loops.append(try Loop(index: index)) }
        self.loops = loops
        self.threads = ThreadList()
    }

    /// Starts one thread per loop, each running its loop until `stop()`.
    package func start() {
        for loop in loops { threads.append(PlainThread.start { loop.run() }) }
    }

    /// Any thread: asks every loop to stop.
    package func stop() {
        for loop in loops { loop.stop() }
    }

    /// Waits until every worker thread has returned.
    package func join() {
        for thread in threads.drain() { pthread_join(thread, nil) }
    }
}

/// Plain pthreads for the loops and the blocking pool: they run for the life of the process and must never be
/// Swift concurrency's cooperative threads, which a blocking call would starve.
enum PlainThread {
    /// Starts a thread running `body`. Out of threads at start-up there is nothing to serve with: that traps.
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread,
            nil,
            { context in
                guard let context else { return nil }
                Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
                return nil
            },
            box
        )
        precondition(status == 0, "pthread_create failed: \(status)")
        return thread
    }
}

/// The closure a new thread runs.
private final class ThreadBody: @unchecked Sendable {
    // Sendable: created on one thread and consumed by exactly one other, handed over by pthread_create.
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Started threads, guarded for `join()` from another thread than `start()`.
private final class ThreadList: Sendable {
    private let threads = Mutex<[pthread_t]>([])
    func append(_ thread: pthread_t) { threads.withLock { $0.append(thread) } }
    func drain() -> [pthread_t] {
        threads.withLock { list in
            defer { list = [] }; return list
        }
    }
}
