import EventLoop
import Store
import Synchronization

/// Whether the database answered lately, for `/health` and `/readyz` (CONTRACT.md §9.1, E6): a ping every second
/// on the first loop, each bounded by `DB_TIMEOUT_MS`; "ok" means one succeeded within the last 2 s. Probes never
/// make a request wait on the database.
final class DatabaseHealth: Sendable {
    private static let freshness: UInt64 = 2_000_000_000
    private let lastSuccess = Atomic<UInt64>(0)
    private let hasSucceeded = Atomic<Bool>(false)
    private let failedPings = Atomic<Int>(0)

    /// Pings that failed or timed out since start (counted in `byok_relay_db_errors_total`, CONTRACT.md E6).
    var failedPingCount: Int { failedPings.load(ordering: .relaxed) }

    /// Records a successful query (the start-up work counts as one).
    func recordSuccess() {
        lastSuccess.store(MonotonicClock.nowNanoseconds(), ordering: .releasing)
        hasSucceeded.store(true, ordering: .releasing)
    }

    /// The database answered within the last 2 s.
    var isHealthy: Bool {
        guard hasSucceeded.load(ordering: .acquiring) else { return false }
        return MonotonicClock.nowNanoseconds() &- lastSuccess.load(ordering: .acquiring) <= Self.freshness
    }

    /// Pings `store` every second from a task on `loop`, until the process ends.
    func startProbing(_ store: any AccountStore, on loop: Loop) {
        Task(executorPreference: loop) { [self] in
            while true {
                if (try? await store.ping()) != nil {
                    recordSuccess()
                } else {
                    failedPings.wrappingAdd(1, ordering: .relaxed)
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
