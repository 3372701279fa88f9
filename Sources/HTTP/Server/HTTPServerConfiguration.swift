/// Limits and timeouts of the HTTP layer (CONTRACT.md §1.7, §10.1); every value is configurable.
package struct HTTPServerConfiguration: Sendable {
    /// Request line plus headers, and the header count (`HTTP_MAX_HEADER_BYTES`, `HTTP_MAX_HEADERS`), and the body
    /// limit (`REQUEST_BODY_LIMIT_BYTES`).
    package var parserLimits: HTTPParserLimits
    /// The whole head must arrive within this many ms of the connection opening or the previous response.
    package var headerTimeoutMilliseconds: Int
    /// Longest gap between body bytes.
    package var bodyTimeoutMilliseconds: Int
    /// An idle keep-alive connection is closed silently after this long.
    package var keepAliveTimeoutMilliseconds: Int
    /// Above this many queued response bytes an exchange stops being writable (backpressure, DESIGN.md §4 step 5).
    package var responseHighWaterMark: Int
    /// Request body bytes held for a handler that has not started reading yet; above it the socket stops reading.
    package var pendingBodyLimit: Int

    /// The contract's defaults.
    package init(
        parserLimits: HTTPParserLimits = HTTPParserLimits(),
        headerTimeoutMilliseconds: Int = 10_000,
        bodyTimeoutMilliseconds: Int = 30_000,
        keepAliveTimeoutMilliseconds: Int = 5_000,
        responseHighWaterMark: Int = 64 * 1024,
        pendingBodyLimit: Int = 64 * 1024
    ) {
        self.parserLimits = parserLimits
        self.headerTimeoutMilliseconds = headerTimeoutMilliseconds
        self.bodyTimeoutMilliseconds = bodyTimeoutMilliseconds
        self.keepAliveTimeoutMilliseconds = keepAliveTimeoutMilliseconds
        self.responseHighWaterMark = responseHighWaterMark
        self.pendingBodyLimit = pendingBodyLimit
    }
}
