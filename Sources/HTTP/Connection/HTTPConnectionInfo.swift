import EventLoop

/// What a handler may know of the connection a request came on: which one it is, and the client's address.
package struct HTTPConnectionInfo: Hashable, Sendable {
    /// Unique among the connections of one server: tells a kept-alive connection from a new one.
    package let id: UInt64
    /// The client's address and port, nil when the system could not tell.
    package let peer: PeerAddress?

    /// Makes the description of a connection, as the server does and as tests do.
    package init(id: UInt64, peer: PeerAddress?) {
        self.id = id
        self.peer = peer
    }
}
