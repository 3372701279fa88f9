import EventLoop

/// The part of the server that lives on one loop: its acceptor, its connections and its handler. Loop thread only.
final class HTTPLoopServer {
    let configuration: HTTPServerConfiguration
    let handler: any HTTPHandler
    let dateHeader = DateHeaderCache()
    private let loop: Loop
    private unowned let server: HTTPServer
    private var acceptor: Acceptor?
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]

    init(loop: Loop, server: HTTPServer, listener: ListeningSocket, handler: any HTTPHandler) {
        self.loop = loop
        self.server = server
        self.configuration = server.configuration
        self.handler = handler
        acceptor = Acceptor(loop: loop, listener: listener) { [unowned self] descriptor in accepted(descriptor) }
    }

    var isDraining: Bool { server.state.isDraining }

    private func accepted(_ descriptor: Int32) {
        let id = server.state.connectionOpened()
        let connection = HTTPConnection(descriptor: descriptor, id: id, loop: loop, server: self)
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
    }

    func connectionClosed(_ connection: HTTPConnection, byPeer: Bool) {
        guard connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
        handler.connectionClosed(connection.info, byPeer: byPeer)
        server.connectionClosed()
    }

    func drainStarted() {
        for connection in connections.values { connection.drainStarted() }
    }

    /// Stops accepting on this loop; the last loop to stop first takes what is in the backlog (CONTRACT.md E7).
    func stopAccepting(takeBacklog: Bool) {
        if takeBacklog { acceptor?.acceptBacklogAndClose() } else { acceptor?.close() }
        acceptor = nil
    }

    func shutdownNow() {
        for connection in Array(connections.values) { connection.shutdownNow() }
    }
}
