/// The four limits of CONTRACT.md §7.1.
package enum RateLimitKind: Int, CaseIterable, Sendable {
    /// Per client IP, every request except preflights and the E6 probes.
    case global
    /// Per token identity: relayed requests and verified key rotations.
    case relay
    /// Per client IP: `POST /users` that passed the `APP_SECRET` check.
    case register
    /// Per client IP: `GET /health` with a deep probe.
    case healthDeep

    /// The window W of §7.1, in seconds.
    package var windowSeconds: Int {
        switch self {
        case .global, .relay, .healthDeep: 60
        case .register: 3600
        }
    }

    /// The limit's part of its counters' names in Redis (E2) and the label logs use.
    package var name: String {
        switch self {
        case .global: "global"
        case .relay: "relay"
        case .register: "register"
        case .healthDeep: "health_deep"
        }
    }

    /// §7.3: the headers describe the narrowest limit that applied: relay over register over health-deep over
    /// global. Higher is narrower.
    package var narrowness: Int {
        switch self {
        case .global: 0
        case .healthDeep: 1
        case .register: 2
        case .relay: 3
        }
    }
}
