import Foundation
import MockProvider
import TestSupport
import Testing

/// Rate limits on the real binary (CONTRACT.md §7, E2, E5): the exact allowance and the 429 with its headers for
/// each limit, where each limit applies and what it counts, client IPs behind proxies, and with Redis: three
/// relays sharing one counter, an outage (limits enforced locally, never waiting past the deadline), recovery
/// without a restart, and counters that outlive a relay. Every relay gets a fresh `ENCRYPTION_SECRET`, which gives
/// it counters of its own in a shared Redis (§7.2). Serialized: each test starts relays (three at once in one), and
/// the suite's time bounds, like other suites', should not be measured against its own start-up bursts.
@Suite(.serialized) struct RelayRateLimitTests {
    /// `REDIS_TIMEOUT_MS` plus this machine's slack (DESIGN.md §9).
    static let outageBoundMilliseconds = 50 + 250

    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ["ENCRYPTION_SECRET": "rate-limit-test-" + UUID().uuidString]
        for (name, value) in extra { environment[name] = value }
        return environment
    }

    static func get(_ relay: RelayProcess, _ path: String, headers: [(String, String)] = []) throws
        -> RawClient.Response
    {
        try RelayRequests.send(port: relay.port, "GET", path, headers: headers)
    }

    static func errorMessage(_ response: RawClient.Response) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["error"] as? String
    }

    /// The `RateLimit-*` headers as `policy limit remaining reset`, checking reset's range and Retry-After's presence.
    static func limitHeaders(_ response: RawClient.Response, retryAfter: Bool = false) -> String? {
        guard let policy = response.header("ratelimit-policy"), let limit = response.header("ratelimit-limit"),
            let remaining = response.header("ratelimit-remaining"), let reset = response.header("ratelimit-reset"),
            let seconds = Int(reset), (1...7200).contains(seconds)
        else { return nil }
        #expect((response.header("retry-after") != nil) == retryAfter)
        if retryAfter { #expect(response.header("retry-after") == reset) }
        return "\(policy) \(limit) \(remaining)"
    }

    @Test func testGlobalLimitAllowanceAnswerAndExemptions() throws {
        RateLimitBuckets.awaitRoom()
        let relay = try RelayProcess(environment: Self.environment(["RATE_LIMIT_GLOBAL_PER_MIN": "3"]))
        for remaining in [2, 1, 0] {
            let response = try Self.get(relay, "/version")
            #expect(response.status == 200)
            #expect(Self.limitHeaders(response) == "3;w=60 3 \(remaining)")
        }
        let refused = try Self.get(relay, "/version")
        #expect(refused.status == 429)
        #expect(refused.bodyText == #"{"error":"Too many requests, please slow down."}"#)
        #expect(Self.limitHeaders(refused, retryAfter: true) == "3;w=60 3 0")
        #expect(refused.header("access-control-expose-headers")?.contains("RateLimit-Remaining") == true)
        #expect(try Self.get(relay, "/health").status == 429)
        // Never limited: the probes, preflights, and what is answered before step 5 (404, 405).
        for path in ["/healthz", "/readyz"] {
            let probe = try Self.get(relay, path)
            #expect(probe.status == 200 && probe.header("ratelimit-limit") == nil, "\(path)")
        }
        let preflight = try RelayRequests.send(port: relay.port, "OPTIONS", "/version")
        #expect(preflight.status == 204 && preflight.header("ratelimit-limit") == nil)
        let missing = try Self.get(relay, "/missing")
        #expect(missing.status == 404 && missing.header("ratelimit-limit") == nil)
        let wrongMethod = try RelayRequests.send(port: relay.port, "DELETE", "/version")
        #expect(wrongMethod.status == 405 && wrongMethod.header("ratelimit-limit") == nil)
    }

    /// §5.2: the global limit (step 5) answers before a `Content-Length` over the body limit (step 6) and counts it;
    /// the relay limit (step 10) comes after it and is not spent by it, also when the token is cached (one-call path).
    @Test func testOverLimitContentLengthComesAfterTheGlobalLimitAndBeforeTheRelayLimit() throws {
        RateLimitBuckets.awaitRoom()
        let mock = try MockProvider.start()
        defer { mock.stop() }
        var environment = mock.relayEnvironment()
        environment["RATE_LIMIT_GLOBAL_PER_MIN"] = "6"
        environment["RATE_LIMIT_RELAY_PER_MIN"] = "2"
        environment["REQUEST_BODY_LIMIT_BYTES"] = "1024"
        let relay = try RelayProcess(environment: Self.environment(environment))
        let api = AccountAPI(relay)
        let token = try api.register()  // global: 1
        #expect(try api.storeKey("sk-test-rate-limit-0123456789", token: token).status == 200)  // 2
        let credential = ("x-relay-token", token)
        func relayed(oversized: Bool) throws -> RawClient.Response {
            try RelayRequests.send(
                port: relay.port,
                "POST",
                "/relay/openai/v1/chat/completions",
                headers: [credential, ("Content-Type", "application/json")]
                    + (oversized ? [("Content-Length", "5000")] : []),
                body: oversized ? nil : #"{"model":"gpt-4o-mini"}"#
            )
        }
        #expect(try relayed(oversized: false).status == 200)  // global 3, relay 1; the token is cached now
        let oversized = try relayed(oversized: true)  // global 4; the relay limit is not reached
        #expect(oversized.status == 413)
        #expect(oversized.bodyText == #"{"error":"Request body too large"}"#)
        #expect(Self.limitHeaders(oversized) == "6;w=60 6 2")
        #expect(try relayed(oversized: true).status == 413)  // global 5
        let second = try relayed(oversized: false)  // global 6, relay 2: both 413s left the relay quota alone
        #expect(second.status == 200)
        #expect(Self.limitHeaders(second) == "2;w=60 2 0")
        let refused = try relayed(oversized: true)  // the global limit answers first
        #expect(refused.status == 429)
        #expect(refused.bodyText == #"{"error":"Too many requests, please slow down."}"#)
    }

    @Test func testRegisterLimitCountsOnlyRequestsWithTheAppSecret() throws {
        RateLimitBuckets.awaitRoom()
        let relay = try RelayProcess(
            environment: Self.environment(["RATE_LIMIT_GLOBAL_PER_MIN": "100", "RATE_LIMIT_REGISTER_PER_HOUR": "2"])
        )
        let wrong = [("Authorization", "Bearer nope"), ("Content-Type", "application/json")]
        let unauthorized = try RelayRequests.send(port: relay.port, "POST", "/users", headers: wrong, body: "{}")
        #expect(unauthorized.status == 401)
        #expect(Self.limitHeaders(unauthorized) == "100;w=60 100 99")  // only the global limit applied
        for remaining in [1, 0] {
            let (token, response) = try RelayRequests.register(port: relay.port)
            #expect(token != nil)
            #expect(Self.limitHeaders(response) == "2;w=3600 2 \(remaining)")  // the narrower limit's headers
        }
        let (token, refused) = try RelayRequests.register(port: relay.port)
        #expect(token == nil && refused.status == 429)
        #expect(Self.errorMessage(refused) == "Too many registrations from this IP, please try again later.")
        #expect(Self.limitHeaders(refused, retryAfter: true) == "2;w=3600 2 0")
        // A wrong secret is still answered 401 and counted by the global limit alone.
        let again = try RelayRequests.send(port: relay.port, "POST", "/users", headers: wrong, body: "{}")
        #expect(again.status == 401 && Self.limitHeaders(again) == "100;w=60 100 95")
    }

    @Test func testHealthDeepLimitAndNoHeadersWhenEveryLimitIsOff() throws {
        RateLimitBuckets.awaitRoom()
        let relay = try RelayProcess(environment: Self.environment(["RATE_LIMIT_HEALTH_DEEP_PER_MIN": "1"]))
        let first = try Self.get(relay, "/health?deep=1&provider=unknown-provider")
        #expect(first.status == 200)
        #expect(Self.limitHeaders(first) == "1;w=60 1 0")
        let otherName = try Self.get(relay, "/health?DEEP=TRUE&provider=unknown-provider")
        let second = try Self.get(relay, "/health?deep=TRUE&provider=unknown-provider")
        #expect(otherName.status == 200)  // `DEEP` is not the parameter: a plain /health
        #expect(second.status == 429)
        #expect(Self.errorMessage(second) == "Deep health probe rate limit exceeded (1/min).")
        #expect(Self.limitHeaders(second, retryAfter: true) == "1;w=60 1 0")
        let plain = try Self.get(relay, "/health")
        #expect(plain.status == 200 && plain.header("ratelimit-limit") == nil)  // global off: no headers (§7.1)
    }

    @Test func testRelayLimitAfterThePathChecksOnEveryRelayRoute() async throws {
        RateLimitBuckets.awaitRoom()
        let mock = try MockProvider.start()
        defer { mock.stop() }
        var environment = mock.relayEnvironment()
        environment["RATE_LIMIT_RELAY_PER_MIN"] = "2"
        let relay = try RelayProcess(environment: Self.environment(environment))
        let api = AccountAPI(relay)
        let token = try api.register()
        #expect(try api.storeKey("sk-test-rate-limit-0123456789", token: token).status == 200)
        let credential = "x-relay-token: \(token)"
        func relayed(_ path: String, body: String = #"{"model":"gpt-4o-mini"}"#) throws -> RawClient.Response {
            try api.send("POST", path, headers: [credential], json: body)
        }
        // Steps 8–9 refuse before the limit: no quota spent, and no limit applied yet (global is off).
        let badPath = try relayed("/relay/openai/v1/files")
        #expect(badPath.status == 403 && badPath.header("ratelimit-limit") == nil)
        #expect(try relayed("/relay/openai/v1/../x").status == 400)
        // Step 11 comes after the limit: an unknown provider spends quota.
        let unknown = try relayed("/relay/no-such-provider/v1/x")
        #expect(unknown.status == 400)
        #expect(Self.limitHeaders(unknown) == "2;w=60 2 1")
        // A relayed response carries the relay limit's headers, never the relay's own Retry-After.
        let forwarded = try relayed("/relay/openai/v1/chat/completions")
        #expect(forwarded.status == 200)
        #expect(Self.limitHeaders(forwarded) == "2;w=60 2 0")
        let refused = try relayed("/relay/openai/v1/chat/completions")
        #expect(refused.status == 429)
        #expect(refused.bodyText == #"{"error":"AI request rate limit exceeded (2/min)."}"#)
        #expect(Self.limitHeaders(refused, retryAfter: true) == "2;w=60 2 0")
        // POST /relay: step 1 of §6.1, before the body is even read.
        let unified = try relayed("/relay", body: "not json at all")
        #expect(unified.status == 429 && Self.limitHeaders(unified, retryAfter: true) == "2;w=60 2 0")
        // Rotation: the format check (step 2) answers first; then the relay limit (step 3).
        let badFormat = try api.send(
            "POST",
            "/keys/openai/rotate",
            headers: [credential],
            json: #"{"key":"nope-0123456789"}"#
        )
        #expect(badFormat.status == 400)
        let rotation = try api.send(
            "POST",
            "/keys/openai/rotate",
            headers: [credential],
            json: #"{"key":"sk-test-rotated-0123456789"}"#
        )
        #expect(rotation.status == 429 && Self.errorMessage(rotation) == "AI request rate limit exceeded (2/min).")
        // Another token has its own quota; so has the same token under another header (§7.1: the digest is the key).
        let other = try api.register()
        #expect(try api.storeKey("sk-test-rate-limit-0123456789", token: other).status == 200)
        let otherResponse = try api.send(
            "POST",
            "/relay/openai/v1/chat/completions",
            headers: ["Authorization: Bearer \(other)"],
            json: #"{"model":"gpt-4o-mini"}"#
        )
        #expect(otherResponse.status == 200 && Self.limitHeaders(otherResponse) == "2;w=60 2 1")
        let sameToken = try api.send("POST", "/relay/no-such/x", headers: ["x-api-key: \(token)"], json: "{}")
        #expect(sameToken.status == 429)
    }

    @Test func testForwardedForIsTrustedOnlyWithTrustProxy() throws {
        RateLimitBuckets.awaitRoom()
        let direct = try RelayProcess(environment: Self.environment(["RATE_LIMIT_GLOBAL_PER_MIN": "2"]))
        for index in 0..<2 {
            let response = try Self.get(direct, "/version", headers: [("X-Forwarded-For", "203.0.113.\(index)")])
            #expect(response.status == 200)
        }
        // Without TRUST_PROXY a client cannot make itself new by inventing addresses.
        #expect(try Self.get(direct, "/version", headers: [("X-Forwarded-For", "203.0.113.99")]).status == 429)

        let proxied = try RelayProcess(
            environment: Self.environment(["RATE_LIMIT_GLOBAL_PER_MIN": "2", "TRUST_PROXY": "1"])
        )
        // The proxy's entry is the last one; whatever the client put before it is ignored.
        for spoof in ["6.6.6.6", "7.7.7.7"] {
            let response = try Self.get(proxied, "/version", headers: [("X-Forwarded-For", "\(spoof), 198.51.100.7")])
            #expect(response.status == 200)
        }
        let spoofed = try Self.get(proxied, "/version", headers: [("X-Forwarded-For", "8.8.8.8, 198.51.100.7")])
        #expect(spoofed.status == 429)
        // Another client behind the same proxy has its own counter; IPv6 clients share their /64.
        #expect(try Self.get(proxied, "/version", headers: [("X-Forwarded-For", "198.51.100.8")]).status == 200)
        for address in ["2001:db8:5:6::1", "2001:db8:5:6:ffff::2"] {
            #expect(try Self.get(proxied, "/version", headers: [("X-Forwarded-For", address)]).status == 200)
        }
        #expect(try Self.get(proxied, "/version", headers: [("X-Forwarded-For", "2001:db8:5:6::3")]).status == 429)
        #expect(try Self.get(proxied, "/version", headers: [("X-Forwarded-For", "2001:db8:5:7::3")]).status == 200)
    }

    @Test(.enabled(if: TestRedis.url != nil, "TEST_REDIS_URL is not set (run scripts/test)"))
    func testThreeRelaysSharingRedisAdmitTheLimitInTotal() throws {
        RateLimitBuckets.awaitRoom()
        let environment = Self.environment([
            "REDIS_URL": TestRedis.url!, "REDIS_TIMEOUT_MS": "1000", "RATE_LIMIT_GLOBAL_PER_MIN": "10",
        ])
        let relays = try (0..<3).map { _ in try RelayProcess(environment: environment) }
        for relay in relays { #expect(try Self.get(relay, "/readyz").bodyText.contains(#""mode":"shared""#)) }
        var admitted = 0
        for index in 0..<30 {
            let response = try Self.get(relays[index % 3], "/version")
            if response.status == 200 { admitted += 1 } else { #expect(response.status == 429) }
        }
        #expect(admitted == 10)
    }

    @Test(.enabled(if: TestRedis.url != nil, "TEST_REDIS_URL is not set (run scripts/test)"))
    func testCountersInRedisOutliveTheRelay() throws {
        RateLimitBuckets.awaitRoom()
        let environment = Self.environment([
            "REDIS_URL": TestRedis.url!, "REDIS_TIMEOUT_MS": "1000", "RATE_LIMIT_GLOBAL_PER_MIN": "3",
        ])
        let first = try RelayProcess(environment: environment)
        for _ in 0..<3 { #expect(try Self.get(first, "/version").status == 200) }
        #expect(try Self.get(first, "/version").status == 429)
        first.signal()
        #expect(first.waitForExit(timeout: 10) == 0)
        let second = try RelayProcess(environment: environment)
        let refused = try Self.get(second, "/version")
        #expect(refused.status == 429)
        #expect(Self.limitHeaders(refused, retryAfter: true) == "3;w=60 3 0")
    }

    /// E2's one round trip: a relayed request whose token is cached is decided with one `EVALSHA` for the global and
    /// relay limits together, counted and answered as two calls would be (§5.2): the relay limit refuses after its
    /// allowance, and a refused path never spends relay quota.
    @Test func testARelayedRequestCostsOneRedisCommand() async throws {
        RateLimitBuckets.awaitRoom()
        let server = try RedisServer()
        let mock = try MockProvider.start()
        defer { mock.stop() }
        var extra = mock.relayEnvironment()
        extra.merge(
            [
                "REDIS_URL": server.url, "REDIS_TIMEOUT_MS": "1000", "RATE_LIMIT_GLOBAL_PER_MIN": "100",
                "RATE_LIMIT_RELAY_PER_MIN": "5", "ALLOWED_MODELS": "",
            ]
        ) { $1 }
        let relay = try RelayProcess(environment: Self.environment(extra))
        let api = AccountAPI(relay)
        let token = try api.register()
        #expect(try api.storeKey("sk-test-one-call-0123456789", provider: "openai", token: token).status == 200)
        let redis = try RedisClient(port: server.port)
        func evalshaCalls() throws -> Int {
            guard case .text(let info) = try redis.command(["INFO", "commandstats"]) else { return -1 }
            guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_evalsha:") }),
                let calls = line.split(separator: "=").dropFirst().first?.split(separator: ",").first
            else { return 0 }
            return Int(calls) ?? -1
        }
        func relayed(_ path: String) throws -> RawClient.Response {
            try api.send("POST", path, headers: ["x-relay-token: \(token)"], json: #"{"model":"gpt-4o-mini"}"#)
        }
        _ = try relayed("/relay/openai/v1/chat/completions?tag=warm")  // the token is now in the cache
        let before = try evalshaCalls()
        for index in 1...3 { #expect(try relayed("/relay/openai/v1/chat/completions?tag=one-\(index)").status == 200) }
        #expect(try evalshaCalls() - before == 3, "one EVALSHA per relayed request")
        // Refused paths spend no relay quota: the fifth relayed request is still admitted, the sixth refused.
        #expect(try relayed("/relay/openai/v1/files").status == 403)
        #expect(try relayed("/relay/openai/v1/chat/completions?tag=last").status == 200)
        let refused = try relayed("/relay/openai/v1/chat/completions?tag=refused")
        #expect(refused.status == 429)
        #expect(Self.errorMessage(refused) == "AI request rate limit exceeded (5/min).")
        #expect(Self.limitHeaders(refused, retryAfter: true) == "5;w=60 5 0")
        #expect(mock.requests(tag: "refused").isEmpty)
    }

    /// Redis hung, then running again, then gone, then back empty: requests are served and limited locally meanwhile,
    /// none waits past REDIS_TIMEOUT_MS (+ slack), /readyz and /health say so, and shared limits resume without a
    /// restart.
    @Test func testRedisOutageDegradesToLocalLimitsAndRecovers() throws {
        RateLimitBuckets.awaitRoom()
        let server = try RedisServer()
        let relay = try RelayProcess(
            environment: Self.environment([
                "REDIS_URL": server.url, "RATE_LIMIT_GLOBAL_PER_MIN": "5", "TRUST_PROXY": "1", "WORKERS": "1",
            ])
        )
        func client(_ address: String) -> [(String, String)] { [("X-Forwarded-For", address)] }
        func timed(_ address: String) throws -> Int {
            let (response, milliseconds) = try Eventually.timed {
                try Self.get(relay, "/version", headers: client(address))
            }
            #expect(milliseconds < Self.outageBoundMilliseconds, "a request took \(milliseconds) ms")
            return response.status
        }
        func mode() throws -> String { try Self.get(relay, "/readyz").bodyText }
        #expect(try mode().contains(#""redis":{"ok":true,"mode":"shared"}"#))
        for _ in 0..<2 { #expect(try timed("192.0.2.1") == 200) }

        server.pause()
        let statuses = try (0..<8).map { _ in try timed("192.0.2.1") }
        // The in-process counters never saw the two shared requests: five more, then refusals.
        #expect(statuses == [200, 200, 200, 200, 200, 429, 429, 429])
        let readiness = try Self.get(relay, "/readyz")
        #expect(readiness.status == 200 && readiness.bodyText.contains(#""redis":{"ok":false,"mode":"local"}"#))
        let health = try Self.get(relay, "/health", headers: client("192.0.2.200")).bodyText
        #expect(health.contains(#""redis":{"ok":false,"mode":"local"}"#))
        #expect(health.contains("Redis unreachable \u{2014} rate limits are enforced per replica"))

        server.resume()
        #expect(Eventually.within(milliseconds: 15_000) { (try? mode())?.contains(#""mode":"shared""#) == true } != nil)
        // Shared again: Redis still holds the two early requests, so at most three more (locally there would be
        // none). The call that timed out may have reached the frozen server and been counted when it woke: two then.
        let resumed = try (0..<5).map { _ in try timed("192.0.2.1") }
        #expect(resumed == [200, 200, 200, 429, 429] || resumed == [200, 200, 429, 429, 429], "\(resumed)")
        #expect(
            !(try Self.get(relay, "/health", headers: client("192.0.2.201")).bodyText.contains("redis\":{\"ok\":false"))
        )

        server.stop()
        #expect(try (0..<7).map { _ in try timed("192.0.2.2") } == [200, 200, 200, 200, 200, 429, 429])
        #expect(try mode().contains(#""redis":{"ok":false,"mode":"local"}"#))
        try server.start()
        #expect(Eventually.within(milliseconds: 15_000) { (try? mode())?.contains(#""mode":"shared""#) == true } != nil)
        // The restarted Redis is empty: the identity exhausted locally is admitted again, by Redis.
        #expect(try (0..<6).map { _ in try timed("192.0.2.2") } == [200, 200, 200, 200, 200, 429])
        #expect(relay.waitForLogLine(containing: "Redis reachable again") != nil)
    }
}
