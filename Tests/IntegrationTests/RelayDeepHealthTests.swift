import Foundation
import MockProvider
import TestSupport
import Testing

/// `GET /health?deep=1&provider=<name>` (CONTRACT.md §9.1): one unauthenticated `GET` to the provider's probe path
/// under `RELAY_UPSTREAM_<PROVIDER>` (E3), reported in `checks.upstream` and `warnings`, never changing the status.
/// Each provider's base URL carries the mock's answer in a `/_mock/<parameters>` prefix (docs/testing.md).
@Suite("Deep health probe (§9.1)")
struct RelayDeepHealthTests {
    final class Fixture: Sendable {
        let relay: MockedRelay
        /// A user with a key for every provider: the probe must still carry none.
        let token: String

        init() throws {
            let mock = try MockProvider.start(workers: 2)
            let parameters = [
                "openai": "tag=probe-openai",
                "anthropic": "mock=status&code=401&tag=probe-anthropic",
                "google": "mock=status&code=503&tag=probe-google",
                "openrouter": "mock=status&code=500&tag=probe-openrouter",
                "mistral": "mock=status&code=499&tag=probe-mistral",
                "elevenlabs": "tag=probe-elevenlabs",
                "huggingface": "mock=status&code=404&tag=probe-huggingface",
                "deepgram": "tag=probe-deepgram",
                "openai-compatible": "tag=probe-openai-compatible",
            ]
            var environment = ["RELAY_UPSTREAM_GROQ": "http://127.0.0.1:\(try FreePort.loopback())"]
            for (provider, parameters) in parameters {
                environment.merge(mock.relayEnvironment(for: [provider], parameters: parameters)) { $1 }
            }
            relay = try MockedRelay(mock: mock, environment: environment)
            token = try relay.user(
                keys: Dictionary(
                    uniqueKeysWithValues: KeyInjection.all.map { ($0.provider, "probe-key-\($0.provider)") }
                )
            )
        }

        /// `GET /health?<query>`, with the user's token (which the probe must ignore).
        func health(_ query: String) throws -> RawClient.Response {
            try relay.api.send("GET", "/health?\(query)", headers: ["x-relay-token: \(token)"])
        }
    }

    static let fixture = Result { try Fixture() }

    /// The `"upstream":{...}` member and the `"warnings":[...]` member (or nil) as the relay writes them.
    static func expectProbe(
        _ response: RawClient.Response,
        upstream: String,
        warning: String?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == 200, sourceLocation: sourceLocation)
        #expect(response.header("content-type") == "application/json; charset=utf-8", sourceLocation: sourceLocation)
        let text = response.bodyText
        #expect(text.contains(#","upstream":\#(upstream)}"#), "\(text)", sourceLocation: sourceLocation)
        if let warning {
            #expect(text.hasSuffix(#","warnings":["\#(warning)"]}"#), "\(text)", sourceLocation: sourceLocation)
        } else {
            #expect(!text.contains("warnings"), "\(text)", sourceLocation: sourceLocation)
        }
        #expect(jsonObject(response)?["ok"] as? Bool == true, sourceLocation: sourceLocation)
    }

    @Test(
        "a provider answering below 500 is reachable; 500 and up adds a warning (U+2014)",
        arguments: [
            ("openai", "/v1/models", 200), ("anthropic", "/v1/models", 401), ("google", "/v1beta/models", 503),
            ("openrouter", "/api/v1/models", 500), ("mistral", "/v1/models", 499), ("elevenlabs", "/v1/models", 200),
            ("huggingface", "/v1/models", 404), ("deepgram", "/v1/models", 200),
        ]
    )
    func probe(provider: String, path: String, status: Int) async throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.health("deep=1&provider=\(provider)")
        let ok = status < 500
        Self.expectProbe(
            response,
            upstream: #"{"ok":\#(ok),"provider":"\#(provider)","statusCode":\#(status)}"#,
            warning: ok ? nil : "Provider \(provider) returned \(status) \u{2014} may be a key issue or provider outage"
        )
        let probe = try await fixture.relay.received("probe-\(provider)")
        #expect(probe.method == "GET")
        #expect(probe.path.hasSuffix(path), "\(probe.target)")
        #expect(probe.body.isEmpty)
        // Unauthenticated: no key header, although the caller holds a key for this provider.
        for header in KeyInjection.keyHeaders { #expect(probe.values(header) == [], "\(header)") }
        #expect(!probe.mentions("probe-key-"))
        #expect(!probe.mentions(fixture.token))
        #expect(probe.values("user-agent") == [try relayUserAgent(fixture.relay.api)])
    }

    @Test(
        "without provider=, openai is probed; deep=TRUE and deep=true are accepted",
        arguments: ["deep=1", "deep=TRUE", "deep=true"]
    )
    func defaultProvider(query: String) throws {
        let fixture = try Self.fixture.get()
        Self.expectProbe(
            try fixture.health(query),
            upstream: #"{"ok":true,"provider":"openai","statusCode":200}"#,
            warning: nil
        )
    }

    @Test("a dead port → Ping failed and an unreachable warning; the status stays 200")
    func unreachable() throws {
        let fixture = try Self.fixture.get()
        Self.expectProbe(
            try fixture.health("deep=1&provider=groq"),
            upstream: #"{"ok":false,"provider":"groq","error":"Ping failed"}"#,
            warning: "Provider groq unreachable"
        )
    }

    @Test("openai-compatible has no fixed base URL → Ping failed, and nothing is sent even with an override")
    func openAICompatible() throws {
        let fixture = try Self.fixture.get()
        Self.expectProbe(
            try fixture.health("deep=1&provider=openai-compatible"),
            upstream: #"{"ok":false,"provider":"openai-compatible","error":"Ping failed"}"#,
            warning: "Provider openai-compatible unreachable"
        )
        #expect(fixture.relay.mock.requests(tag: "probe-openai-compatible").isEmpty)
    }

    @Test("an unknown provider → an error member, no warning", arguments: ["nope", "OpenAI"])
    func unknownProvider(name: String) throws {
        let fixture = try Self.fixture.get()
        Self.expectProbe(
            try fixture.health("deep=1&provider=\(name)"),
            upstream: #"{"ok":false,"error":"Unknown provider '\#(name)'"}"#,
            warning: nil
        )
    }

    @Test(
        "any other deep value is a plain health check without an upstream member",
        arguments: ["deep=0", "deep=yes", "deep="]
    )
    func notDeep(query: String) throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.health("\(query)&provider=openai-compatible")
        #expect(response.status == 200)
        #expect(!response.bodyText.contains("upstream"))
    }
}
