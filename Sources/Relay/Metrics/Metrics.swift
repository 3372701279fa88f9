import EventLoop
import HTTP
import RateLimit

/// The process's metrics (CONTRACT.md E6): fixed label sets whose combinations are array indices, so recording is
/// an index computation and a relaxed atomic add, never a lookup by string. Shared by every loop; values are per
/// process.
final class Metrics: Sendable {
    /// The route templates of `Endpoint.router`, in registration order without repeats, then `unmatched`.
    let routes: [String]
    /// `Endpoint.ordinal` → index in `routes`.
    private let routeOfEndpoint: [Int]
    static let methods = ["GET", "POST", "DELETE", "HEAD", "OPTIONS", "PUT", "PATCH", "other"]
    /// The ten provider names, then `unknown`.
    static let providers = Provider.all.map(\.name) + ["unknown"]
    static let statuses = 100...599
    /// `kind` of `byok_relay_upstream_errors_total`.
    enum UpstreamErrorKind: Int, CaseIterable {
        case connect, timeout, idleTimeout, stream, ssrf
        var name: String {
            switch self {
            case .connect: "connect"
            case .timeout: "timeout"
            case .idleTimeout: "idle_timeout"
            case .stream: "stream"
            case .ssrf: "ssrf"
            }
        }
    }
    enum Direction: Int, CaseIterable {
        case upstream, downstream
        var name: String { self == .upstream ? "upstream" : "downstream" }
    }

    let httpRequests: MetricCells
    let requestDuration: MetricHistograms
    let relayRequests: MetricCells
    let upstreamTTFB: MetricHistograms
    let upstreamErrors: MetricCells
    let openStreams: MetricCells
    let relayedBytes: MetricCells
    let clientAborts: MetricCells
    let rateLimitRejections: MetricCells
    /// `process_start_time_seconds`.
    let startTimeSeconds: Double

    init(routes table: [Router<Endpoint>.Route] = Endpoint.routes) {
        var routes: [String] = []
        var routeOfEndpoint = [Int](repeating: 0, count: Endpoint.ordinalCount)
        for route in table {
            if let index = routes.firstIndex(of: route.template) {
                routeOfEndpoint[route.target.ordinal] = index
            } else {
                routeOfEndpoint[route.target.ordinal] = routes.count
                routes.append(route.template)
            }
        }
        routes.append("unmatched")
        self.routes = routes
        self.routeOfEndpoint = routeOfEndpoint
        let providers = Self.providers.count
        httpRequests = MetricCells(count: routes.count * Self.methods.count * Self.statuses.count)
        requestDuration = MetricHistograms(series: routes.count)
        relayRequests = MetricCells(count: providers * Self.statuses.count)
        upstreamTTFB = MetricHistograms(series: providers)
        upstreamErrors = MetricCells(count: providers * UpstreamErrorKind.allCases.count)
        openStreams = MetricCells(count: providers)
        relayedBytes = MetricCells(count: providers * Direction.allCases.count)
        clientAborts = MetricCells(count: providers)
        rateLimitRejections = MetricCells(count: RateLimitKind.allCases.count)
        startTimeSeconds = Double(WallClock.nowMilliseconds()) / 1000
    }

    // MARK: Label indices, resolved once per request

    /// The `route` index of `endpoint`.
    func route(_ endpoint: Endpoint) -> Int { routeOfEndpoint[endpoint.ordinal] }

    /// The `route` index of a template (for 405s, which have a template but no endpoint); `unmatched` if unknown.
    func route(template: String) -> Int { routes.firstIndex(of: template) ?? unmatchedRoute }

    var unmatchedRoute: Int { routes.count - 1 }

    /// The `provider` index: one of the ten names, else `unknown`.
    static func provider(_ name: String) -> Int {
        providers.firstIndex(of: name).flatMap { $0 < providers.count - 1 ? $0 : nil } ?? providers.count - 1
    }

    static func method(_ method: String) -> Int {
        switch method {
        case "GET": 0
        case "POST": 1
        case "DELETE": 2
        case "HEAD": 3
        case "OPTIONS": 4
        case "PUT": 5
        case "PATCH": 6
        default: 7
        }
    }

    private static func statusIndex(_ status: Int) -> Int {
        min(max(status, statuses.lowerBound), statuses.upperBound) - statuses.lowerBound
    }

    // MARK: Recording

    /// One response: `byok_relay_http_requests_total` and `byok_relay_http_request_duration_seconds`.
    func requestCompleted(route: Int, method: Int, status: Int, nanoseconds: UInt64) {
        httpRequests.add(1, at: (route * Self.methods.count + method) * Self.statuses.count + Self.statusIndex(status))
        requestDuration.observe(nanoseconds: nanoseconds, series: route)
    }

    func relayCompleted(provider: Int, status: Int) {
        relayRequests.add(1, at: provider * Self.statuses.count + Self.statusIndex(status))
    }

    func upstreamHeadReceived(provider: Int, nanoseconds: UInt64) {
        upstreamTTFB.observe(nanoseconds: nanoseconds, series: provider)
    }

    func upstreamFailed(provider: Int, kind: UpstreamErrorKind) {
        upstreamErrors.add(1, at: provider * UpstreamErrorKind.allCases.count + kind.rawValue)
    }

    func streamOpened(provider: Int) { openStreams.add(1, at: provider) }

    func streamClosed(provider: Int) { openStreams.add(-1, at: provider) }

    func bytesRelayed(_ count: Int, provider: Int, direction: Direction) {
        relayedBytes.add(count, at: provider * Direction.allCases.count + direction.rawValue)
    }

    func clientAborted(provider: Int) { clientAborts.add(1, at: provider) }

    func rateLimitRejected(_ kind: RateLimitKind) { rateLimitRejections.add(1, at: kind.rawValue) }
}
