import EventLoop
import HTTP
import RateLimit
import Upstream

/// The relay on one loop: request ids, CORS preflights, routing, the starting gate, the endpoints and the request
/// log line. Loop thread only.
final class RelayApplication: HTTPHandler {
    let context: RelayContext
    private var random = RandomPool()
    /// This loop's upstream client, made on first use (on the loop thread).
    private var upstream: UpstreamClient?
    /// This loop's rate limiter: the process's in-process counters, or a Redis connection on this loop (§7, E2).
    let limiter: any RateLimiter

    /// The application on `loop`; call on that loop's thread (the Redis limiter connects from it).
    init(context: RelayContext, loop: Loop) {
        self.context = context
        limiter = context.rateLimits.makeLimiter(on: loop)
    }

    func requestReceived(_ exchange: HTTPExchange) {
        var request = RelayRequest(exchange: exchange, random: &random)
        let head = exchange.head
        // CONTRACT.md §1.4: every OPTIONS, on any path, is a preflight answered before routing, limits and auth.
        if head.method == "OPTIONS" {
            // Counted under the route the path matches, whatever method it allows (CONTRACT.md E6).
            switch context.router.match(method: "GET", path: head.path) {
            case .found(let route, _, _): request.metricsRoute = context.metrics.route(route.target)
            case .methodNotAllowed(let template, _): request.metricsRoute = context.metrics.route(template: template)
            case .notFound: break
            }
            answerPreflight(request)
            return
        }
        switch context.router.match(method: head.method, path: head.path) {
        case .notFound:
            respond(request, error: .notFound)
        case .methodNotAllowed(let template, let allowed):
            request.route = template
            request.metricsRoute = context.metrics.route(template: template)
            respond(request, error: .methodNotAllowed(allowed: allowed))
        case .found(let route, let parameters, let remainder):
            request.route = route.template
            request.metricsRoute = context.metrics.route(route.target)
            request.isProbe = route.target.isProbe
            if context.isStarting && !route.target.answersWhileStarting {
                respond(request, error: .starting)
                return
            }
            // §5.2 step 5: the global limit, with register or health-deep when the route has them.
            switch firstLimits(route.target, request) {
            case .none:
                serveAdmitted(route.target, request, parameters: parameters, remainder: remainder)
            case .decided(let decision):
                guard let admitted = admit(request, decision) else { return }
                serveAdmitted(route.target, admitted, parameters: parameters, remainder: remainder)
            case .pending(let limits):
                // The one-call path decides the relay limit too, which an oversized body must not spend (step 6).
                if case .relay = route.target, limits.second == nil, !exchange.declaresOversizedBody,
                    relayWithLimitsInOneCall(
                        request,
                        global: limits.first,
                        provider: Self.providerSegment(parameters),
                        remainder: remainder ?? ""
                    )
                {
                    return
                }
                let (target, waiting) = (route.target, request)
                limiter.decide(limits) { [self] decision in
                    guard !waiting.exchange.isFinished, let admitted = admit(waiting, decision) else { return }
                    serveAdmitted(target, admitted, parameters: parameters, remainder: remainder)
                }
            }
        }
    }

    /// §5.2 step 6, once the global limit has admitted the request: a body its `Content-Length` declares over the
    /// limit is refused, unread, before the token, path and relay-limit checks (which would otherwise answer or count).
    private func serveAdmitted(
        _ endpoint: Endpoint,
        _ request: RelayRequest,
        parameters: [(name: String, value: Substring)],
        remainder: Substring?
    ) {
        if request.exchange.declaresOversizedBody {
            respond(request, error: .refused(.bodyTooLarge))
            return
        }
        serve(endpoint, request, parameters: parameters, remainder: remainder)
    }

    func requestRefused(_ refusal: HTTPRefusal, exchange: HTTPExchange) {
        respond(RelayRequest(exchange: exchange, random: &random), error: .refused(refusal))
    }

    /// The `:provider` segment of a relay path, percent-decoded (§5.1).
    static func providerSegment(_ parameters: [(name: String, value: Substring)]) -> String {
        PercentDecoding.decoded(parameters.first?.value ?? "")
    }

    private func serve(
        _ endpoint: Endpoint,
        _ request: RelayRequest,
        parameters: [(name: String, value: Substring)],
        remainder: Substring?
    ) {
        switch endpoint {
        case .health where Self.asksForDeepCheck(request.exchange.head.query):
            let bound = LoopBound((self, request))
            Task(executorPreference: request.exchange.loop) {
                let (application, request) = bound.value
                await application.deepHealth(request)
            }
        case .health:
            let (isHealthy, body) = context.healthDocument.body(context)
            respond(request, status: isHealthy ? 200 : 503, body: body, label: nil)
        case .version: respond(request, status: 200, json: HealthEndpoints.version(context))
        case .liveness: respond(request, status: 200, json: HealthEndpoints.liveness)
        case .readiness:
            let (isReady, body) = HealthEndpoints.readiness(context)
            respond(request, status: isReady ? 200 : 503, json: body)
        case .unifiedRelay: relayUnified(request)
        case .models: respond(request, status: 200, body: context.modelsDocument, label: nil)
        case .metrics: scrapeMetrics(request)
        case .openAPI(.json): respond(request, status: 200, body: context.openAPIJSON, label: nil)
        case .openAPI(.yaml):
            respond(
                request,
                status: 200,
                body: context.openAPIYAML,
                label: nil,
                contentType: OpenAPIDocument.yamlContentType
            )
        case .relay:
            let provider = Self.providerSegment(parameters)
            relay(request, provider: provider, remainder: remainder ?? "")
        case .account(let route):
            // The one `:provider` or `:app_id` segment, still percent-encoded.
            let parameter = String(parameters.first?.value ?? "")
            let bound = LoopBound((self, request))
            // Endpoints that await the database run as a task on this loop: it starts and resumes on the loop
            // thread, so it may use the exchange and this application like any callback here (DESIGN.md §3).
            Task(executorPreference: request.exchange.loop) {
                let (application, request) = bound.value
                await application.serve(route, request, parameter: parameter)
            }
        }
    }

    private func serve(_ route: AccountRoute, _ request: RelayRequest, parameter: String) async {
        switch route {
        case .register: await register(request)
        case .revokeToken: await revokeToken(request)
        case .deleteUser: await deleteUser(request)
        case .listKeys: await listKeys(request)
        case .storeKey: await storeKey(request, provider: parameter)
        case .deleteKey: await deleteKey(request, provider: parameter)
        case .userStats: await userStats(request)
        case .appStats: await appStats(request, encodedAppID: parameter)
        case .rotateKey: await rotateKey(request, provider: parameter)
        }
    }

    /// The loop's curl multi handle (DESIGN.md §3); made on first use.
    func upstreamClient(on loop: Loop) -> UpstreamClient? {
        if upstream == nil { upstream = try? UpstreamClient(loop: loop) }
        return upstream
    }

    // MARK: Responses

    private func answerPreflight(_ request: RelayRequest) {
        var headers = context.securityHeaders
        let requested = request.exchange.head.headers["access-control-request-headers"]
        for (name, value) in context.cors.preflightHeaders(origin: request.origin, requestedHeaders: requested) {
            headers.add(name, value)
        }
        headers.add("x-request-id", request.requestID)
        request.exchange.respond(status: 204, headers: headers, body: [])
        logCompletion(request, status: 204, label: nil)
    }

    func respond(_ request: RelayRequest, error: RelayError) {
        let response = ErrorResponse(error)
        respond(
            request,
            status: response.status,
            body: response.body,
            extraHeaders: response.extraHeaders,
            label: response.label
        )
    }

    func respond(_ request: RelayRequest, status: Int, json: JSONValue) {
        respond(request, status: status, body: json.bytes, label: nil)
    }

    func respond(
        _ request: RelayRequest,
        status: Int,
        body: [UInt8],
        extraHeaders: [(String, String)] = [],
        label: String?,
        contentType: String? = nil
    ) {
        var headers =
            if let contentType {
                context.responseHeaders(origin: request.origin, contentType: contentType)
            } else {
                context.jsonResponseHeaders(origin: request.origin)
            }
        headers.add("x-request-id", request.requestID)
        for (name, value) in extraHeaders { headers.add(name, value) }
        if let verdict = request.rateLimit { Self.addRateLimitHeaders(verdict, to: &headers, retryAfter: true) }
        request.exchange.respond(status: status, headers: headers, body: body)
        logCompletion(request, status: status, label: label)
    }

    /// One line per request (CONTRACT.md §9.5): probes at `debug` whatever their status (a draining replica's 503
    /// readiness answers are its normal work), else `error` for 5xx, `warn` for 4xx, `info` for the rest.
    func logCompletion(_ request: RelayRequest, status: Int, label: String?) {
        let exchange = request.exchange
        context.metrics.requestCompleted(
            route: request.metricsRoute ?? context.metrics.unmatchedRoute,
            method: Metrics.method(exchange.head.method),
            status: status,
            nanoseconds: MonotonicClock.nowNanoseconds() - exchange.startedAt
        )
        let level: LogLevel = request.isProbe ? .debug : status >= 500 ? .error : status >= 400 ? .warn : .info
        let logger = context.logger
        guard logger.isEnabled(level) else { return }
        let elapsed = Double(MonotonicClock.nowNanoseconds() - exchange.startedAt) / 1_000_000
        var fields: [(String, JSONValue)] = [
            ("request_id", .string(request.requestID)),
            ("method", .string(exchange.head.method)),
            ("route", .string(request.route)),
            ("path", .string(String(exchange.head.path))),
            ("status", .int(status)),
            ("bytes_out", .int(exchange.bodyBytesWritten)),
            ("duration_ms", .double((elapsed * 1000).rounded() / 1000)),
        ]
        if let label { fields.append(("error", .string(label))) }
        logger.log(level, "request", fields)
    }
}
