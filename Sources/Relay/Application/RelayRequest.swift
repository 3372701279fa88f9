import EventLoop
import HTTP

/// One request as the application sees it: the exchange, its request id, and what the log line needs.
struct RelayRequest {
    let exchange: HTTPExchange
    let requestID: String
    let origin: String?
    /// The route template for logs and metrics; `unmatched` until routing found one (CONTRACT.md E6).
    var route = "unmatched"
    var isProbe = false

    init(exchange: HTTPExchange, random: inout RandomPool) {
        self.exchange = exchange
        let headers = exchange.head.headers
        // CONTRACT.md §1.5: adopt a valid incoming id, else a fresh UUID v4.
        requestID = RequestID.adopt(headers.values(for: "x-request-id")) ?? RequestID.generate(using: &random)
        origin = headers["origin"]
    }
}
