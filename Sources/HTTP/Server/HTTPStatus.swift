/// Reason phrases for the status line. Clients ignore them (RFC 9112 §4); they are here for people reading traces.
package enum HTTPStatus {
    /// The standard reason phrase of `code`, or an empty phrase for codes we never send.
    package static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }

    /// Whether a response with `code` never has a body (RFC 9110 §6.4.1).
    package static func forbidsBody(_ code: Int) -> Bool {
        code == 204 || code == 304 || (100..<200).contains(code)
    }
}
