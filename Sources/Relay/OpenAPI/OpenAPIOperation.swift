import EventLoop

/// How a route is authenticated (CONTRACT.md §1.3), as an OpenAPI security requirement.
enum OpenAPICredential {
    case none
    /// The relay token: `x-relay-token`, or (E12) `Authorization: Bearer`, `x-api-key`, `x-goog-api-key` with `br_`.
    case token
    /// `Authorization: Bearer <APP_SECRET>`; `optional` when the route is open while `APP_SECRET` is unset.
    case appSecret(optional: Bool)
    /// `Authorization: Bearer <METRICS_TOKEN>` when `METRICS_TOKEN` is set (E6).
    case metricsToken
}

/// One documented response: a status, what it means, the success body's schema or the error strings it carries.
struct OpenAPIResponse {
    let status: Int
    let description: String
    /// The success body's schema; `nil` for error responses, which use the shared `Error` schema.
    var schema: JSONValue? = nil
    /// The contract's exact `error` strings for this status, written as examples.
    var errors: [String] = []
    /// The body's media type when it is not JSON (`/openapi.yaml`).
    var mediaType = "application/json"
}

/// One operation of the router's table, described for the OpenAPI document (CONTRACT.md §9.3). Keyed by the
/// router's own method and template, so a test can hold the two tables together.
struct OpenAPIOperation {
    let method: String
    let template: String
    let operationID: String
    let tag: String
    let summary: String
    let description: String
    let credential: OpenAPICredential
    /// Whether a rate limit applies (§1.8): the `RateLimit-*` headers are then documented, and a 429.
    let isRateLimited: Bool
    /// The JSON body's schema, for the JSON routes of §1.1.
    var requestBody: JSONValue? = nil
    let responses: [OpenAPIResponse]

    /// The OpenAPI form of a router template: `:name` → `{name}`, the relay route's `*` → `{path}`.
    static func openAPIPath(_ template: String) -> String {
        let segments = template.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            if segment == "*" { return "{path}" }
            if segment.first == ":" { return "{\(segment.dropFirst())}" }
            return String(segment)
        }
        return segments.joined(separator: "/")
    }

    /// The names of the path's parameters, in order.
    static func parameterNames(_ template: String) -> [String] {
        template.split(separator: "/").compactMap { segment in
            if segment == "*" { return "path" }
            return segment.first == ":" ? String(segment.dropFirst()) : nil
        }
    }
}
