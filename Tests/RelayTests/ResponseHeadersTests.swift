import Relay
import Testing

private func lines(_ headers: [(name: String, value: String)]) -> [String] {
    headers.map { "\($0.name): \($0.value)" }
}

/// CONTRACT.md §5.7's forwarded and dropped provider headers, and §5.8's event-stream test.
@Suite struct ResponseHeadersTests {
    // (upstream name, the name forwarded, or nil when dropped).
    static let names: [(String, String?)] = [
        // §5.7's table, one row each.
        ("content-type", "content-type"), ("content-length", "content-length"),
        ("content-encoding", "content-encoding"), ("content-disposition", "content-disposition"),
        ("content-language", "content-language"), ("retry-after", "retry-after"),
        ("retry-after-ms", "retry-after-ms"), ("x-should-retry", "x-should-retry"), ("request-id", "request-id"),
        ("x-request-id", "x-upstream-request-id"), ("openai-processing-ms", "openai-processing-ms"),
        ("openai-version", "openai-version"), ("dg-request-id", "dg-request-id"),
        ("history-item-id", "history-item-id"),
        // The four rate-limit prefixes.
        ("x-ratelimit-remaining-requests", "x-ratelimit-remaining-requests"),
        ("x-ratelimit-reset-tokens", "x-ratelimit-reset-tokens"),
        ("anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-limit"),
        ("ratelimitbysize-remaining", "ratelimitbysize-remaining"),
        ("x-ratelimitbysize-limit", "x-ratelimitbysize-limit"),
        // Any case in, lower case out.
        ("Content-Type", "content-type"), ("X-Request-ID", "x-upstream-request-id"),
        ("X-RateLimit-Limit-Requests", "x-ratelimit-limit-requests"), ("REQUEST-ID", "request-id"),
        // Dropped, §5.7's list.
        ("set-cookie", nil), ("set-cookie2", nil), ("connection", nil), ("keep-alive", nil),
        ("transfer-encoding", nil), ("trailer", nil), ("upgrade", nil), ("proxy-authenticate", nil),
        ("location", nil), ("alt-svc", nil), ("server", nil), ("via", nil), ("date", nil), ("etag", nil),
        ("last-modified", nil), ("cache-control", nil), ("vary", nil), ("access-control-allow-origin", nil),
        ("access-control-expose-headers", nil), ("strict-transport-security", nil),
        ("content-security-policy", nil), ("x-frame-options", nil), ("x-content-type-options", nil),
        ("cross-origin-resource-policy", nil), ("referrer-policy", nil),
        // The relay's own rate-limit names (§7.3), and near misses of the allowed ones.
        ("ratelimit-limit", nil), ("ratelimit-remaining", nil), ("ratelimit-reset", nil), ("ratelimit-policy", nil),
        ("RateLimit-Limit", nil), ("x-ratelimit", nil), ("anthropic-ratelimit", nil), ("ratelimitbysize", nil),
        ("x-request-ids", nil), ("request-ids", nil), ("x-upstream-request-id", nil), ("content-range", nil),
        ("content-location", nil), ("openai-organization", nil), ("anthropic-organization-id", nil),
        ("x-powered-by", nil), ("cf-ray", nil), ("x-envoy-upstream-service-time", nil), ("", nil),
    ]

    @Test(arguments: names)
    func testOnlyListedHeadersAreForwarded(_ name: String, _ forwarded: String?) {
        let shaped = ResponseHeaders(upstream: [(name, " v 1 ")])
        #expect(lines(shaped.forwarded) == (forwarded.map { ["\($0):  v 1 "] } ?? []))
    }

    @Test func testOrderAndRepeatsAreKeptAndExposedOnce() {
        let shaped = ResponseHeaders(upstream: [
            ("Date", "Tue, 01 Jan 2030 00:00:00 GMT"),
            ("Content-Type", "application/json"),
            ("x-ratelimit-remaining-requests", "99"),
            ("Set-Cookie", "a=b"),
            ("X-Request-Id", "req_1"),
            ("x-ratelimit-remaining-requests", "98"),
            ("retry-after", "2"),
        ])
        #expect(
            lines(shaped.forwarded) == [
                "content-type: application/json", "x-ratelimit-remaining-requests: 99",
                "x-upstream-request-id: req_1", "x-ratelimit-remaining-requests: 98", "retry-after: 2",
            ]
        )
        #expect(
            shaped.exposedNames == [
                "content-type", "x-ratelimit-remaining-requests", "x-upstream-request-id", "retry-after",
            ]
        )
        #expect(!shaped.isEventStream)
    }

    // (Content-Type, whether it is an event stream).
    static let mediaTypes: [(String, Bool)] = [
        ("text/event-stream", true), ("TEXT/Event-Stream", true), ("text/event-stream; charset=utf-8", true),
        (" text/event-stream\t;x=1", true), ("text/event-stream;", true),
        ("text/event-streams", false), ("text/event-stream-x", false), ("text/event", false),
        ("application/json", false), ("text/plain; a=text/event-stream", false), ("", false),
        ("application/x-ndjson", false), ("text /event-stream", false),
    ]

    @Test(arguments: mediaTypes)
    func testEventStreamIsJudgedOnTheMediaTypeAlone(_ contentType: String, _ expected: Bool) {
        #expect(ResponseHeaders(upstream: [("Content-Type", contentType)]).isEventStream == expected)
    }

    @Test func testNoContentTypeIsNoEventStream() {
        #expect(!ResponseHeaders(upstream: [("content-length", "0")]).isEventStream)
        #expect(!ResponseHeaders(upstream: []).isEventStream)
    }

    // (headers, whether an upstream failure after the head gets an SSE error frame).
    static let frames: [([String], Bool)] = [
        (["text/event-stream"], true),
        (["text/event-stream", "identity"], true),
        (["text/event-stream", " IDENTITY "], true),
        (["text/event-stream", "gzip"], false),
        (["text/event-stream", "br"], false),
        (["text/event-stream", "identity", "gzip"], false),
        (["application/json"], false),
        (["application/json", "identity"], false),
    ]

    @Test(arguments: frames)
    func testErrorFrameOnlyOnUnencodedEventStreams(_ values: [String], _ expected: Bool) {
        var upstream: [(name: String, value: String)] = [("content-type", values[0])]
        upstream += values.dropFirst().map { ("Content-Encoding", $0) }
        #expect(ResponseHeaders(upstream: upstream).acceptsErrorFrame == expected)
    }

    @Test func testRelayedResponseExposesForwardedNames() {
        let upstream = ResponseHeaders(upstream: [
            ("request-id", "req_1"), ("x-ratelimit-limit-requests", "50"), ("Set-Cookie", "a=b"),
            ("Content-Disposition", "attachment"),
        ])
        let fixed =
            "x-request-id, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
        let wildcard = CORSPolicy(allowedOrigins: .any, maxAgeSeconds: 7200)
        let headers = wildcard.responseHeaders(origin: nil, relaying: upstream).map { "\($0.0): \($0.1)" }
        #expect(
            headers == [
                "Access-Control-Allow-Origin: *",
                "Access-Control-Expose-Headers: \(fixed), request-id, x-ratelimit-limit-requests, content-disposition",
            ]
        )
        // Without Access-Control-Allow-Origin nothing is exposed (§1.4).
        let list = CORSPolicy(allowedOrigins: .list(["https://app.example"]), maxAgeSeconds: 7200)
        #expect(list.responseHeaders(origin: "https://evil.example", relaying: upstream).map(\.0) == ["Vary"])
    }
}
