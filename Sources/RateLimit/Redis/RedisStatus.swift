import EventLoop
import Synchronization

/// Whether the process's limits are shared right now (CONTRACT.md E2, E6): each loop's Redis connection reports
/// entering and leaving degraded mode; the process is degraded while any loop is. The first loop to degrade logs
/// the incident once; the last to recover logs its end.
package final class RedisStatus: Sendable {
    private let degradedLoops = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)
    private let logger: Logger?

    package init(logger: Logger?) {
        self.logger = logger
    }

    /// Whether some loop judges its calls in process because Redis failed.
    package var isDegraded: Bool { degradedLoops.load(ordering: .relaxed) > 0 }

    /// Failed or timed-out Redis calls and connect attempts since start (CONTRACT.md E6).
    package var errorCount: Int { failures.load(ordering: .relaxed) }

    func callFailed() { failures.wrappingAdd(1, ordering: .relaxed) }

    func loopDegraded(reason: String) {
        let (_, now) = degradedLoops.wrappingAdd(1, ordering: .relaxed)
        if now == 1 {
            logger?.warn("Redis unreachable — rate limits are enforced per replica", [("reason", .string(reason))])
        }
    }

    func loopRecovered() {
        let (_, now) = degradedLoops.wrappingSubtract(1, ordering: .relaxed)
        if now == 0 { logger?.info("Redis reachable again — rate limits are shared") }
    }
}
