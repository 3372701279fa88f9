/// Why the HTTP layer answers a request itself instead of letting the handler serve it. The handler turns it into
/// the contract's JSON error (CONTRACT.md §1.2); the connection closes afterwards.
package enum HTTPRefusal: Equatable, Sendable {
    /// Malformed or over-limit input (400, 413, 431 or 505, by the parse error).
    case malformed(HTTPParseError)
    /// `Content-Length` already says the body is over `REQUEST_BODY_LIMIT_BYTES` (413, before reading it).
    case bodyTooLarge
    /// The head or the body arrived too slowly (408).
    case timedOut
    /// The drain timed out before the handler answered (503, CONTRACT.md E7 step 5).
    case shuttingDown

    /// The status of the response.
    package var status: Int {
        switch self {
        case .malformed(let error): error.status
        case .bodyTooLarge: 413
        case .timedOut: 408
        case .shuttingDown: 503
        }
    }
}
