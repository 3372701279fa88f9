import EventLoop
import HTTP
import RateLimit

/// One request as the application sees it: the exchange, its request id, and what the log line needs.
struct RelayRequest {
    let exchange: HTTPExchange
    let requestID: String
    let origin: String?
    /// The route template for logs and metrics; `unmatched` until routing found one (CONTRACT.md E6).
    var route = "unmatched"
    var isProbe = false
    /// The `route` label's index in `Metrics.routes`; nil is `unmatched`.
    var metricsRoute: Int?
    /// The narrowest limit that applied so far, or the one that refused: its `RateLimit-*` headers go on the
    /// response (CONTRACT.md §7.3). Nil while no limit applied.
    var rateLimit: RateLimitVerdict?

    init(exchange: HTTPExchange, random: inout RandomPool) {
        self.exchange = exchange
        let headers = exchange.head.headers
        // CONTRACT.md §1.5: adopt a valid incoming id, else a fresh UUID v4.
        requestID = RequestID.adopt(headers.values(for: "x-request-id")) ?? RequestID.generate(using: &random)
        origin = headers["origin"]
    }
}
