/// How the body of a request is delimited, decided once from its head (RFC 9112 §6.3).
package enum HTTPBodyFraming: Equatable, Sendable {
    /// Neither `Content-Length` nor `Transfer-Encoding`: the request has no body.
    case none
    /// Exactly this many body bytes follow the head.
    case contentLength(Int)
    /// `Transfer-Encoding: chunked`: chunks until the last (zero-size) chunk and the trailer section.
    case chunked
}
