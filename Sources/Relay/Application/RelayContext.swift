import EventLoop
import HTTP
import Synchronization

/// What every loop's application shares: the configuration, the routes, the fixed response headers, the logger
/// and the process's lifecycle state. Built once at start-up; read without locks except the readiness flag.
package final class RelayContext: Sendable {
    package let configuration: Configuration
    package let logger: Logger
    package let serverState: HTTPServerState
    let cors: CORSPolicy
    let router: Router<Endpoint>
    /// Security headers of CONTRACT.md §1.6 (with `Cache-Control: no-store`), encoded once.
    let securityHeaders: HTTPResponseHeaders
    /// In wildcard mode the CORS headers do not depend on the request, so they are encoded once too.
    let wildcardCORSHeaders: HTTPResponseHeaders?
    let startedAtMilliseconds: Int64
    let startedAtMonotonic: UInt64
    private let starting = Atomic<Bool>(true)

    package init(configuration: Configuration, logger: Logger, serverState: HTTPServerState) {
        self.configuration = configuration
        self.logger = logger
        self.serverState = serverState
        self.cors = CORSPolicy(configuration: configuration)
        self.router = Endpoint.router
        self.securityHeaders = HTTPResponseHeaders(CORSPolicy.securityHeaders)
        if case .any = configuration.allowedOrigins {
            wildcardCORSHeaders = HTTPResponseHeaders(cors.responseHeaders(origin: nil))
        } else {
            wildcardCORSHeaders = nil
        }
        startedAtMilliseconds = WallClock.nowMilliseconds()
        startedAtMonotonic = MonotonicClock.nowNanoseconds()
    }

    /// Whether start-up work (database, migrations, secret check) is still running (CONTRACT.md E6).
    package var isStarting: Bool { starting.load(ordering: .acquiring) }

    /// Start-up is done: `/readyz` turns 200 and every route is served.
    package func startupFinished() { starting.store(false, ordering: .releasing) }

    /// `BUILD_TIME`, or the time this process started (CONTRACT.md §9.2).
    var buildTime: String { configuration.buildTime ?? WallClock.iso8601(milliseconds: startedAtMilliseconds) }

    /// The headers every response carries: security headers, then CORS for `origin` (CONTRACT.md §1.4, §1.6).
    func commonHeaders(origin: String?) -> HTTPResponseHeaders {
        var headers = securityHeaders
        if let wildcardCORSHeaders {
            headers.add(contentsOf: wildcardCORSHeaders)
        } else {
            for (name, value) in cors.responseHeaders(origin: origin) { headers.add(name, value) }
        }
        return headers
    }
}
