/// Why the parser refused a request; each case maps to one status of CONTRACT.md §1.2, always followed by a close.
package enum HTTPParseError: Error, Equatable, Sendable {
    /// The request line and header fields (or a chunked body's trailers) are over `maxHeadBytes` (431).
    case headTooLarge
    /// More than `maxHeaders` header (or trailer) fields (431).
    case tooManyHeaders
    /// The HTTP/2 preface or a well-formed `HTTP/d.d` other than 1.0 and 1.1 (505).
    case unsupportedVersion
    /// The request line is not `method SP request-target SP HTTP-version CRLF` (400).
    case invalidRequestLine
    /// The request-target has a forbidden byte or is not origin-form (`*` only with `OPTIONS`) (400).
    case invalidTarget
    /// A field name is not a token immediately followed by `:` (400).
    case invalidHeaderName
    /// A field value holds a control byte, or a bare CR or LF ends a field line (400).
    case invalidHeaderValue
    /// A field line starts with a space or tab (obs-fold) (400).
    case obsFold
    /// Both `Content-Length` and `Transfer-Encoding` (400): the classic request-smuggling setup.
    case conflictingFraming
    /// Several `Content-Length` values that differ (400).
    case conflictingContentLength
    /// A `Content-Length` that is not 1 to 18 decimal digits (400).
    case invalidContentLength
    /// A `Transfer-Encoding` other than exactly one `chunked`, or any in HTTP/1.0 (400).
    case unsupportedTransferEncoding
    /// HTTP/1.1 without a `Host` field (400).
    case missingHost
    /// More than one `Host` field (400).
    case multipleHost
    /// A chunk size that is not 1 to 15 hexadecimal digits (400).
    case invalidChunkSize
    /// Bad chunk extensions, a missing CRLF around chunk data, or an overlong chunk-size line (400).
    case invalidChunkFraming
    /// The decoded chunked body crossed `maxBodyBytes` (413).
    case bodyTooLarge

    /// The status the refusal is answered with (CONTRACT.md §1.2).
    package var status: Int {
        switch self {
        case .headTooLarge, .tooManyHeaders:
            return 431
        case .unsupportedVersion:
            return 505
        case .bodyTooLarge:
            return 413
        case .invalidRequestLine, .invalidTarget, .invalidHeaderName, .invalidHeaderValue, .obsFold,
            .conflictingFraming, .conflictingContentLength, .invalidContentLength, .unsupportedTransferEncoding,
            .missingHost, .multipleHost, .invalidChunkSize, .invalidChunkFraming:
            return 400
        }
    }
}
