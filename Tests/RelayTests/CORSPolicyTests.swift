import Relay
import Testing

/// Header lists compared as `name: value` lines, since tuples are not Equatable.
private func lines(_ headers: [(String, String)]) -> [String] {
    headers.map { "\($0.0): \($0.1)" }
}

@Suite struct CORSPolicyTests {
    static let wildcard = CORSPolicy(allowedOrigins: .any, maxAgeSeconds: 7200)
    static let list = CORSPolicy(
        allowedOrigins: .list(["https://app.example", "http://localhost:5173", "null"]),
        maxAgeSeconds: 600
    )
    static let exposed =
        "Access-Control-Expose-Headers: x-request-id, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, "
        + "RateLimit-Reset, Retry-After"
    static let defaultAllowHeaders =
        "content-type, authorization, x-relay-token, x-relay-base-url, x-relay-referer, x-title, http-referer, "
        + "anthropic-version, anthropic-beta, openai-organization, openai-project, openai-beta, x-api-key, "
        + "x-goog-api-key, x-request-id, accept"

    static let responses: [(CORSPolicy, String?, [String])] = [
        (wildcard, "https://any.example", ["Access-Control-Allow-Origin: *", exposed]),
        (wildcard, nil, ["Access-Control-Allow-Origin: *", exposed]),
        (list, "https://app.example", ["Access-Control-Allow-Origin: https://app.example", exposed, "Vary: Origin"]),
        (list, "HTTPS://App.Example", ["Access-Control-Allow-Origin: HTTPS://App.Example", exposed, "Vary: Origin"]),
        (list, "null", ["Access-Control-Allow-Origin: null", exposed, "Vary: Origin"]),
        (list, "https://evil.example", ["Vary: Origin"]),
        (list, "https://app.example.evil", ["Vary: Origin"]),
        (list, "https://app.example/", ["Vary: Origin"]),
        (list, nil, ["Vary: Origin"]),
        (list, "", ["Vary: Origin"]),
    ]

    @Test(arguments: responses)
    func testResponseHeadersFollowTheMode(_ policy: CORSPolicy, _ origin: String?, _ expected: [String]) {
        #expect(lines(policy.responseHeaders(origin: origin)) == expected)
    }

    @Test func testForwardedHeadersAreExposedAfterTheFixedList() {
        let headers = Self.wildcard.responseHeaders(
            origin: "https://a.example",
            forwardedHeaderNames: ["request-id", "x-ratelimit-remaining-requests"]
        )
        #expect(lines(headers)[1] == Self.exposed + ", request-id, x-ratelimit-remaining-requests")
        #expect(
            lines(Self.list.responseHeaders(origin: "https://evil.example", forwardedHeaderNames: ["a"]))
                == ["Vary: Origin"]
        )
    }

    static let preflights: [(CORSPolicy, String?, String?, [String])] = [
        (
            wildcard, "https://any.example", nil,
            [
                "Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET, POST, DELETE, OPTIONS",
                "Access-Control-Allow-Headers: " + defaultAllowHeaders, "Access-Control-Max-Age: 7200",
                "Vary: Access-Control-Request-Headers",
            ]
        ),
        (
            list, "http://localhost:5173", "Content-Type, X-Stainless-OS",
            [
                "Access-Control-Allow-Origin: http://localhost:5173",
                "Access-Control-Allow-Methods: GET, POST, DELETE, OPTIONS",
                "Access-Control-Allow-Headers: content-type, x-stainless-os", "Access-Control-Max-Age: 600",
                "Vary: Origin, Access-Control-Request-Headers",
            ]
        ),
        (list, "https://evil.example", "content-type", ["Vary: Origin, Access-Control-Request-Headers"]),
        (list, nil, nil, ["Vary: Origin, Access-Control-Request-Headers"]),
    ]

    @Test(arguments: preflights)
    func testPreflightHeadersFollowTheTable(
        _ policy: CORSPolicy,
        _ origin: String?,
        _ requested: String?,
        _ expected: [String]
    ) {
        #expect(lines(policy.preflightHeaders(origin: origin, requestedHeaders: requested)) == expected)
    }

    static let requestedHeaders: [(String?, String)] = [
        (nil, defaultAllowHeaders),
        ("", defaultAllowHeaders),
        (" , ,", defaultAllowHeaders),
        ("bad header, (x), a/b", defaultAllowHeaders),
        ("Authorization", "authorization"),
        ("x-a,X-B ,\tx-c\t", "x-a, x-b, x-c"),
        ("x-a, bad header, x-é, x-b", "x-a, x-b"),
        (
            "anthropic-dangerous-direct-browser-access, x-stainless-arch",
            "anthropic-dangerous-direct-browser-access, x-stainless-arch"
        ),
        ("!#$%&'*+-.^_`|~09AZaz", "!#$%&'*+-.^_`|~09azaz"),
    ]

    @Test(arguments: requestedHeaders)
    func testRequestedHeadersAreSanitised(_ requested: String?, _ expected: String) {
        #expect(CORSPolicy.allowedHeaders(requested: requested) == expected)
    }

    @Test func testAllowedHeadersAreCappedAt64() {
        let names = (1...70).map { "X-H\($0)" }
        let allowed = CORSPolicy.allowedHeaders(requested: names.joined(separator: ", "))
        #expect(allowed == (1...64).map { "x-h\($0)" }.joined(separator: ", "))
        let withInvalid = CORSPolicy.allowedHeaders(requested: (["bad name"] + names).joined(separator: ","))
        #expect(withInvalid.split(separator: ",").count == 64)
    }

    @Test func testPolicyComesFromConfiguration() throws {
        let (configuration, _) = try loadConfiguration([
            "ALLOWED_ORIGINS": "https://App.Example/", "CORS_MAX_AGE_SECONDS": "60",
        ])
        let policy = CORSPolicy(configuration: configuration)
        #expect(policy == CORSPolicy(allowedOrigins: .list(["https://app.example"]), maxAgeSeconds: 60))
        #expect(policy.allowOriginValue(origin: "https://APP.example") == "https://APP.example")
    }

    @Test func testSecurityHeadersAreExactlyTheContractTable() {
        let expected = [
            "Content-Security-Policy: default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action "
                + "'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';"
                + "script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
            "Cross-Origin-Opener-Policy: same-origin",
            "Cross-Origin-Resource-Policy: same-origin",
            "Origin-Agent-Cluster: ?1",
            "Referrer-Policy: no-referrer",
            "Strict-Transport-Security: max-age=31536000; includeSubDomains",
            "X-Content-Type-Options: nosniff",
            "X-DNS-Prefetch-Control: off",
            "X-Download-Options: noopen",
            "X-Frame-Options: SAMEORIGIN",
            "X-Permitted-Cross-Domain-Policies: none",
            "X-XSS-Protection: 0",
            "Cache-Control: no-store",
        ]
        #expect(lines(CORSPolicy.securityHeaders) == expected)
        #expect(CORSPolicy.eventStreamCacheControl == "no-cache")
    }
}
