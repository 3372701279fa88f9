import Synchronization

/// Server-wide facts every loop may read: whether the server drains, and how many client connections are open.
package final class HTTPServerState: Sendable {
    private let draining = Atomic<Bool>(false)
    private let connections = Atomic<Int>(0)

    package init() {}

    /// Whether a drain has begun (CONTRACT.md E7: `/readyz` answers 503 from then on).
    package var isDraining: Bool { draining.load(ordering: .acquiring) }
    /// Client connections open now, over all loops.
    package var openConnections: Int { connections.load(ordering: .relaxed) }

    func beginDraining() -> Bool {
        !draining.exchange(true, ordering: .acquiringAndReleasing)
    }

    func connectionOpened() { connections.add(1, ordering: .relaxed) }

    /// Returns the count after the close.
    func connectionClosed() -> Int { connections.subtract(1, ordering: .relaxed).newValue }
}
