import EventLoop
import HTTP

/// Errors the relay answers itself, before or instead of a handler's own response.
enum RelayError: Error, Equatable {
    case notFound
    case methodNotAllowed(allowed: String)
    case starting
    case refused(HTTPRefusal)
    case internalError
}

/// The one mapping from errors to the wire: status, the contract's exact message, extra headers, and a short label
/// for logs (CONTRACT.md §1.2). No `default:` so a new error does not compile without its mapping.
struct ErrorResponse {
    let status: Int
    let message: String
    let extraHeaders: [(String, String)]
    let label: String

    init(_ error: RelayError) {
        switch error {
        case .notFound: self.init(404, "Not found", label: "not_found")
        case .methodNotAllowed(let allowed):
            self.init(405, "Method not allowed", headers: [("Allow", allowed)], label: "method_not_allowed")
        case .starting:
            self.init(503, "Relay is starting. Please retry.", headers: [("Retry-After", "1")], label: "starting")
        case .internalError: self.init(500, "Internal server error", label: "internal")
        case .refused(let refusal): self.init(refusal)
        }
    }

    private init(_ refusal: HTTPRefusal) {
        // The connection adds `Connection: close` to every refusal (CONTRACT.md §1.2's table).
        switch refusal {
        case .bodyTooLarge: self.init(413, "Request body too large", label: "body_too_large")
        case .timedOut: self.init(408, "Request timeout", label: "request_timeout")
        case .shuttingDown: self.init(503, "Relay is shutting down. Please retry.", label: "shutting_down")
        case .malformed(let error):
            switch error {
            case .headTooLarge, .tooManyHeaders:
                self.init(431, "Request header fields too large", label: "head_too_large")
            case .unsupportedVersion: self.init(505, "HTTP version not supported", label: "version_not_supported")
            case .bodyTooLarge: self.init(413, "Request body too large", label: "body_too_large")
            case .invalidRequestLine, .invalidTarget, .invalidHeaderName, .invalidHeaderValue, .obsFold,
                .conflictingFraming, .conflictingContentLength, .invalidContentLength, .unsupportedTransferEncoding,
                .missingHost, .multipleHost, .invalidChunkSize, .invalidChunkFraming:
                self.init(400, "Bad request", label: "bad_request")
            }
        }
    }

    private init(_ status: Int, _ message: String, headers: [(String, String)] = [], label: String) {
        self.status = status
        self.message = message
        self.extraHeaders = headers
        self.label = label
    }

    /// `{"error":"<message>"}`.
    var body: [UInt8] { JSONValue.object([("error", .string(message))]).bytes }
}
