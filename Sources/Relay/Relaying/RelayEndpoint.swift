import EventLoop
import HTTP
import RateLimit
import Store
import Upstream

/// `POST /relay/:provider/*` (CONTRACT.md §5): the checks of §5.2 from step 7 on, in order, then the upstream
/// transfer. A token found in the cache is checked without leaving the callback; otherwise the lookup runs as a
/// task on this loop and the request continues there.
extension RelayApplication {
    func relay(_ request: RelayRequest, provider name: String, remainder: Substring) {
        // `/relay/:provider` with nothing after it is not this route (§5.1).
        guard !remainder.isEmpty || request.exchange.head.path.hasSuffix("/") else {
            respond(request, error: .notFound)
            return
        }
        let credential = TokenCredential(headers: request.exchange.head.headers)
        let target = RelayTarget(providerName: name, remainder: "/" + remainder)
        if let result = context.accounts.cachedAuthentication(credential) {
            relay(request, target, authenticated: result)
            return
        }
        let bound = LoopBound((self, request))
        Task(executorPreference: request.exchange.loop) {
            let (application, request) = bound.value
            let result = await application.context.accounts.authenticate(credential)
            application.relay(request, target, authenticated: result)
        }
    }

    private func relay(_ request: RelayRequest, _ target: RelayTarget, authenticated: Result<Account, RelayError>) {
        let account: Account
        switch authenticated {
        case .failure(let error): return respond(request, error: error)
        case .success(let found): account = found
        }
        let path: RelayPath
        switch Self.checkedPath(target) {
        case .failure(let error): return respond(request, error: error)
        case .success(let checked): path = checked
        }
        // §5.2 step 10, after the path checks: a refused path never spends relay quota; what follows does.
        chargeRelayLimit(request, account: account) { [self] request in
            relay(request, target, account: account, path: path)
        }
    }

    /// §5.2 steps 8–9: the path syntax, then the allowlist of a known provider.
    private static func checkedPath(_ target: RelayTarget) -> Result<RelayPath, RelayError> {
        switch RelayPath.parse(remainder: target.remainder[...]) {
        case .failure(let refusal): return .failure(.relayPath(refusal))
        case .success(let path):
            if Provider.named(target.providerName) != nil,
                !ProviderPaths.isAllowed(normalised: path.normalised, provider: target.providerName)
            {
                return .failure(.pathNotPermitted(path: path.normalised, provider: target.providerName))
            }
            return .success(path)
        }
    }

    /// The relay route's steps 5–10 with one limiter call instead of two, which §5.2 allows when the answer and the
    /// counting are the same: so when the token is in the cache and the path checks pass, steps 6–9 cannot refuse,
    /// and deciding the global limit and then the relay limit in one call (the second only if the first admits)
    /// counts and answers exactly as two calls would. With Redis this makes a relayed request one `EVALSHA` (E2).
    /// Returns false, having done nothing, when it does not apply; the request then takes the ordinary path.
    func relayWithLimitsInOneCall(
        _ request: RelayRequest,
        global: RateLimitCheck,
        provider name: String,
        remainder: Substring
    ) -> Bool {
        guard let relayPolicy = context.rateLimits.relay,
            !remainder.isEmpty || request.exchange.head.path.hasSuffix("/"),
            case .success(let account)? = context.accounts.cachedAuthentication(
                TokenCredential(headers: request.exchange.head.headers)
            )
        else { return false }
        let target = RelayTarget(providerName: name, remainder: "/" + remainder)
        guard case .success(let path) = Self.checkedPath(target) else { return false }
        let relayCheck = RateLimitCheck(relayPolicy, key: context.rateLimits.keys.key(for: account.tokenDigest))
        let limits = RateLimitRequest(global, then: relayCheck)
        let proceed = { [self] (decision: RateLimitDecision) in
            guard !request.exchange.isFinished, let admitted = admit(request, decision) else { return }
            relay(admitted, target, account: account, path: path)
        }
        if let decision = limiter.immediateDecision(limits) {
            proceed(decision)
        } else {
            limiter.decide(limits, completion: proceed)
        }
        return true
    }

    /// §5.2 steps 11–12, then the key and the transfer.
    private func relay(_ request: RelayRequest, _ target: RelayTarget, account: Account, path: RelayPath) {
        guard let provider = Provider.named(target.providerName) else {
            return respond(request, error: .unknownRelayProvider(target.providerName))
        }
        var query = request.exchange.head.query.map(String.init)
        if provider.name == "google" { query = GoogleQuery.rewrite(query: query?[...], normalised: path.normalised) }
        let forwarded = path.forwarded + (query.map { "?" + $0 } ?? "")
        let googleModel =
            provider.name == "google" ? ModelAllowlist.googlePathModel(normalisedPath: path.normalised) : nil
        guard context.modelAllowlist.isRestricted else {
            // Unrestricted: the body streams upstream as it arrives, never read here (§5.4, §5.6).
            return forward(request, account: account, provider: provider, target: forwarded, model: googleModel)
        }
        // §5.2 step 12: the model allowlist reads the whole body first; it is then forwarded unchanged.
        let bound = LoopBound((self, request))
        Task(executorPreference: request.exchange.loop) {
            let (application, request) = bound.value
            guard let body = await request.exchange.collectBody() else { return }
            let contentType = request.exchange.head.headers["content-type"]
            let model: String?
            do throws(ModelRefusal) {
                try application.context.modelAllowlist.requireAllowed(
                    provider: provider.name,
                    normalisedPath: path.normalised,
                    body: body,
                    contentType: contentType
                )
                model = try ModelAllowlist.directModel(
                    provider: provider.name,
                    normalisedPath: path.normalised,
                    body: body,
                    contentType: contentType
                )
            } catch {
                return application.respond(request, error: error.relayError)
            }
            application.forward(
                request,
                account: account,
                provider: provider,
                target: forwarded,
                model: model,
                body: body
            )
        }
    }

    /// `POST /relay` (§6): the body's `model` chooses the provider and path; the body is read whole, checked and
    /// rewritten (§6.3), then relayed as a direct request would be.
    func relayUnified(_ request: RelayRequest) {
        let credential = TokenCredential(headers: request.exchange.head.headers)
        let bound = LoopBound((self, request))
        Task(executorPreference: request.exchange.loop) {
            let (application, request) = bound.value
            let account: Account
            switch await application.context.accounts.authenticate(credential) {
            case .success(let found): account = found
            case .failure(let error): return application.respond(request, error: error)
            }
            // §6.1 check 1, before the body is read.
            guard let request = await application.chargeRelayLimit(request, account: account) else { return }
            guard let bytes = await request.exchange.collectBody() else { return }
            let body: UnifiedBody
            do throws(ModelRefusal) {
                body = try UnifiedBody(parsing: bytes, contentType: request.exchange.head.headers["content-type"])
                try application.context.modelAllowlist.requireAllowed(unifiedModel: body.model)
            } catch {
                return application.respond(request, error: error.relayError)
            }
            guard let provider = Provider.named(body.route.provider) else {
                return application.respond(request, error: .unroutableModel(body.model))
            }
            let target = body.route.path + (body.route.query.map { "?" + $0 } ?? "")
            application.forward(
                request,
                account: account,
                provider: provider,
                target: target,
                model: body.model,
                body: body.forwardedBody
            )
        }
    }

    /// §5.2 steps 13–16: the stored key, the base URL (and for `x-relay-base-url` its checks and resolution), then
    /// the upstream transfer. `target` is the forwarded path with its query; `body` is the whole body when it was
    /// read first, nil when it streams from the client.
    private func forward(
        _ request: RelayRequest,
        account: Account,
        provider: Provider,
        target: String,
        model: String?,
        body: [UInt8]? = nil
    ) {
        guard let storedKey = account.key(for: provider.name) else {
            return respond(request, error: .noStoredKey(provider: provider.name))
        }
        let material: KeyMaterial
        do {
            material = try context.accounts.vault.open(storedKey, userID: account.userID).withUnsafeBytes {
                KeyMaterial(plaintext: $0)
            }
        } catch {
            return respond(request, error: .keyUndecryptable(provider: provider.name))
        }
        let destination: UpstreamDestination
        switch upstreamDestination(for: provider, request: request, boundOrigin: material.boundOrigin) {
        case .failure(let error): return respond(request, error: error)
        case .success(let found): destination = found
        }
        let upstream = makeUpstreamRequest(
            request,
            provider: provider,
            key: material.key,
            url: destination.baseURL + target,
            body: body,
            destination: destination
        )
        guard let host = destination.resolve else {
            return startForwarding(request, account: account, provider: provider.name, model: model, upstream)
        }
        // §5.5 checks 9–10: resolve once, refuse if any address is blocked, pin the checked addresses.
        let bound = LoopBound((self, request, upstream))
        context.hostResolver.resolve(host.name, on: request.exchange.loop) { addresses in
            let (application, request, upstream) = bound.value
            guard !addresses.isEmpty else { return application.respond(request, error: .baseURLUnresolvable) }
            if addresses.contains(where: HostResolver.isBlocked) {
                return application.respond(request, error: .baseURLResolvesToBlockedAddress)
            }
            var pinned = upstream
            pinned.pinnedAddresses = PinnedAddresses(
                host: host.name,
                port: host.port,
                addresses: addresses,
                checksEverySocket: true
            )
            application.startForwarding(request, account: account, provider: provider.name, model: model, pinned)
        }
    }

    private func startForwarding(
        _ request: RelayRequest,
        account: Account,
        provider: String,
        model: String? = nil,
        _ upstream: UpstreamRequest
    ) {
        guard let client = upstreamClient(on: request.exchange.loop) else {
            return respond(request, error: .upstreamUnreachable)
        }
        RelayForwarder(application: self, request: request, account: account, provider: provider, model: model)
            .start(upstream, client: client)
    }

    /// The base URL a provider's requests go to (§4.1, E3), and for `x-relay-base-url` the §5.5 checks 1–8 and
    /// whether the name must be resolved and checked (checks 9–10).
    private func upstreamDestination(
        for provider: Provider,
        request: RelayRequest,
        boundOrigin: String?
    ) -> Result<UpstreamDestination, RelayError> {
        let override = context.configuration.upstreamOverride(for: provider.name)
        guard provider.defaultBaseURL == nil else {
            let base = override?.baseURL ?? provider.defaultBaseURL ?? ""
            return .success(UpstreamDestination(baseURL: base, allowsPlainHTTP: override?.isPlainHTTP ?? false))
        }
        // E14: a bound key goes only to its origin; the header may then be left out.
        let sent = request.exchange.head.headers["x-relay-base-url"].flatMap { $0.isEmpty ? nil : $0 }
        guard let header = sent ?? boundOrigin else { return .failure(.baseURLRequired) }
        let allowed = context.configuration.allowedUpstreamHosts
        var isListed = false
        let checked = BaseURLCheck.evaluate(header: header) { host, port in
            isListed = allowed.contains { $0.matches(host: host.bare, port: port) }
            return isListed
        }
        switch checked {
        case .failure(let refusal):
            return .failure(.baseURL(refusal))
        case .success(let url):
            if let boundOrigin, url.origin != boundOrigin { return .failure(.baseURLMismatch) }
            if let override {
                // E3: the named host is never contacted, so it is not resolved either.
                return .success(UpstreamDestination(baseURL: override.baseURL, allowsPlainHTTP: override.isPlainHTTP))
            }
            var destination = UpstreamDestination(baseURL: url.origin, allowsPlainHTTP: isListed)
            if !isListed, case .domain = url.host {
                destination.resolve = (url.host?.bare ?? "", url.effectivePort)
            }
            return .success(destination)
        }
    }

    private func makeUpstreamRequest(
        _ request: RelayRequest,
        provider: Provider,
        key: String,
        url: String,
        body read: [UInt8]?,
        destination: UpstreamDestination
    ) -> UpstreamRequest {
        let head = request.exchange.head
        let hasBody: Bool
        let body: UpstreamRequest.Body
        // A body that came with the head (the usual small JSON) goes to curl in one piece.
        if let read = read ?? request.exchange.takeCompleteBody() {
            (hasBody, body) = (!read.isEmpty, read.isEmpty ? .none : .complete(read))
        } else {
            switch head.framing {
            case .none: (hasBody, body) = (false, .none)
            case .contentLength(let length):
                (hasBody, body) = (length > 0, length > 0 ? .streamed(length: length) : .none)
            case .chunked: (hasBody, body) = (true, .streamed(length: nil))
            }
        }
        let configuration = context.configuration
        let headers = RequestHeaders.shape(
            client: Array(head.headers),
            provider: provider,
            key: key,
            origin: request.origin,
            repositoryURL: configuration.repositoryURL,
            version: BuildInfo.version,
            hasBody: hasBody
        )
        return UpstreamRequest(
            method: .post,
            url: url,
            headers: headers,
            body: body,
            connectTimeoutMilliseconds: configuration.upstreamConnectTimeout.milliseconds,
            headTimeoutMilliseconds: configuration.upstreamTimeout.milliseconds,
            idleTimeoutMilliseconds: configuration.upstreamIdleTimeout.milliseconds,
            allowsPlainHTTP: destination.allowsPlainHTTP
        )
    }
}

/// What the route named: the provider segment and the path remainder with its leading `/`.
private struct RelayTarget {
    let providerName: String
    let remainder: String
}

/// Where a relayed request goes.
private struct UpstreamDestination {
    let baseURL: String
    let allowsPlainHTTP: Bool
    /// Host and port to resolve and check before connecting (§5.5 checks 9–10); nil for trusted or literal hosts.
    var resolve: (name: String, port: Int)?

    init(baseURL: String, allowsPlainHTTP: Bool) {
        self.baseURL = baseURL
        self.allowsPlainHTTP = allowsPlainHTTP
    }
}
