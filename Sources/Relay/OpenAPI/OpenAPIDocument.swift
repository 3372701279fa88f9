import EventLoop
import HTTP
import YAML

/// The OpenAPI document served at `/openapi.json` and `/openapi.yaml` (CONTRACT.md §9.3): built once from the
/// router's table and `OpenAPIOperation.table`, so only routed operations are described, in the router's order.
enum OpenAPIDocument {
    /// The media type of `/openapi.yaml` (§9.3).
    static let yamlContentType = "text/yaml; charset=utf-8"

    /// The document for `routes`; an operation without a description is left out (and fails the document test).
    static func document(routes: [Router<Endpoint>.Route], version: String) -> JSONValue {
        var paths: [(String, JSONValue)] = []
        for route in routes {
            guard
                let operation = OpenAPIOperation.table.first(where: {
                    $0.method == route.method && $0.template == route.template
                })
            else { continue }
            let path = OpenAPIOperation.openAPIPath(route.template)
            let entry = (route.method.lowercased(), operationObject(operation))
            if let index = paths.firstIndex(where: { $0.0 == path }), case .object(var members) = paths[index].1 {
                members.append(entry)
                paths[index].1 = .object(members)
            } else {
                paths.append((path, .object([entry])))
            }
        }
        return .object([
            ("openapi", .string("3.0.3")),
            (
                "info",
                .object([
                    ("title", .string("byok-relay")),
                    ("version", .string(version)),
                    (
                        "description",
                        .string(
                            "Bring-your-own-key AI relay. Every GET route also answers HEAD; OPTIONS on any path is a"
                                + " CORS preflight. Errors are `{\"error\": \"...\"}`; every route can also answer the"
                                + " generic errors of CONTRACT.md §1.2 (404, 405, 413, 500, 503)."
                        )
                    ),
                ])
            ),
            ("servers", .array([.object([("url", .string("/"))])])),
            ("paths", .object(paths)),
            ("components", components),
        ])
    }

    /// The document for the relay's own router, in JSON and YAML, built on first use (at start-up, by RelayContext).
    static let json: [UInt8] = document(routes: Endpoint.routes, version: BuildInfo.version).bytes
    static let yaml: [UInt8] = {
        var output: [UInt8] = []
        YAMLEmitter.append(document(routes: Endpoint.routes, version: BuildInfo.version), to: &output)
        return output
    }()

    private static let tokenSchemes = ["relayToken", "relayTokenBearer", "relayTokenApiKey", "relayTokenGoogApiKey"]
    private static let rateLimitHeaders = [
        "RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
    ]

    private static func operationObject(_ operation: OpenAPIOperation) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("operationId", .string(operation.operationID)),
            ("tags", .array([.string(operation.tag)])),
            ("summary", .string(operation.summary)),
            ("description", .string(operation.description)),
        ]
        let parameters = OpenAPIOperation.parameterNames(operation.template).map { name -> JSONValue in
            .object([
                ("name", .string(name)),
                ("in", .string("path")),
                ("required", .bool(true)),
                ("schema", .object([("type", .string("string"))])),
            ])
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        switch operation.credential {
        case .none: break
        case .token:
            members.append(("security", .array(tokenSchemes.map { .object([($0, .array([]))]) })))
        case .appSecret(let optional):
            let required = JSONValue.object([("appSecret", .array([]))])
            members.append(("security", .array(optional ? [required, .object([])] : [required])))
        case .metricsToken:
            members.append(("security", .array([.object([("metricsToken", .array([]))]), .object([])])))
        }
        if let body = operation.requestBody {
            members.append(
                (
                    "requestBody",
                    .object([
                        ("required", .bool(false)),
                        ("content", .object([("application/json", .object([("schema", body)]))])),
                    ])
                )
            )
        }
        var responses: [(String, JSONValue)] = operation.responses.map {
            (String($0.status), responseObject($0, operation))
        }
        if operation.isRateLimited {
            responses.append(
                (
                    "429",
                    .object([
                        (
                            "description",
                            .string("A rate limit refused the request (§7); `Retry-After` says when to retry.")
                        ),
                        (
                            "headers",
                            .object(
                                (rateLimitHeaders + ["Retry-After"]).map {
                                    ($0, .object([("$ref", .string("#/components/headers/\($0)"))]))
                                }
                            )
                        ),
                        ("content", errorContent(rateLimitErrors(operation))),
                    ])
                )
            )
        }
        responses.append(("default", .object([("$ref", .string("#/components/responses/GenericError"))])))
        members.append(("responses", .object(responses)))
        return .object(members)
    }

    /// The 429 messages of the limits that apply to `operation` (CONTRACT.md §7.1), with the default limits.
    private static func rateLimitErrors(_ operation: OpenAPIOperation) -> [String] {
        var errors = ["Too many requests, please slow down."]
        switch (operation.method, operation.template) {
        case ("POST", "/users"): errors.append("Too many registrations from this IP, please try again later.")
        case ("GET", "/health"): errors.append("Deep health probe rate limit exceeded (10/min).")
        case ("POST", "/relay"), ("POST", "/relay/:provider/*"), ("POST", "/keys/:provider/rotate"):
            errors.append("AI request rate limit exceeded (20/min).")
        default: break
        }
        return errors
    }

    /// The generic errors every route may answer (CONTRACT.md §1.2), as the `default` response.
    static let genericErrors = [
        "Bad request", "Request timeout", "Request body too large", "Request header fields too large",
        "Internal server error", "Relay is starting. Please retry.", "Database unavailable. Please retry.",
        "Relay is shutting down. Please retry.", "HTTP version not supported",
    ]

    private static func responseObject(_ response: OpenAPIResponse, _ operation: OpenAPIOperation) -> JSONValue {
        var members: [(String, JSONValue)] = [("description", .string(response.description))]
        if operation.isRateLimited && response.status < 300 {
            members.append(
                (
                    "headers",
                    .object(rateLimitHeaders.map { ($0, .object([("$ref", .string("#/components/headers/\($0)"))])) })
                )
            )
        }
        if let schema = response.schema {
            members.append(("content", .object([(response.mediaType, .object([("schema", schema)]))])))
        } else {
            members.append(("content", errorContent(response.errors)))
        }
        return .object(members)
    }

    private static func errorContent(_ errors: [String]) -> JSONValue {
        var media: [(String, JSONValue)] = [("schema", .object([("$ref", .string("#/components/schemas/Error"))]))]
        if !errors.isEmpty {
            let examples = errors.enumerated().map { index, message -> (String, JSONValue) in
                ("error\(index + 1)", .object([("value", .object([("error", .string(message))]))]))
            }
            media.append(("examples", .object(examples)))
        }
        return .object([("application/json", .object(media))])
    }

    private static func header(_ description: String) -> JSONValue {
        .object([("description", .string(description)), ("schema", .object([("type", .string("string"))]))])
    }

    private static func apiKey(_ name: String, _ description: String) -> JSONValue {
        .object([
            ("type", .string("apiKey")), ("in", .string("header")), ("name", .string(name)),
            ("description", .string(description)),
        ])
    }

    private static func bearer(_ description: String) -> JSONValue {
        .object([("type", .string("http")), ("scheme", .string("bearer")), ("description", .string(description))])
    }

    private static let components = JSONValue.object([
        (
            "schemas",
            .object([
                (
                    "Error",
                    .object([
                        ("type", .string("object")),
                        ("required", .array([.string("error")])),
                        (
                            "properties",
                            .object([
                                ("error", .object([("type", .string("string"))])),
                                ("hint", .object([("type", .string("string"))])),
                                (
                                    "allowed_models",
                                    .object([
                                        ("type", .string("array")), ("items", .object([("type", .string("string"))])),
                                    ])
                                ),
                            ])
                        ),
                        ("additionalProperties", .bool(true)),
                    ])
                )
            ])
        ),
        (
            "responses",
            .object([
                (
                    "GenericError",
                    .object([
                        (
                            "description",
                            .string(
                                "The generic errors of CONTRACT.md §1.2: 400, 408, 413, 431, 500, 503 (starting,"
                                    + " database unavailable, shutting down) and 505."
                            )
                        ),
                        ("content", errorContent(genericErrors)),
                    ])
                )
            ])
        ),
        (
            "securitySchemes",
            .object([
                ("relayToken", apiKey("x-relay-token", "The relay token from POST /users (§2.4).")),
                ("relayTokenBearer", bearer("E12: the relay token (starting with br_) as a bearer token.")),
                ("relayTokenApiKey", apiKey("x-api-key", "E12: the relay token (starting with br_).")),
                ("relayTokenGoogApiKey", apiKey("x-goog-api-key", "E12: the relay token (starting with br_).")),
                ("appSecret", bearer("The operator's APP_SECRET (§1.3).")),
                ("metricsToken", bearer("The operator's METRICS_TOKEN (E6).")),
            ])
        ),
        (
            "headers",
            .object([
                (
                    "RateLimit-Policy",
                    header("`${limit};w=${window_seconds}` of the narrowest limit that applied (§7.3).")
                ),
                ("RateLimit-Limit", header("The limit.")),
                ("RateLimit-Remaining", header("Requests still admitted now.")),
                ("RateLimit-Reset", header("Whole seconds until RateLimit-Remaining next grows.")),
                ("Retry-After", header("On the relay's own 429: whole seconds after which a retry is admitted.")),
            ])
        ),
    ])
}
