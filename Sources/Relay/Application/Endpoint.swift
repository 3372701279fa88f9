import HTTP

/// The relay's own routes (CONTRACT.md §1.8). Later work items add theirs here; the router is built from this list.
enum Endpoint: Sendable {
    case health
    case version
    case liveness
    case readiness
    case register
    case revokeToken
    case deleteUser
    case storeKey
    case listKeys
    case deleteKey

    static let router = Router<Endpoint>([
        .init("GET", "/health", .health),
        .init("GET", "/version", .version),
        .init("GET", "/healthz", .liveness),
        .init("GET", "/readyz", .readiness),
        .init("POST", "/users", .register),
        .init("DELETE", "/users", .deleteUser),
        .init("POST", "/tokens/revoke", .revokeToken),
        .init("GET", "/keys", .listKeys),
        .init("POST", "/keys/:provider", .storeKey),
        .init("DELETE", "/keys/:provider", .deleteKey),
    ])

    /// Probes answer while the relay is starting; everything else gets 503 then (CONTRACT.md E6).
    var answersWhileStarting: Bool {
        switch self {
        case .liveness, .readiness: true
        case .health, .version, .register, .revokeToken, .deleteUser, .storeKey, .listKeys, .deleteKey: false
        }
    }

    /// Load-balancer and monitoring probes are logged at `debug` only (CONTRACT.md §9.5).
    var isProbe: Bool {
        switch self {
        case .health, .liveness, .readiness: true
        case .version, .register, .revokeToken, .deleteUser, .storeKey, .listKeys, .deleteKey: false
        }
    }
}
