import Glibc

/// A few threads for work that blocks (SQLite, `getaddrinfo`, migrations), so no loop thread ever waits on the disk
/// or the resolver (DESIGN.md §3). Jobs run in submission order on whichever thread is free; results travel back by
/// whatever the job does (typically resuming a continuation, whose task then continues on its own loop).
// Sendable: the queue is guarded by a pthread mutex (a condition variable needs one) and the threads only read it.
package final class BlockingPool: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var isShutDown = false
    private var threads: [pthread_t] = []

    /// Starts `threadCount` threads (at least one).
    package init(threadCount: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for _ in 0..<max(1, threadCount) {
            // The thread holds the pool until `shutDown()` ends it.
            threads.append(PlainThread.start { [self] in work() })
        }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Any thread: queues `job`; false (and the job is dropped) after `shutDown()`.
    @discardableResult
    package func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        pthread_mutex_lock(mutex)
        let accepted = !isShutDown
        if accepted { jobs.append(job) }
        pthread_mutex_unlock(mutex)
        if accepted { pthread_cond_signal(condition) }
        return accepted
    }

    /// Lets queued jobs finish, then ends the threads and waits for them. Call once, not from a pool thread.
    package func shutDown() {
        pthread_mutex_lock(mutex)
        isShutDown = true
        let running = threads
        threads = []
        pthread_mutex_unlock(mutex)
        pthread_cond_broadcast(condition)
        for thread in running { pthread_join(thread, nil) }
    }

    private func work() {
        while let job = nextJob() { job() }
    }

    /// The next job, waiting for one; nil once shut down and drained.
    private func nextJob() -> (@Sendable () -> Void)? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == jobs.count {
            if isShutDown { return nil }
            pthread_cond_wait(condition, mutex)
        }
        let job = jobs[head]
        head += 1
        // Compact now and then instead of removing from the front each time.
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return job
    }
}
