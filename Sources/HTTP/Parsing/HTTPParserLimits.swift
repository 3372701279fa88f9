/// The sizes past which the parser refuses a request; defaults are the contract's (CONTRACT.md §1.7).
package struct HTTPParserLimits: Sendable {
    /// Request line plus header fields, with their CRLFs and any leading empty lines (`HTTP_MAX_HEADER_BYTES`).
    package var maxHeadBytes = 16384
    /// Header fields in one head; the same cap applies to a chunked body's trailer fields (`HTTP_MAX_HEADERS`).
    package var maxHeaders = 100
    /// Decoded bytes of a chunked body (`REQUEST_BODY_LIMIT_BYTES`); `Content-Length` is checked by the connection.
    package var maxBodyBytes = 10_485_760

    /// Makes limits, the contract's defaults unless given.
    package init(maxHeadBytes: Int = 16384, maxHeaders: Int = 100, maxBodyBytes: Int = 10_485_760) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaders = maxHeaders
        self.maxBodyBytes = maxBodyBytes
    }
}
