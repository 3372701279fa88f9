import Foundation
import MockProvider
import TestSupport
import Testing

/// What the browser receives for a relayed request (CONTRACT.md §1.4–1.6, §5.7, §5.8): the provider's status and
/// body byte for byte, an allowlist of its headers, and the relay's own headers. The mock chooses its answer from
/// the query string, which the relay forwards verbatim.
@Suite("Relay response shaping (§5.7)")
struct RelayResponseShapingTests {
    final class Fixture: Sendable {
        let relay: MockedRelay
        let token: String

        init() throws {
            relay = try MockedRelay()
            token = try relay.user(keys: ["openai": "sk-response-shaping-0123456789", "elevenlabs": "xi-0123456789"])
        }

        /// `POST /relay/openai/v1/chat/completions?<query>`.
        func post(_ query: String, headers: [String] = []) throws -> RawClient.Response {
            try relay.post("/relay/openai/v1/chat/completions?\(query)", token: token, headers: headers, json: "{}")
        }
    }

    static let fixture = Result { try Fixture() }

    /// §1.4: exposed on every response that carries `Access-Control-Allow-Origin`, before the forwarded names.
    static let fixedExposed = [
        "x-request-id", "RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After",
    ]

    /// The names `Access-Control-Expose-Headers` adds after the fixed list.
    static func exposedForwardedNames(_ response: RawClient.Response) throws -> [String] {
        let exposed = try #require(response.header("access-control-expose-headers"))
        let names = exposed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Array(names.prefix(fixedExposed.count)) == fixedExposed)
        return Array(names.dropFirst(fixedExposed.count))
    }

    @Test("status, body and retry hints pass through byte-exact", arguments: [200, 401, 429, 500])
    func statusAndBody(code: Int) throws {
        let fixture = try Self.fixture.get()
        let tag = "status-\(code)"
        let response = try fixture.post(
            "mock=status&code=\(code)&retry_after=7&retry_after_ms=7000&h_x-should-retry=true&tag=\(tag)"
        )
        #expect(response.status == code)
        #expect(response.body == MockProvider.errorBody(status: code))
        #expect(response.values("content-length") == [String(MockProvider.errorBody(status: code).count)])
        #expect(response.values("content-type") == ["application/json"])
        #expect(response.values("retry-after") == ["7"])
        #expect(response.values("retry-after-ms") == ["7000"])
        #expect(response.values("x-should-retry") == ["true"])
        #expect(response.values("x-upstream-request-id") == ["req-mock-\(tag)"])
        #expect(response.values("x-ratelimit-limit-requests") == ["1000"])
        #expect(response.values("x-ratelimit-remaining-requests") == ["999"])
        #expect(response.values("set-cookie") == [])
        #expect(response.values("server") == [])
        #expect(response.values("cache-control") == ["no-store"])
        #expect(response.values("x-accel-buffering") == [])
        let requestIDs = response.values("x-request-id")
        #expect(requestIDs.count == 1)
        #expect(requestIDs.allSatisfy { !$0.hasPrefix("req-mock") })
        #expect(
            Set(try Self.exposedForwardedNames(response)) == [
                "content-type", "content-length", "x-upstream-request-id", "x-ratelimit-limit-requests",
                "x-ratelimit-remaining-requests", "retry-after", "retry-after-ms", "x-should-retry",
            ]
        )
    }

    /// Provider headers §5.7 forwards, as `h_` parameters (values percent-encoded) and as the browser gets them.
    static let forwarded: [(name: String, query: String, value: String)] = [
        ("request-id", "req_anthropic_1", "req_anthropic_1"),
        ("openai-processing-ms", "42", "42"),
        ("openai-version", "2020-10-01", "2020-10-01"),
        ("anthropic-ratelimit-requests-remaining", "49", "49"),
        ("x-ratelimit-reset-tokens", "6ms", "6ms"),
        ("content-disposition", "attachment%3B%20filename%3D%22a.mp3%22", #"attachment; filename="a.mp3""#),
        ("content-language", "en", "en"),
        ("dg-request-id", "dg-1", "dg-1"),
        ("history-item-id", "hist-1", "hist-1"),
        ("ratelimitbysize-limit", "10", "10"),
        ("x-ratelimitbysize-remaining", "9", "9"),
    ]

    /// Provider headers §5.7 drops (the §1.6 names and CORS are replaced by the relay's own).
    static let dropped: [(name: String, query: String)] = [
        ("set-cookie2", "a%3D1"),
        ("via", "1.1%20proxy.example"),
        ("date", "Mon%2C%2001%20Jan%202001%2000%3A00%3A00%20GMT"),
        ("etag", "%22abc%22"),
        ("last-modified", "Mon%2C%2001%20Jan%202001%2000%3A00%3A00%20GMT"),
        ("cache-control", "max-age%3D3600"),
        ("vary", "Accept-Encoding"),
        ("alt-svc", "h3%3D%22%3A443%22"),
        ("access-control-allow-origin", "https%3A%2F%2Fevil.example"),
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "x-provider-secret"),
        ("strict-transport-security", "max-age%3D1"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "default-src%20*"),
        ("referrer-policy", "unsafe-url"),
        ("x-content-type-options", "none"),
        ("ratelimit-limit", "5"),
        ("ratelimit-remaining", "4"),
        ("ratelimit-reset", "30"),
        ("ratelimit-policy", "5%3Bw%3D60"),
        ("location", "https%3A%2F%2Felsewhere.example%2F"),
        ("x-powered-by", "Express"),
        ("x-provider-internal", "1"),
        ("keep-alive", "timeout%3D5"),
    ]

    @Test("allowlisted provider headers are forwarded and exposed; everything else is dropped or replaced")
    func forwardedAndDroppedHeaders() throws {
        let fixture = try Self.fixture.get()
        let parameters = (Self.forwarded.map { ($0.name, $0.query) } + Self.dropped.map { ($0.name, $0.query) })
            .map { "h_\($0.0)=\($0.1)" }
        let response = try fixture.post("mock=json&tag=headers&" + parameters.joined(separator: "&"))
        #expect(response.status == 200)
        #expect(response.body == MockProvider.chatCompletionBody)
        for (name, _, value) in Self.forwarded {
            #expect(response.values(name) == [value], "\(name)")
        }
        for (name, query) in Self.dropped {
            let providerValue = MockBehaviorText.decoded(query)
            #expect(!response.values(name).contains(providerValue), "\(name) was forwarded")
        }
        // Dropped outright.
        for name in [
            "set-cookie", "set-cookie2", "server", "via", "etag", "last-modified", "vary", "alt-svc", "location",
            "x-powered-by", "x-provider-internal", "keep-alive", "access-control-allow-credentials", "ratelimit-limit",
            "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy",
        ] {
            #expect(response.values(name) == [], "\(name)")
        }
        // Replaced by the relay's own (§1.4, §1.6): exactly one value each.
        #expect(response.values("cache-control") == ["no-store"])
        #expect(response.values("access-control-allow-origin") == ["*"])
        #expect(response.values("strict-transport-security") == ["max-age=31536000; includeSubDomains"])
        #expect(response.values("x-frame-options") == ["SAMEORIGIN"])
        #expect(response.values("referrer-policy") == ["no-referrer"])
        #expect(response.values("x-content-type-options") == ["nosniff"])
        #expect(response.values("content-security-policy").count == 1)
        #expect(response.values("date").count == 1)
        #expect(response.values("date") != ["Mon, 01 Jan 2001 00:00:00 GMT"])
        let exposed = try Self.exposedForwardedNames(response)
        #expect(
            Set(exposed)
                == Set(
                    Self.forwarded.map(\.name) + [
                        "content-type", "content-length", "x-upstream-request-id", "x-ratelimit-limit-requests",
                        "x-ratelimit-remaining-requests",
                    ]
                )
        )
        #expect(exposed.count == Set(exposed).count)
    }

    @Test("the relay's x-request-id is the client's when valid; the provider's comes back as x-upstream-request-id")
    func requestIDs() throws {
        let fixture = try Self.fixture.get()
        let adopted = try fixture.post("tag=rid-adopted", headers: ["x-request-id: client-rid-42"])
        #expect(adopted.values("x-request-id") == ["client-rid-42"])
        #expect(adopted.values("x-upstream-request-id") == ["req-mock-rid-adopted"])
        let generated = try fixture.post("tag=rid-generated")
        let id = try #require(generated.values("x-request-id").first)
        #expect(generated.values("x-request-id").count == 1)
        #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        #expect(generated.values("x-upstream-request-id") == ["req-mock-rid-generated"])
    }

    @Test("an event stream: content type verbatim, no-cache, X-Accel-Buffering: no, body byte-exact (§5.7, §5.8)")
    func eventStream() throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.post("mock=sse&chunks=4&size=8&tag=sse-shape")
        #expect(response.status == 200)
        #expect(response.body == MockProvider.sseBody(tag: "sse-shape", chunks: 4, size: 8))
        #expect(response.values("content-type") == ["text/event-stream; charset=utf-8"])
        #expect(response.values("cache-control") == ["no-cache"])
        #expect(response.values("x-accel-buffering") == ["no"])
        #expect(response.values("x-upstream-request-id") == ["req-mock-sse-shape"])
        #expect(response.values("set-cookie") == [])
        #expect(try Self.exposedForwardedNames(response).contains("content-type"))
    }

    @Test("a gzip body passes through compressed and byte-exact, with its content-encoding")
    func gzipPassesThrough() async throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.post("mock=json&contentEncoding=gzip&tag=gzip", headers: ["Accept-Encoding: gzip"])
        #expect(response.status == 200)
        #expect(response.values("content-encoding") == ["gzip"])
        #expect(response.body == MockProvider.gzippedBody)
        #expect(response.values("content-length") == [String(MockProvider.gzippedBody.count)])
        #expect(try Self.exposedForwardedNames(response).contains("content-encoding"))
        #expect(try await fixture.relay.received("gzip").values("accept-encoding") == ["gzip"])
    }

    @Test("binary bodies pass through byte-exact, with Content-Length or chunked", arguments: ["length", "chunked"])
    func binaryBody(framing: String) throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.relay.post(
            "/relay/elevenlabs/v1/text-to-speech/voice-1?mock=bytes&total=300000&framing=\(framing)&tag=bytes-\(framing)",
            token: fixture.token,
            json: "{}"
        )
        #expect(response.status == 200)
        #expect(response.body == MockProvider.patternBytes(count: 300_000))
        #expect(response.values("content-type") == ["application/octet-stream"])
        #expect(response.values("content-length") == (framing == "length" ? ["300000"] : []))
    }

    @Test("a redirect is passed through, not followed, without its Location", arguments: [301, 302, 307, 308])
    func redirectIsNotFollowed(code: Int) throws {
        let fixture = try Self.fixture.get()
        let mock = fixture.relay.mock
        let elsewhere = "\(mock.baseURL)/_mock/tag=followed-\(code)/v1/chat/completions"
        let encoded = try #require(elsewhere.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let response = try fixture.post("mock=status&code=\(code)&h_location=\(encoded)&tag=redirect-\(code)")
        #expect(response.status == code)
        #expect(response.body == MockProvider.errorBody(status: code))
        #expect(response.values("location") == [])
        #expect(mock.requests(tag: "redirect-\(code)").count == 1)
        #expect(mock.requests(tag: "followed-\(code)").isEmpty)
    }
}

/// Percent-decoding of the `h_` values above, as the mock reads them.
private enum MockBehaviorText {
    static func decoded(_ text: String) -> String { text.removingPercentEncoding ?? text }
}
