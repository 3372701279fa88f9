import Synchronization

/// Server-wide facts every loop may read: whether the server drains, and how many client connections are open.
package final class HTTPServerState: Sendable {
    private let draining = Atomic<Bool>(false)
    private let connections = Atomic<Int>(0)
    private let connectionSerial = Atomic<UInt64>(0)

    package init() {}

    /// Whether a drain has begun (CONTRACT.md E7: `/readyz` answers 503 from then on).
    package var isDraining: Bool { draining.load(ordering: .acquiring) }
    /// Client connections open now, over all loops.
    package var openConnections: Int { connections.load(ordering: .relaxed) }

    func beginDraining() -> Bool {
        !draining.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Counts a new connection and returns its id (HTTPConnectionInfo.id).
    func connectionOpened() -> UInt64 {
        connections.add(1, ordering: .relaxed)
        return connectionSerial.add(1, ordering: .relaxed).newValue
    }

    /// Returns the count after the close.
    func connectionClosed() -> Int { connections.subtract(1, ordering: .relaxed).newValue }
}
