import EventLoop
import HTTP
import Store
import Upstream

/// `POST /users`, `POST /tokens/revoke`, `DELETE /users`, `POST /keys/:provider`, `GET /keys`,
/// `DELETE /keys/:provider` (CONTRACT.md §2, §3.1–3.4). Each runs as a task on the request's loop; checks come in
/// the contract's order and the first failing one answers.
extension RelayApplication {
    func register(_ request: RelayRequest) async {
        let headers = request.exchange.head.headers
        if let gate = context.registrationGate, !gate.admits(authorization: headers.values(for: "authorization")) {
            // §2.1 check 1; the body, if any, is discarded by the connection.
            respond(request, error: .registrationUnauthorized)
            return
        }
        guard let body = await jsonBody(request) else { return }
        switch AccountInput.appID(body.member("app_id")) {
        case .failure(let error):
            respond(request, error: error)
        case .success(let appID):
            switch await context.accounts.register(appID: appID) {
            case .failure(let error):
                respond(request, error: error)
            case .success(let issued):
                respond(
                    request,
                    status: 200,
                    json: .object([
                        ("token", .string(issued.token)),
                        ("expires_at", issued.expiresAt.map { .int(Int($0)) } ?? .null),
                    ])
                )
            }
        }
    }

    func revokeToken(_ request: RelayRequest) async {
        guard let account = await authenticated(request) else { return }
        switch await context.accounts.revoke(account) {
        case .failure(let error): respond(request, error: error)
        case .success:
            respond(
                request,
                status: 200,
                json: .object([
                    ("ok", .bool(true)),
                    (
                        "message",
                        .string(
                            "Token revoked. Stored keys remain but are no longer accessible. Register a new token "
                                + "(POST /users) to re-enter your keys."
                        )
                    ),
                ])
            )
        }
    }

    func deleteUser(_ request: RelayRequest) async {
        guard let account = await authenticated(request) else { return }
        switch await context.accounts.deleteUser(account) {
        case .failure(let error): respond(request, error: error)
        case .success:
            respond(
                request,
                status: 200,
                json: .object([("ok", .bool(true)), ("message", .string("Account and all stored keys deleted."))])
            )
        }
    }

    func storeKey(_ request: RelayRequest, provider: String) async {
        guard let account = await authenticated(request) else { return }
        guard AccountInput.providers.contains(provider) else {
            respond(request, error: .unsupportedProvider)
            return
        }
        guard let body = await jsonBody(request) else { return }
        switch AccountInput.key(body.member("key"), rotating: false) {
        case .failure(let error):
            respond(request, error: error)
        case .success(let key):
            let boundOrigin: String?
            switch boundBaseURL(body, provider: provider) {
            case .failure(let error): return respond(request, error: error)
            case .success(let origin): boundOrigin = origin
            }
            switch await context.accounts.storeKey(key, provider: provider, boundOrigin: boundOrigin, account: account)
            {
            case .failure(let error): respond(request, error: error)
            case .success:
                respond(request, status: 200, json: .object([("ok", .bool(true)), ("provider", .string(provider))]))
            }
        }
    }

    func listKeys(_ request: RelayRequest) async {
        guard let account = await authenticated(request) else { return }
        // Sorted in byte order by `Account`.
        respond(request, status: 200, json: .object([("providers", .array(account.keys.map { .string($0.provider) }))]))
    }

    func deleteKey(_ request: RelayRequest, provider: String) async {
        guard let account = await authenticated(request) else { return }
        switch await context.accounts.deleteKey(provider: provider, account: account) {
        case .failure(let error): respond(request, error: error)
        case .success: respond(request, status: 200, json: .object([("ok", .bool(true))]))
        }
    }

    // MARK: Shared steps

    /// E14: the origin of `base_url` for an `openai-compatible` key, checked as §5.5 checks 2–8 check
    /// `x-relay-base-url`; nil when absent or for other providers.
    func boundBaseURL(_ body: JSONRequestBody, provider: String) -> Result<String?, RelayError> {
        guard provider == "openai-compatible" else { return .success(nil) }
        switch body.member("base_url") {
        case nil, .null: return .success(nil)
        case .other: return .failure(.boundBaseURL(.invalidURL(.missingScheme)))
        case .string(let value):
            let allowed = context.configuration.allowedUpstreamHosts
            let checked = BaseURLCheck.evaluate(header: value) { host, port in
                allowed.contains { $0.matches(host: host.bare, port: port) }
            }
            return checked.map(\.origin).mapError { .boundBaseURL($0) }
        }
    }

    /// The token check (§2.4); answers the refusal itself and returns nil when there is one.
    func authenticated(_ request: RelayRequest) async -> Account? {
        switch await context.accounts.authenticate(TokenCredential(headers: request.exchange.head.headers)) {
        case .success(let account):
            return account
        case .failure(let error):
            respond(request, error: error)
            return nil
        }
    }

    /// The JSON body (§1.1); answers 415/400 itself and returns nil then, or when the client left.
    func jsonBody(_ request: RelayRequest) async -> JSONRequestBody? {
        guard let bytes = await request.exchange.collectBody() else { return nil }
        switch JSONRequestBody.parse(bytes, contentType: request.exchange.head.headers["content-type"]) {
        case .success(let body): return body
        case .failure(let error):
            respond(request, error: error)
            return nil
        }
    }
}
