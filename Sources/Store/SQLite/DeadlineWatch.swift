import EventLoop
import Glibc
import Synchronization

/// Something waiting for an answer that must get one by its deadline.
protocol Expiring: AnyObject, Sendable {
    /// Whether it still waits.
    var isPending: Bool { get }
    /// Answers with "timed out" (a no-op when it was answered already).
    func expire()
}

/// Gives every SQLite call its `.timeout` answer when `DB_TIMEOUT_MS` passes, whatever the pool threads are doing.
///
/// Every call has the same timeout, so deadlines come in the order calls start: a FIFO queue, checked every 10 ms
/// by one thread of its own, costs a call one short lock instead of a timer or a task of its own.
final class DeadlineWatch: Sendable {
    private struct Queue {
        var entries: [(deadline: UInt64, waiter: any Expiring)] = []
        var head = 0
        var isStopped = false
    }

    private static let tickNanoseconds: UInt64 = 10_000_000
    private let timeoutNanoseconds: UInt64
    private let queue = Mutex(Queue())
    private let thread = BlockingPool(threadCount: 1)

    init(timeoutMilliseconds: Int) {
        timeoutNanoseconds = UInt64(max(0, timeoutMilliseconds)) * 1_000_000
        thread.submit { [self] in run() }
    }

    /// Expires `waiter` after the timeout unless it was answered by then.
    func watch(_ waiter: any Expiring) {
        let deadline = MonotonicClock.nowNanoseconds() + timeoutNanoseconds
        queue.withLock { $0.entries.append((deadline, waiter)) }
    }

    /// Expires everything still waiting and ends the thread.
    func stop() {
        let waiting = queue.withLock { queue in
            queue.isStopped = true
            defer { queue.entries = [] }
            return queue.entries[queue.head...].map(\.waiter)
        }
        for waiter in waiting { waiter.expire() }
        thread.shutDown()
    }

    private func run() {
        var pause = timespec(tv_sec: 0, tv_nsec: Int(Self.tickNanoseconds))
        while true {
            let now = MonotonicClock.nowNanoseconds()
            let (expired, isStopped) = queue.withLock { queue -> ([any Expiring], Bool) in
                var expired: [any Expiring] = []
                while queue.head < queue.entries.count {
                    let entry = queue.entries[queue.head]
                    if entry.waiter.isPending {
                        guard entry.deadline <= now else { break }
                        expired.append(entry.waiter)
                    }
                    queue.head += 1
                }
                if queue.head > 1024 && queue.head * 2 > queue.entries.count {
                    queue.entries.removeFirst(queue.head)
                    queue.head = 0
                }
                return (expired, queue.isStopped)
            }
            for waiter in expired { waiter.expire() }
            if isStopped { return }
            nanosleep(&pause, nil)
        }
    }
}
