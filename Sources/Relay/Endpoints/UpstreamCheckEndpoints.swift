import EventLoop
import HTTP
import Store
import Upstream

/// The endpoints that ask a provider something: the deep health probe (CONTRACT.md §9.1) and verified key
/// rotation (§3.6). Both send one `GET` under the provider's base URL (so `RELAY_UPSTREAM_<PROVIDER>` applies, E3)
/// on this loop's upstream client, with no redirects followed.
extension RelayApplication {
    /// `GET /health?deep=1[&provider=<name>]`.
    func deepHealth(_ request: RelayRequest) async {
        let name = QueryParameters.value(of: "provider", in: request.exchange.head.query) ?? "openai"
        let (upstream, warning) = await probe(name, loop: request.exchange.loop)
        let (isHealthy, body) = context.healthDocument.deepBody(context, upstream: upstream, warning: warning)
        respond(request, status: isHealthy ? 200 : 503, body: body, label: nil)
    }

    /// Whether `/health` was asked for a deep check: `deep=1` or `deep=true`, case-insensitive.
    static func asksForDeepCheck(_ query: Substring?) -> Bool {
        guard let value = QueryParameters.value(of: "deep", in: query)?.lowercased() else { return false }
        return value == "1" || value == "true"
    }

    private func probe(_ name: String, loop: Loop) async -> (JSONValue, String?) {
        guard let provider = Provider.named(name) else {
            return (.object([("ok", .bool(false)), ("error", .string("Unknown provider '\(name)'"))]), nil)
        }
        let unreachable: (JSONValue, String?) = (
            .object([("ok", .bool(false)), ("provider", .string(name)), ("error", .string("Ping failed"))]),
            "Provider \(name) unreachable"
        )
        guard let path = provider.probePath, let client = upstreamClient(on: loop),
            let base = context.configuration.upstreamOverride(for: name)?.baseURL ?? provider.defaultBaseURL
        else { return unreachable }
        let upstream = checkRequest(url: base + path, headers: [], timeoutMilliseconds: 8_000, provider: name)
        switch await UpstreamFetch.run(upstream, on: client, bodyLimit: 0) {
        case .failure: return unreachable
        case .success(let response):
            let answer: JSONValue = .object([
                ("ok", .bool(response.status < 500)), ("provider", .string(name)),
                ("statusCode", .int(response.status)),
            ])
            let warning =
                response.status < 500
                ? nil : "Provider \(name) returned \(response.status) — may be a key issue or provider outage"
            return (answer, warning)
        }
    }

    /// `POST /keys/:provider/rotate` (§3.6): validation, format check, live verification, then one write.
    func rotateKey(_ request: RelayRequest, provider name: String) async {
        guard let account = await authenticated(request) else { return }
        guard let provider = Provider.named(name) else { return respond(request, error: .unsupportedProvider) }
        guard let body = await jsonBody(request) else { return }
        let key: String
        switch AccountInput.key(body.member("key"), rotating: true) {
        case .failure(let error): return respond(request, error: error)
        case .success(let valid): key = valid
        }
        if let format = provider.keyFormat, !format.accepts(key) {
            return respond(request, error: .keyFormat(provider: name, hint: format.hint))
        }
        let boundOrigin: String?
        switch boundBaseURL(body, provider: name) {
        case .failure(let error): return respond(request, error: error)
        case .success(let origin): boundOrigin = origin
        }
        // §3.6 step 3: each rotation makes an outbound request, so it counts against the relay limit.
        guard let request = await chargeRelayLimit(request, account: account) else { return }
        if let path = provider.verificationPath {
            guard let client = upstreamClient(on: request.exchange.loop),
                let base = context.configuration.upstreamOverride(for: name)?.baseURL ?? provider.defaultBaseURL
            else {
                return respond(request, error: .keyVerificationFailed(provider: name, reason: "provider unreachable"))
            }
            let upstream = checkRequest(
                url: base + path,
                headers: provider.verificationHeaders(key: key),
                timeoutMilliseconds: 10_000,
                provider: name
            )
            let outcome = await UpstreamFetch.run(upstream, on: client, bodyLimit: 64 * 1024)
            if let refusal = Self.verificationRefusal(outcome, provider: name, key: key) {
                return respond(request, error: refusal)
            }
        }
        switch await context.accounts.storeKey(key, provider: name, boundOrigin: boundOrigin, account: account) {
        case .failure(let error): respond(request, error: error)
        case .success(let write):
            respond(
                request,
                status: 200,
                json: .object([
                    ("ok", .bool(true)), ("provider", .string(name)), ("rotated", .bool(write == .replaced)),
                ])
            )
        }
    }

    /// §3.6 step 4's table: nil when verified, else the 422 or 502 refusal.
    static func verificationRefusal(
        _ outcome: Result<UpstreamFetch.Response, UpstreamFailure>,
        provider: String,
        key: String
    ) -> RelayError? {
        switch outcome {
        case .failure(.connectTimedOut), .failure(.headTimedOut), .failure(.idleTimedOut):
            return .keyVerificationFailed(provider: provider, reason: "verification timed out")
        case .failure:
            return .keyVerificationFailed(provider: provider, reason: "provider unreachable")
        case .success(let response):
            switch response.status {
            case 200..<300: return nil
            case 400..<500 where response.status != 408 && response.status != 429:
                return .keyRejected(provider: provider, detail: rejectionDetail(response.body, key: key))
            default:
                return .keyVerificationFailed(provider: provider, reason: "HTTP \(response.status)")
            }
        }
    }

    /// ` (<first 120 characters>)` of the body with the key masked, or empty for an empty body.
    static func rejectionDetail(_ body: [UInt8], key: String) -> String {
        guard !body.isEmpty else { return "" }
        var text = String(decoding: body, as: UTF8.self)
        if !key.isEmpty { text = text.replacing(key, with: "***") }
        return " (" + String(text.prefix(120)) + ")"
    }

    private func checkRequest(
        url: String,
        headers: [(name: String, value: String)],
        timeoutMilliseconds: Int,
        provider: String
    ) -> UpstreamRequest {
        UpstreamRequest(
            method: .get,
            url: url,
            headers: [("User-Agent", "byok-relay/\(BuildInfo.version)")] + headers,
            body: .none,
            connectTimeoutMilliseconds: timeoutMilliseconds,
            headTimeoutMilliseconds: timeoutMilliseconds,
            idleTimeoutMilliseconds: timeoutMilliseconds,
            allowsPlainHTTP: context.configuration.upstreamOverride(for: provider)?.isPlainHTTP ?? false
        )
    }
}
