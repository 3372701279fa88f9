import HTTP

/// The relay's own routes (CONTRACT.md §1.8). Later work items add theirs here; the router is built from this list.
enum Endpoint: Sendable {
    case health
    case version
    case liveness
    case readiness
    /// A route that awaits the database, served as a task (`Relay/Endpoints/AccountEndpoints`, `StatsEndpoints`).
    case account(AccountRoute)
    /// `POST /relay/:provider/*` (CONTRACT.md §5).
    case relay
    /// `POST /relay` (§6.1).
    case unifiedRelay
    /// `GET /models` (§6.4).
    case models
    /// `GET /metrics` (E6).
    case metrics
    /// `GET /openapi.json`, `GET /openapi.yaml` (§9.3).
    case openAPI(OpenAPIFormat)

    static let router = Router<Endpoint>(routes)

    /// Every route (CONTRACT.md §1.8), in registration order; the router, the metrics' `route` label and the OpenAPI
    /// document (`OpenAPIDocument`) are all built from this list.
    static let routes: [Router<Endpoint>.Route] = [
        .init("GET", "/health", .health),
        .init("GET", "/version", .version),
        .init("GET", "/healthz", .liveness),
        .init("GET", "/readyz", .readiness),
        .init("POST", "/users", .account(.register)),
        .init("DELETE", "/users", .account(.deleteUser)),
        .init("POST", "/tokens/revoke", .account(.revokeToken)),
        .init("GET", "/keys", .account(.listKeys)),
        .init("POST", "/keys/:provider", .account(.storeKey)),
        .init("DELETE", "/keys/:provider", .account(.deleteKey)),
        .init("GET", "/stats", .account(.userStats)),
        .init("GET", "/stats/:app_id", .account(.appStats)),
        .init("POST", "/keys/:provider/rotate", .account(.rotateKey)),
        .init("POST", "/relay/:provider/*", .relay),
        .init("POST", "/relay", .unifiedRelay),
        .init("GET", "/models", .models),
        .init("GET", "/metrics", .metrics),
        .init("GET", "/openapi.json", .openAPI(.json)),
        .init("GET", "/openapi.yaml", .openAPI(.yaml)),
    ]

    /// Probes answer while the relay is starting; everything else gets 503 then (CONTRACT.md E6).
    var answersWhileStarting: Bool {
        switch self {
        case .liveness, .readiness, .metrics: true
        case .health, .version, .account, .relay, .unifiedRelay, .models, .openAPI: false
        }
    }

    /// Load-balancer and monitoring probes are logged at `debug` only (CONTRACT.md §9.5).
    var isProbe: Bool {
        switch self {
        case .health, .liveness, .readiness, .metrics: true
        case .version, .account, .relay, .unifiedRelay, .models, .openAPI: false
        }
    }

    /// A dense number per endpoint, for tables indexed by endpoint (the metrics' route index).
    var ordinal: Int {
        switch self {
        case .health: 0
        case .version: 1
        case .liveness: 2
        case .readiness: 3
        case .relay: 4
        case .unifiedRelay: 5
        case .models: 6
        case .metrics: 7
        case .openAPI(.json): 8
        case .openAPI(.yaml): 9
        case .account(let route): 10 + route.rawValue
        }
    }

    static let ordinalCount = 10 + AccountRoute.allCases.count
}

/// The account, key and statistics routes (CONTRACT.md §2, §3.1–3.3, §9.4).
enum AccountRoute: Int, CaseIterable, Sendable {
    case register
    case revokeToken
    case deleteUser
    case storeKey
    case listKeys
    case deleteKey
    case userStats
    case appStats
    case rotateKey
}

/// The two renderings of the OpenAPI document (CONTRACT.md §9.3).
enum OpenAPIFormat: Sendable {
    case json
    case yaml
}
