/// The application's side of the HTTP layer: one instance per loop, called on that loop's thread.
package protocol HTTPHandler: AnyObject {
    /// A request head arrived. Answer through `exchange` now or later; read its body with `readBody`.
    func requestReceived(_ exchange: HTTPExchange)
    /// The HTTP layer refuses the request (`exchange.head` is what could be read, `nil` before a head). Write the
    /// error response; the connection closes after it.
    func requestRefused(_ refusal: HTTPRefusal, exchange: HTTPExchange)
}
