import EventLoop
import HTTP
import RateLimit
import Upstream

/// Errors the relay answers itself, before or instead of a handler's own response.
enum RelayError: Error, Equatable {
    case notFound
    case methodNotAllowed(allowed: String)
    case starting
    case refused(HTTPRefusal)
    case internalError
    case databaseUnavailable
    // JSON routes (§1.1)
    case unsupportedMediaType
    case invalidJSON
    // Credentials (§1.3, §2.4, §9.4)
    case registrationUnauthorized
    case statsUnauthorized
    case statsNeedAppSecret
    /// `GET /metrics` without the `METRICS_TOKEN` bearer when it is set (E6).
    case metricsUnauthorized
    case tokenRequired
    case invalidToken
    // Registration (§2.1)
    case appIDRequired
    case appIDNotString
    case appIDInvalid
    // Keys (§3.4, §3.5)
    case unsupportedProvider
    case keyRequired(rotating: Bool)
    case keyTooLong
    case keyNotPrintable
    case keyUndecryptable(provider: String)
    // Rotation (§3.6)
    case keyFormat(provider: String, hint: String)
    case keyRejected(provider: String, detail: String)
    case keyVerificationFailed(provider: String, reason: String)
    // Relaying (§5.2, §5.5, §5.9)
    case relayPath(RelayPathRefusal)
    case pathNotPermitted(path: String, provider: String)
    case unknownRelayProvider(String)
    case noStoredKey(provider: String)
    case baseURLRequired
    case baseURL(BaseURLRefusal)
    case boundBaseURL(BaseURLRefusal)
    case baseURLMismatch
    case baseURLUnresolvable
    case baseURLResolvesToBlockedAddress
    // Models (§5.6, §6.1, §6.5)
    case duplicateModelMember
    case modelRequired
    case unroutableModel(String)
    case modelNotPermitted(model: String, allowedModels: [String])
    // Upstream (§5.9)
    case upstreamUnreachable
    case upstreamTimedOut(Duration)
    // Rate limits (§7.1); the limit's headers come with the request (§7.3)
    case rateLimited(RateLimitKind, limit: Int)
}

/// The one mapping from errors to the wire: status, the contract's exact message, extra headers, and a short label
/// for logs (CONTRACT.md §1.2). No `default:` so a new error does not compile without its mapping.
struct ErrorResponse {
    let status: Int
    let message: String
    let extraHeaders: [(String, String)]
    /// Members after `error` that a section documents (`allowed_models`, §1.2).
    let extraMembers: [(String, JSONValue)]
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
        case .databaseUnavailable:
            self.init(
                503,
                "Database unavailable. Please retry.",
                headers: [("Retry-After", "2")],
                label: "database_unavailable"
            )
        case .unsupportedMediaType:
            self.init(415, "Content-Type must be application/json", label: "unsupported_media_type")
        case .invalidJSON: self.init(400, "Request body is not valid JSON", label: "invalid_json")
        case .registrationUnauthorized:
            self.init(
                401,
                "Unauthorized: valid Authorization: Bearer <APP_SECRET> header required to register.",
                label: "registration_unauthorized"
            )
        case .statsUnauthorized:
            self.init(
                401,
                "Unauthorized: valid Authorization: Bearer <APP_SECRET> header required.",
                label: "stats_unauthorized"
            )
        case .statsNeedAppSecret:
            self.init(503, "Operator stats require APP_SECRET to be configured.", label: "stats_unconfigured")
        case .metricsUnauthorized: self.init(401, "Unauthorized", label: "metrics_unauthorized")
        case .tokenRequired: self.init(401, "x-relay-token header required", label: "token_required")
        case .invalidToken: self.init(401, "Invalid or expired token", label: "invalid_token")
        case .appIDRequired: self.init(400, "app_id is required", label: "invalid_app_id")
        case .appIDNotString: self.init(400, "app_id must be a string", label: "invalid_app_id")
        case .appIDInvalid:
            self.init(
                400,
                "app_id must be at most 128 characters and contain no control characters",
                label: "invalid_app_id"
            )
        case .unsupportedProvider:
            self.init(
                400,
                "Unsupported provider. Supported: " + AccountInput.providers.joined(separator: ", "),
                label: "unsupported_provider"
            )
        case .keyRequired(let rotating):
            self.init(
                400,
                rotating ? "A valid API key is required (minimum 10 characters)" : "A valid API key is required",
                label: "invalid_key"
            )
        case .keyTooLong: self.init(400, "API key is too long (maximum 4096 bytes)", label: "invalid_key")
        case .keyNotPrintable:
            self.init(400, "API key must contain only printable ASCII characters", label: "invalid_key")
        case .keyUndecryptable(let provider):
            self.init(
                500,
                "Stored API key for provider \"\(provider)\" could not be decrypted. Store the key again.",
                label: "key_undecryptable"
            )
        case .keyFormat(let provider, let hint):
            self.init(
                400,
                "API key format looks wrong for provider \u{201C}\(provider)\u{201D}. \(hint)",
                members: [("hint", .string(hint))],
                label: "key_format"
            )
        case .keyRejected(let provider, let detail):
            self.init(
                422,
                "New key was rejected by \(provider)\(detail). Your existing key was not changed.",
                label: "key_rejected"
            )
        case .keyVerificationFailed(let provider, let reason):
            self.init(
                502,
                "Could not verify the new key with \(provider) (\(reason)). Your existing key was not changed.",
                label: "key_unverified"
            )
        case .relayPath(let refusal): self.init(400, refusal.message, label: "invalid_path")
        case .pathNotPermitted(let path, let provider):
            self.init(
                403,
                ProviderPaths.refusalMessage(normalised: path, provider: provider),
                label: "path_not_permitted"
            )
        case .unknownRelayProvider(let name):
            self.init(400, "Unsupported provider: \(name)", label: "unsupported_provider")
        case .noStoredKey(let provider):
            self.init(
                400,
                "No API key stored for provider \"\(provider)\". POST /keys/\(provider) first.",
                label: "no_key"
            )
        case .baseURLRequired:
            self.init(
                400,
                "x-relay-base-url header is required for openai-compatible provider",
                label: "invalid_base_url"
            )
        case .baseURL(let refusal): self.init(400, refusal.message, label: "invalid_base_url")
        case .boundBaseURL(let refusal):
            self.init(400, refusal.message(naming: "base_url"), label: "invalid_base_url")
        case .baseURLMismatch:
            self.init(
                400,
                "x-relay-base-url does not match the base URL this key is bound to",
                label: "invalid_base_url"
            )
        case .baseURLUnresolvable:
            self.init(400, "x-relay-base-url hostname could not be resolved safely", label: "invalid_base_url")
        case .baseURLResolvesToBlockedAddress:
            self.init(
                400,
                "x-relay-base-url must not resolve to a private or reserved IP address",
                label: "invalid_base_url"
            )
        case .duplicateModelMember:
            self.init(400, "Request body has more than one \"model\" member", label: "duplicate_model")
        case .modelRequired:
            self.init(
                400,
                "model field is required. Use \"provider/model-name\" (e.g. \"anthropic/claude-3-5-haiku\") or a "
                    + "recognised model name (e.g. \"gpt-4o\"). See GET /models for the full routing table.",
                label: "model_required"
            )
        case .unroutableModel(let model):
            self.init(
                400,
                "Cannot route model \"\(model)\". Use \"provider/model-name\" format or a recognised model name. "
                    + "Supported providers: \(Provider.all.map(\.name).joined(separator: ", ")). "
                    + "See GET /models for the full routing table.",
                label: "unroutable_model"
            )
        case .modelNotPermitted(let model, let allowedModels):
            self.init(
                403,
                "Model \"\(model)\" is not permitted on this relay.",
                members: [("allowed_models", .array(allowedModels.map(JSONValue.string)))],
                label: "model_not_permitted"
            )
        case .upstreamUnreachable: self.init(502, "Failed to reach AI provider", label: "upstream_unreachable")
        case .upstreamTimedOut(let timeout):
            self.init(504, "AI provider timed out (\(timeout.secondsText) s). Please retry.", label: "upstream_timeout")
        case .rateLimited(let kind, let limit):
            let message =
                switch kind {
                case .global: "Too many requests, please slow down."
                case .relay: "AI request rate limit exceeded (\(limit)/min)."
                case .register: "Too many registrations from this IP, please try again later."
                case .healthDeep: "Deep health probe rate limit exceeded (\(limit)/min)."
                }
            self.init(429, message, label: "rate_limited")
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

    private init(
        _ status: Int,
        _ message: String,
        headers: [(String, String)] = [],
        members: [(String, JSONValue)] = [],
        label: String
    ) {
        self.status = status
        self.message = message
        self.extraHeaders = headers
        self.extraMembers = members
        self.label = label
    }

    /// `{"error":"<message>"}`, then any members the contract adds (`hint`, `allowed_models`).
    var body: [UInt8] { JSONValue.object([("error", .string(message))] + extraMembers).bytes }
}
