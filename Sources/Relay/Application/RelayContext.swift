import EventLoop
import HTTP
import RateLimit
import Store
import Synchronization
import Upstream

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
    /// The same for relayed event streams: `Cache-Control: no-cache` and `X-Accel-Buffering: no` (§5.7).
    let eventStreamSecurityHeaders: HTTPResponseHeaders
    /// In wildcard mode the CORS headers do not depend on the request, so the security, CORS and `Content-Type`
    /// headers of the relay's own JSON responses are encoded once.
    let wildcardJSONHeaders: HTTPResponseHeaders?
    /// The fixed parts of `/health`.
    let healthDocument: HealthDocument
    let startedAtMonotonic: UInt64
    /// Users, tokens and keys (CONTRACT.md §2, §3).
    let accounts: AccountService
    /// The `APP_SECRET` check of `POST /users`; nil when registration is open (§1.3).
    let registrationGate: RegistrationGate?
    /// Request records for `GET /stats`, written in batches off the request path (§5.10).
    let recorder: RequestRecorder
    /// Whether the database answered lately (§9.1, E6).
    let databaseHealth = DatabaseHealth()
    /// Resolves `x-relay-base-url` host names off the loops (CONTRACT.md §5.5 check 9).
    let hostResolver = HostResolver()
    /// `ALLOWED_MODELS` (§6.5).
    let modelAllowlist: ModelAllowlist
    /// The `GET /models` body (§6.4), encoded once.
    let modelsDocument: [UInt8]
    /// `/openapi.json` and `/openapi.yaml` (§9.3), built once at start-up.
    let openAPIJSON: [UInt8]
    let openAPIYAML: [UInt8]
    /// The limits of §7: policies, identity keys, in-process counters and the Redis status (E2).
    let rateLimits: RateLimitService
    /// The counters and histograms of `GET /metrics` (CONTRACT.md E6), shared by every loop.
    let metrics = Metrics()
    /// The `METRICS_TOKEN` check (E6): the same Bearer comparison as `APP_SECRET`'s, in constant time. Nil when the
    /// token is unset, or when the comparator could not be made (then every scrape is refused: fail closed).
    let metricsGate: RegistrationGate?
    private let starting = Atomic<Bool>(true)

    init(
        configuration: Configuration,
        logger: Logger,
        serverState: HTTPServerState,
        accounts: AccountService,
        registrationGate: RegistrationGate?,
        recorder: RequestRecorder,
        rateLimits: RateLimitService
    ) {
        self.rateLimits = rateLimits
        self.metricsGate = configuration.metricsToken.flatMap { try? RegistrationGate(appSecret: $0) }
        self.configuration = configuration
        self.logger = logger
        self.serverState = serverState
        self.accounts = accounts
        self.registrationGate = registrationGate
        self.recorder = recorder
        self.cors = CORSPolicy(configuration: configuration)
        self.modelAllowlist = ModelAllowlist(configuration: configuration)
        self.modelsDocument = ModelsDocument(allowlist: modelAllowlist).json.bytes
        self.openAPIJSON = OpenAPIDocument.json
        self.openAPIYAML = OpenAPIDocument.yaml
        self.router = Endpoint.router
        self.securityHeaders = HTTPResponseHeaders(CORSPolicy.securityHeaders)
        self.eventStreamSecurityHeaders = HTTPResponseHeaders(
            CORSPolicy.securityHeaders.filter { $0.0 != "Cache-Control" } + [
                ("Cache-Control", CORSPolicy.eventStreamCacheControl), ("X-Accel-Buffering", "no"),
            ]
        )
        if case .any = configuration.allowedOrigins {
            var headers = securityHeaders
            for (name, value) in cors.responseHeaders(origin: nil) { headers.add(name, value) }
            headers.add("Content-Type", Self.jsonContentType)
            wildcardJSONHeaders = headers
        } else {
            wildcardJSONHeaders = nil
        }
        startedAtMonotonic = MonotonicClock.nowNanoseconds()
        healthDocument = HealthDocument(
            configuration: configuration,
            buildTime: configuration.buildTime ?? WallClock.nowISO8601()
        )
    }

    /// CONTRACT.md §1.1: the type of every body the relay produces itself.
    static let jsonContentType = "application/json; charset=utf-8"

    /// Whether start-up work (database, migrations, secret check) is still running (CONTRACT.md E6).
    package var isStarting: Bool { starting.load(ordering: .acquiring) }

    /// Start-up is done: `/readyz` turns 200 and every route is served.
    package func startupFinished() { starting.store(false, ordering: .releasing) }

    /// Records one relayed request for `GET /stats` (CONTRACT.md §5.10): once per request that reached the upstream
    /// stage, when the relay ends. `status` is the status sent to the client (499 when the client left before the
    /// provider answered); `latencyMilliseconds` runs from the start of the upstream request to the end of the relay.
    /// Any thread; appends to a buffer and returns, never waiting for the database. Stamped with the current time.
    func recordRequest(
        _ account: Account,
        provider: String,
        model: String?,
        status: Int,
        latencyMilliseconds: Int
    ) {
        recorder.record(
            RequestRecord(
                userID: account.userID,
                appID: account.appID,
                provider: provider,
                model: model,
                status: status,
                latencyMilliseconds: latencyMilliseconds,
                createdAt: WallClock.nowMilliseconds()
            )
        )
    }

    /// The headers of a body the relay produces itself: security headers, CORS for `origin` (CONTRACT.md §1.4,
    /// §1.6) and `contentType`.
    func responseHeaders(origin: String?, contentType: String) -> HTTPResponseHeaders {
        var headers = securityHeaders
        for (name, value) in cors.responseHeaders(origin: origin) { headers.add(name, value) }
        headers.add("Content-Type", contentType)
        return headers
    }

    /// The headers of the relay's own JSON responses (precomputed when CORS does not depend on the origin).
    func jsonResponseHeaders(origin: String?) -> HTTPResponseHeaders {
        wildcardJSONHeaders ?? responseHeaders(origin: origin, contentType: Self.jsonContentType)
    }

    /// `postgres` or `sqlite`, as `/readyz` and `/metrics` name the database backend.
    var databaseBackendName: String {
        if case .postgres = configuration.database { "postgres" } else { "sqlite" }
    }
}
