import EventLoop

/// Schema shorthands for the table below.
private func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
    var members: [(String, JSONValue)] = [("type", .string("object"))]
    if !required.isEmpty { members.append(("required", .array(required.map(JSONValue.string)))) }
    members.append(("properties", .object(properties)))
    return .object(members)
}

private func type(_ name: String, _ description: String? = nil) -> JSONValue {
    var members: [(String, JSONValue)] = [("type", .string(name))]
    if let description { members.append(("description", .string(description))) }
    return .object(members)
}

private func array(of items: JSONValue) -> JSONValue { .object([("type", .string("array")), ("items", items)]) }

private let okMessage = object([("ok", type("boolean")), ("message", type("string"))], required: ["ok", "message"])
private let keyBody = object(
    [
        ("key", type("string", "The provider's API key, 10 to 4096 printable ASCII characters after trimming.")),
        ("base_url", type("string", "openai-compatible only (E14): the base URL the key is bound to.")),
    ],
    required: ["key"]
)
private let freeObject = JSONValue.object([("type", .string("object")), ("additionalProperties", .bool(true))])

/// The §1.1 refusals of a JSON route.
private let jsonBodyRefusals = [
    OpenAPIResponse(
        status: 415,
        description: "The body is not JSON.",
        errors: ["Content-Type must be application/json"]
    )
]
private let invalidJSON = "Request body is not valid JSON"
private let tokenRefusals = OpenAPIResponse(
    status: 401,
    description: "No relay token, or not a valid one (§2.4).",
    errors: ["x-relay-token header required", "Invalid or expired token"]
)
private let unsupportedProvider =
    "Unsupported provider. Supported: anthropic, openai, google, groq, openrouter, mistral, elevenlabs, huggingface, deepgram, openai-compatible"
private let keyRefusals = [
    unsupportedProvider, invalidJSON, "API key is too long (maximum 4096 bytes)",
    "API key must contain only printable ASCII characters",
]

extension OpenAPIOperation {
    /// Every route of `Endpoint.routes`, described (CONTRACT.md §1.8). A route added to the router without an entry
    /// here fails `OpenAPIDocumentTests`.
    static let table: [OpenAPIOperation] = [
        .init(
            method: "GET",
            template: "/health",
            operationID: "getHealth",
            tag: "operations",
            summary: "Health and configuration checks",
            description: "200 when the database answers, 503 otherwise. `?deep=1` adds an upstream probe (§9.1).",
            credential: .none,
            isRateLimited: true,
            responses: [
                .init(status: 200, description: "Healthy.", schema: freeObject),
                .init(status: 503, description: "The database is unreachable.", schema: freeObject),
            ]
        ),
        .init(
            method: "GET",
            template: "/version",
            operationID: "getVersion",
            tag: "operations",
            summary: "Version, commit and build time",
            description: "CONTRACT.md §9.2.",
            credential: .none,
            isRateLimited: true,
            responses: [
                .init(
                    status: 200,
                    description: "The build.",
                    schema: object([
                        ("version", type("string")), ("commit", type("string")), ("buildTime", type("string")),
                        ("repoUrl", type("string")), ("attestationUrl", type("string")),
                    ])
                )
            ]
        ),
        .init(
            method: "GET",
            template: "/healthz",
            operationID: "getLiveness",
            tag: "operations",
            summary: "Liveness probe",
            description: "`{\"ok\":true}` whenever the process can answer (E6).",
            credential: .none,
            isRateLimited: false,
            responses: [.init(status: 200, description: "Alive.", schema: object([("ok", type("boolean"))]))]
        ),
        .init(
            method: "GET",
            template: "/readyz",
            operationID: "getReadiness",
            tag: "operations",
            summary: "Readiness probe",
            description: "503 while starting or draining (E6).",
            credential: .none,
            isRateLimited: false,
            responses: [
                .init(status: 200, description: "Ready.", schema: freeObject),
                .init(status: 503, description: "Starting or draining.", schema: freeObject),
            ]
        ),
        .init(
            method: "GET",
            template: "/metrics",
            operationID: "getMetrics",
            tag: "operations",
            summary: "Prometheus metrics",
            description:
                "Prometheus text format 0.0.4; `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; "
                + "never rate-limited, answered while starting (E6).",
            credential: .metricsToken,
            isRateLimited: false,
            responses: [
                .init(
                    status: 200,
                    description: "The metric families.",
                    schema: type("string"),
                    mediaType: "text/plain; version=0.0.4; charset=utf-8"
                ),
                .init(
                    status: 401,
                    description: "METRICS_TOKEN is set and the header is missing or wrong.",
                    errors: ["Unauthorized"]
                ),
            ]
        ),
        .init(
            method: "POST",
            template: "/users",
            operationID: "registerUser",
            tag: "users",
            summary: "Register and get a relay token",
            description: "Needs `Authorization: Bearer <APP_SECRET>` when APP_SECRET is set (§2.1).",
            credential: .appSecret(optional: true),
            isRateLimited: true,
            requestBody: object(
                [("app_id", type("string", "An opaque label, at most 128 characters."))],
                required: ["app_id"]
            ),
            responses: [
                .init(
                    status: 200,
                    description: "The new token, shown once.",
                    schema: object(
                        [
                            ("token", type("string")),
                            ("expires_at", type("integer", "Milliseconds since the epoch, or null.")),
                        ],
                        required: ["token", "expires_at"]
                    )
                ),
                .init(
                    status: 400,
                    description: "Invalid body.",
                    errors: [
                        invalidJSON, "app_id is required", "app_id must be a string",
                        "app_id must be at most 128 characters and contain no control characters",
                    ]
                ),
                .init(
                    status: 401,
                    description: "APP_SECRET is set and the header is missing or wrong.",
                    errors: ["Unauthorized: valid Authorization: Bearer <APP_SECRET> header required to register."]
                ),
            ] + jsonBodyRefusals
        ),
        .init(
            method: "DELETE",
            template: "/users",
            operationID: "deleteUser",
            tag: "users",
            summary: "Erase the account",
            description: "Deletes the user, its tokens, keys and records (§2.3).",
            credential: .token,
            isRateLimited: true,
            responses: [.init(status: 200, description: "Deleted.", schema: okMessage), tokenRefusals]
        ),
        .init(
            method: "POST",
            template: "/tokens/revoke",
            operationID: "revokeToken",
            tag: "users",
            summary: "Invalidate the presented token",
            description: "CONTRACT.md §2.2.",
            credential: .token,
            isRateLimited: true,
            responses: [.init(status: 200, description: "Revoked.", schema: okMessage), tokenRefusals]
        ),
        .init(
            method: "GET",
            template: "/keys",
            operationID: "listKeys",
            tag: "keys",
            summary: "List providers with a stored key",
            description: "Never a key or a fragment of one (§3.2).",
            credential: .token,
            isRateLimited: true,
            responses: [
                .init(
                    status: 200,
                    description: "Provider names, sorted.",
                    schema: object([("providers", array(of: type("string")))], required: ["providers"])
                ),
                tokenRefusals,
            ]
        ),
        .init(
            method: "POST",
            template: "/keys/:provider",
            operationID: "storeKey",
            tag: "keys",
            summary: "Store or replace a provider key",
            description: "No live verification (§3.1); see rotate.",
            credential: .token,
            isRateLimited: true,
            requestBody: keyBody,
            responses: [
                .init(
                    status: 200,
                    description: "Stored.",
                    schema: object(
                        [("ok", type("boolean")), ("provider", type("string"))],
                        required: ["ok", "provider"]
                    )
                ),
                .init(
                    status: 400,
                    description: "Invalid provider or key (§3.4).",
                    errors: keyRefusals + ["A valid API key is required"]
                ),
                tokenRefusals,
            ] + jsonBodyRefusals
        ),
        .init(
            method: "DELETE",
            template: "/keys/:provider",
            operationID: "deleteKey",
            tag: "keys",
            summary: "Remove a provider key",
            description: "Idempotent: always 200 (§3.3).",
            credential: .token,
            isRateLimited: true,
            responses: [
                .init(status: 200, description: "Removed or absent.", schema: object([("ok", type("boolean"))])),
                tokenRefusals,
            ]
        ),
        .init(
            method: "POST",
            template: "/keys/:provider/rotate",
            operationID: "rotateKey",
            tag: "keys",
            summary: "Replace a key after the provider accepts it",
            description: "CONTRACT.md §3.6.",
            credential: .token,
            isRateLimited: true,
            requestBody: keyBody,
            responses: [
                .init(
                    status: 200,
                    description: "Verified and stored.",
                    schema: object([
                        ("ok", type("boolean")), ("provider", type("string")), ("rotated", type("boolean")),
                    ])
                ),
                .init(
                    status: 400,
                    description: "Invalid provider or key, or a key of the wrong format (with `hint`).",
                    errors: keyRefusals + ["A valid API key is required (minimum 10 characters)"]
                ),
                tokenRefusals,
                .init(
                    status: 422,
                    description: "The provider rejected the new key.",
                    errors: [
                        "New key was rejected by openai (Incorrect API key provided). Your existing key was not changed."
                    ]
                ),
                .init(
                    status: 502,
                    description: "The key could not be verified.",
                    errors: ["Could not verify the new key with openai (HTTP 503). Your existing key was not changed."]
                ),
            ] + jsonBodyRefusals
        ),
        .init(
            method: "POST",
            template: "/relay/:provider/*",
            operationID: "relayToProvider",
            tag: "relay",
            summary: "Relay a request to a provider with the stored key",
            description:
                "`{path}` is the rest of the provider's path and may contain slashes (§5.1, §5.3). The provider's"
                + " answer passes through with its own status and body (§5.7); streams are relayed as they come.",
            credential: .token,
            isRateLimited: true,
            requestBody: .object([("description", .string("The provider's native body.")), ("type", .string("object"))]
            ),
            responses: [
                .init(status: 200, description: "The provider's response, relayed.", schema: freeObject),
                .init(
                    status: 400,
                    description: "Invalid path, unknown provider, no stored key, refused base URL.",
                    errors: [
                        "Unsupported provider: foo",
                        "No API key stored for provider \"openai\". POST /keys/openai first.",
                    ]
                ),
                tokenRefusals,
                .init(
                    status: 403,
                    description: "Path or model not permitted.",
                    errors: [
                        "Path \"/v1/files\" is not permitted for provider \"openai\". Only inference endpoints are allowed.",
                        "Model \"gpt-4o\" is not permitted on this relay.",
                    ]
                ),
                .init(status: 502, description: "The provider could not be reached (§5.9)."),
                .init(status: 504, description: "The provider did not answer in time (§5.9)."),
            ]
        ),
        .init(
            method: "POST",
            template: "/relay",
            operationID: "relayByModel",
            tag: "relay",
            summary: "Relay to the provider the body's model routes to",
            description: "CONTRACT.md §6.1–6.3.",
            credential: .token,
            isRateLimited: true,
            requestBody: object(
                [("model", type("string", "\"provider/model\" or a recognised model name."))],
                required: ["model"]
            ),
            responses: [
                .init(status: 200, description: "The provider's response, relayed.", schema: freeObject),
                .init(
                    status: 400,
                    description: "No routable model, or no stored key.",
                    errors: [invalidJSON, "Request body has more than one \"model\" member"]
                ),
                tokenRefusals,
                .init(
                    status: 403,
                    description: "ALLOWED_MODELS does not permit the model (with `allowed_models`).",
                    errors: ["Model \"gpt-4o\" is not permitted on this relay."]
                ),
            ] + jsonBodyRefusals
        ),
        .init(
            method: "GET",
            template: "/models",
            operationID: "getModels",
            tag: "relay",
            summary: "Routing table and model allowlist",
            description: "CONTRACT.md §6.4.",
            credential: .none,
            isRateLimited: true,
            responses: [.init(status: 200, description: "The routing table.", schema: freeObject)]
        ),
        .init(
            method: "GET",
            template: "/stats",
            operationID: "getUserStats",
            tag: "stats",
            summary: "The caller's request statistics",
            description: "CONTRACT.md §9.4.",
            credential: .token,
            isRateLimited: true,
            responses: [.init(status: 200, description: "Statistics.", schema: freeObject), tokenRefusals]
        ),
        .init(
            method: "GET",
            template: "/stats/:app_id",
            operationID: "getAppStats",
            tag: "stats",
            summary: "Request statistics of one app_id (operators)",
            description: "CONTRACT.md §9.4.",
            credential: .appSecret(optional: false),
            isRateLimited: true,
            responses: [
                .init(status: 200, description: "Statistics.", schema: freeObject),
                .init(
                    status: 401,
                    description: "The APP_SECRET header is missing or wrong.",
                    errors: ["Unauthorized: valid Authorization: Bearer <APP_SECRET> header required."]
                ),
                .init(
                    status: 503,
                    description: "APP_SECRET is not configured, or the database is unreachable.",
                    errors: [
                        "Operator stats require APP_SECRET to be configured.", "Database unavailable. Please retry.",
                    ]
                ),
            ]
        ),
        .init(
            method: "GET",
            template: "/openapi.json",
            operationID: "getOpenAPIJSON",
            tag: "operations",
            summary: "This document in JSON",
            description: "CONTRACT.md §9.3.",
            credential: .none,
            isRateLimited: true,
            responses: [.init(status: 200, description: "The OpenAPI document.", schema: freeObject)]
        ),
        .init(
            method: "GET",
            template: "/openapi.yaml",
            operationID: "getOpenAPIYAML",
            tag: "operations",
            summary: "This document in YAML",
            description: "CONTRACT.md §9.3.",
            credential: .none,
            isRateLimited: true,
            responses: [
                .init(status: 200, description: "The OpenAPI document.", schema: type("string"), mediaType: "text/yaml")
            ]
        ),
    ]
}
