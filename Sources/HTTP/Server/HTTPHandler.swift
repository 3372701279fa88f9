/// The application's side of the HTTP layer: one instance per loop, called on that loop's thread.
package protocol HTTPHandler: AnyObject {
    /// A request head arrived. Answer through `exchange` now or later; read its body with `readBody`.
    func requestReceived(_ exchange: HTTPExchange)
    /// The HTTP layer refuses the request (`exchange.head` is what could be read, `nil` before a head). Write the
    /// error response; the connection closes after it.
    func requestRefused(_ refusal: HTTPRefusal, exchange: HTTPExchange)
    /// A connection closed, after its exchange (if one was open) was cancelled or finished. `byPeer`: the client
    /// closed or reset it, rather than the server deciding to. Optional: the default does nothing.
    func connectionClosed(_ connection: HTTPConnectionInfo, byPeer: Bool)
}

extension HTTPHandler {
    package func connectionClosed(_ connection: HTTPConnectionInfo, byPeer: Bool) {}
}
