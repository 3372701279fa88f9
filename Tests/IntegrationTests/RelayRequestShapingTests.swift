import Foundation
import MockProvider
import TestSupport
import Testing

/// What a provider receives for a relayed request (CONTRACT.md §4.1, §5.3, §5.4, E3, E8, E10): the real relay, every
/// provider pointed at one in-process mock, and the request as the mock recorded it.
@Suite("Relay request shaping (§4.1, §5.3, §5.4)")
struct RelayRequestShapingTests {
    static let repositoryURL = "https://github.com/example/byok-relay"

    final class Fixture: Sendable {
        let relay: MockedRelay
        /// A user with a key for each of the ten providers.
        let token: String
        let userAgent: String

        init() throws {
            relay = try MockedRelay(environment: ["REPO_URL": RelayRequestShapingTests.repositoryURL])
            token = try relay.user(
                keys: Dictionary(uniqueKeysWithValues: KeyInjection.all.map { ($0.provider, Self.key($0.provider)) })
            )
            userAgent = try relayUserAgent(relay.api)
        }

        static func key(_ provider: String) -> String { "stored-\(provider)-key-0123456789" }

        /// `POST /relay/<provider><path>` for this fixture's user.
        func post(
            _ provider: String,
            _ path: String,
            headers: [String] = [],
            body: [UInt8]? = Array(#"{"model":"m","messages":[]}"#.utf8)
        ) throws -> RawClient.Response {
            // Needed by openai-compatible (sent to the mock by RELAY_UPSTREAM_OPENAI_COMPATIBLE); ignored by the others.
            let base = ["x-relay-base-url: https://api.example.com"]
            return try relay.post("/relay/\(provider)\(path)", token: token, headers: base + headers, body: body)
        }
    }

    static let fixture = Result { try Fixture() }

    // MARK: Key injection and the headers that never travel

    /// Headers a browser or an SDK may send, none of which may reach a provider (§5.4 "never forwarded").
    static let hostileHeaders = [
        "Authorization: Bearer sk-client-own-key",
        "x-api-key: client-x-api-key",
        "x-goog-api-key: client-goog-api-key",
        "xi-api-key: client-xi-api-key",
        "Cookie: session=client-cookie",
        "x-relay-referer: https://relay-referer.example",
        "x-relay-custom: client-relay-header",
        "Origin: https://app.example",
        "Referer: https://app.example/page",
        "User-Agent: Mozilla/5.0 client-agent",
        "X-Forwarded-For: 203.0.113.7",
        "X-Forwarded-Proto: https",
        "X-Real-IP: 203.0.113.8",
        "Forwarded: for=203.0.113.9",
        "x-request-id: client-request-id-1",
        "Sec-Fetch-Mode: cors",
        "sec-ch-ua: \"Chromium\";v=\"130\"",
        "x-stainless-os: Linux",
        "X-Stainless-Retry-Count: 0",
        "anthropic-dangerous-direct-browser-access: true",
        "Keep-Alive: timeout=5",
        "Proxy-Authorization: Basic Y2xpZW50",
        "Proxy-Connection: keep-alive",
        "TE: trailers",
        "Trailer: x-checksum",
        // `accept` is forwarded (§5.4), except when `Connection` names it (RFC 9110 §7.6.1).
        "Connection: keep-alive, accept",
        "Accept: text/x-connection-named",
    ]

    static let neverArriving = [
        "cookie", "x-relay-token", "x-relay-base-url", "x-relay-referer", "x-relay-custom", "origin", "referer",
        "x-forwarded-for", "x-forwarded-proto", "x-real-ip", "forwarded", "x-request-id", "sec-fetch-mode", "sec-ch-ua",
        "x-stainless-os", "x-stainless-retry-count", "anthropic-dangerous-direct-browser-access", "keep-alive",
        "proxy-authorization", "proxy-connection", "te", "trailer",
    ]

    static let clientValues = [
        "sk-client-own-key", "client-x-api-key", "client-goog-api-key", "client-xi-api-key", "client-cookie",
        "client-relay-header", "client-agent", "203.0.113", "client-request-id-1", "text/x-connection-named",
    ]

    @Test(
        "the stored key arrives in its provider's header; client credentials and excluded headers never do",
        arguments: KeyInjection.all
    )
    func keyInjection(_ injection: KeyInjection) async throws {
        let fixture = try Self.fixture.get()
        let tag = "inject-\(injection.provider)"
        let response = try fixture.post(
            injection.provider,
            "\(injection.path)?tag=\(tag)",
            headers: Self.hostileHeaders
        )
        #expect(response.status == 200, "\(response.bodyText)")
        let record = try await fixture.relay.received(tag)
        #expect(record.method == "POST")
        #expect(record.values(injection.header) == [injection.value(Fixture.key(injection.provider))])
        for other in KeyInjection.keyHeaders where other != injection.header {
            #expect(record.values(other) == [], "\(other)")
        }
        #expect(record.values("user-agent") == [fixture.userAgent])
        for name in Self.neverArriving {
            #expect(record.values(name) == [], "\(name) reached \(injection.provider)")
        }
        for value in Self.clientValues {
            #expect(!record.mentions(value), "\(value) reached \(injection.provider)")
        }
        #expect(!record.values("connection").contains { $0.lowercased().contains("accept") })
        #expect(!record.mentions(fixture.token), "the relay token reached \(injection.provider)")
        #expect(record.bodyText == #"{"model":"m","messages":[]}"#)
        // Nothing else travels: the names set by the upstream client, the defaults of §5.4 and the key.
        var expected: Set = ["host", "content-length", "content-type", "user-agent", injection.header]
        if injection.provider == "anthropic" { expected.insert("anthropic-version") }
        if injection.provider == "openrouter" { expected.insert("http-referer") }
        #expect(Set(record.headers.map { $0.name.lowercased() }) == expected)
    }

    @Test(
        "a relay token presented as the SDK credential (E12) is replaced by the stored key",
        arguments: [
            ("openai", "Authorization: Bearer "), ("anthropic", "x-api-key: "), ("google", "x-goog-api-key: "),
        ]
    )
    func sdkCredentialIsReplaced(provider: String, header: String) async throws {
        let fixture = try Self.fixture.get()
        let injection = KeyInjection.named(provider)
        let tag = "sdk-\(provider)"
        let response = try fixture.relay.api.send(
            "POST",
            "/relay/\(provider)\(injection.path)?tag=\(tag)",
            headers: [header + fixture.token],
            json: "{}"
        )
        #expect(response.status == 200, "\(response.bodyText)")
        let record = try await fixture.relay.received(tag)
        #expect(record.values(injection.header) == [injection.value(Fixture.key(provider))])
        #expect(!record.mentions(fixture.token))
        #expect(!record.mentions("br_"))
    }

    // MARK: Provider headers (§5.4, E10)

    @Test("anthropic-version is defaulted when absent or empty and kept when sent; anthropic-beta travels")
    func anthropicVersion() async throws {
        let fixture = try Self.fixture.get()
        let cases: [(String, [String], [String])] = [
            ("absent", [], ["2023-06-01"]),
            ("empty", ["anthropic-version:"], ["2023-06-01"]),
            ("sent", ["Anthropic-Version: 2024-10-22"], ["2024-10-22"]),
        ]
        for (label, headers, expected) in cases {
            let tag = "anthropic-version-\(label)"
            let response = try fixture.post(
                "anthropic",
                "/v1/messages?tag=\(tag)",
                headers: headers + ["anthropic-beta: tools-2024-04-04,prompt-caching-2024-07-31"]
            )
            #expect(response.status == 200)
            let record = try await fixture.relay.received(tag)
            #expect(record.values("anthropic-version") == expected, "\(label)")
            #expect(record.values("anthropic-beta") == ["tools-2024-04-04,prompt-caching-2024-07-31"], "\(label)")
        }
    }

    static let featureHeaders = [
        "anthropic-version: 2024-10-22", "anthropic-beta: b1", "openai-organization: org-1", "openai-project: proj-1",
        "openai-beta: assistants=v2", "x-wait-for-model: true", "x-use-cache: false", "x-title: My App",
        "http-referer: https://referer.example",
    ]

    @Test(
        "each feature header reaches only its own providers (E10)",
        arguments: [
            ("anthropic", ["anthropic-version", "anthropic-beta"]),
            ("openai", ["openai-organization", "openai-project", "openai-beta"]),
            ("openai-compatible", ["openai-organization", "openai-project", "openai-beta"]),
            ("huggingface", ["x-wait-for-model", "x-use-cache"]),
            ("openrouter", ["x-title", "http-referer"]),
            ("groq", []), ("mistral", []), ("google", []), ("elevenlabs", []), ("deepgram", []),
        ]
    )
    func featureHeadersPerProvider(provider: String, forwarded: [String]) async throws {
        let fixture = try Self.fixture.get()
        let tag = "feature-\(provider)"
        let path = KeyInjection.named(provider).path
        let response = try fixture.post(provider, "\(path)?tag=\(tag)", headers: Self.featureHeaders)
        #expect(response.status == 200)
        let record = try await fixture.relay.received(tag)
        for line in Self.featureHeaders {
            let name = String(line.prefix { $0 != ":" })
            let value = String(line.dropFirst(name.count + 2))
            #expect(record.values(name) == (forwarded.contains(name) ? [value] : []), "\(name) for \(provider)")
        }
    }

    @Test("the openai feature headers arrive verbatim, spelled as the table says")
    func openAIFeatureHeaderSpelling() async throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.post(
            "openai",
            "/v1/chat/completions?tag=openai-spelling",
            headers: ["OpenAI-Organization: Org-MixedCase", "OPENAI-PROJECT:  proj with spaces"]
        )
        #expect(response.status == 200)
        let record = try await fixture.relay.received("openai-spelling")
        #expect(record.values("openai-organization") == ["Org-MixedCase"])
        #expect(record.values("openai-project") == ["proj with spaces"])
    }

    @Test(
        "OpenRouter HTTP-Referer: http-referer, then x-relay-referer, then Origin unless null, then REPO_URL; X-Title",
        arguments: [
            (
                "all",
                ["http-referer: https://a.example", "x-relay-referer: https://b.example", "Origin: https://c.example"],
                "https://a.example"
            ),
            (
                "relay-referer", ["x-relay-referer: https://b.example", "Origin: https://c.example"],
                "https://b.example"
            ),
            ("origin", ["Origin: https://c.example"], "https://c.example"),
            ("null-origin", ["Origin: null"], RelayRequestShapingTests.repositoryURL),
            ("none", [], RelayRequestShapingTests.repositoryURL),
        ] as [(String, [String], String)]
    )
    func openRouterReferer(label: String, headers: [String], expected: String) async throws {
        let fixture = try Self.fixture.get()
        let tag = "referer-\(label)"
        let response = try fixture.post(
            "openrouter",
            "/api/v1/chat/completions?tag=\(tag)",
            headers: headers + ["X-Title: Title \(label)"]
        )
        #expect(response.status == 200)
        let record = try await fixture.relay.received(tag)
        #expect(record.values("http-referer") == [expected])
        #expect(record.values("x-title") == ["Title \(label)"])
        #expect(record.values("x-relay-referer") == [])
        #expect(record.values("origin") == [])
    }

    @Test("without REPO_URL and without a referer, OpenRouter gets no HTTP-Referer")
    func openRouterWithoutReferer() async throws {
        let fixture = try Self.fixture.get()
        let mock = fixture.relay.mock
        let bare = try MockedRelay(mock: mock, environment: mock.relayEnvironment(for: ["openrouter"]))
        let token = try bare.user(keys: ["openrouter": "sk-or-bare-0123456789"])
        for (label, headers) in [("absent", [String]()), ("null", ["Origin: null"])] {
            let tag = "referer-unset-\(label)"
            let response = try bare.post(
                "/relay/openrouter/api/v1/chat/completions?tag=\(tag)",
                token: token,
                headers: headers,
                json: "{}"
            )
            #expect(response.status == 200)
            let record = try await bare.received(tag)
            #expect(record.values("http-referer") == [], "\(label)")
            #expect(record.values("authorization") == ["Bearer sk-or-bare-0123456789"])
        }
    }

    // MARK: Content type, accept, body

    @Test("content-type: application/json when absent with a body, as sent otherwise, none without a body")
    func contentType() async throws {
        let fixture = try Self.fixture.get()
        let body = Array(#"{"model":"m"}"#.utf8)
        let absent = try fixture.post("openai", "/v1/chat/completions?tag=ctype-absent", body: body)
        #expect(absent.status == 200)
        #expect(try await fixture.relay.received("ctype-absent").values("content-type") == ["application/json"])

        let sent = try fixture.post(
            "openai",
            "/v1/chat/completions?tag=ctype-sent",
            headers: ["Content-Type: text/plain; charset=ISO-8859-1"],
            body: body
        )
        #expect(sent.status == 200)
        #expect(
            try await fixture.relay.received("ctype-sent").values("content-type") == ["text/plain; charset=ISO-8859-1"]
        )

        let empty = try fixture.post("openai", "/v1/chat/completions?tag=ctype-empty", body: [])
        #expect(empty.status == 200)
        let record = try await fixture.relay.received("ctype-empty")
        #expect(record.values("content-type") == [])
        #expect(record.body.isEmpty)
        #expect(record.values("content-length").allSatisfy { $0 == "0" })
        #expect(record.values("transfer-encoding") == [])
    }

    @Test("accept and accept-encoding travel verbatim")
    func acceptHeaders() async throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.post(
            "elevenlabs",
            "/v1/text-to-speech/voice-1?tag=accept",
            headers: ["Accept: audio/mpeg", "Accept-Encoding: gzip, br;q=0.5"]
        )
        #expect(response.status == 200)
        let record = try await fixture.relay.received("accept")
        #expect(record.values("accept") == ["audio/mpeg"])
        #expect(record.values("accept-encoding") == ["gzip, br;q=0.5"])
    }

    // MARK: Path and query (§5.3)

    @Test(
        "the path travels with runs of / collapsed and percent-encoding preserved; the query verbatim",
        arguments: [
            ("openai", "/v1//chat///completions?tag=path-slashes", "/v1/chat/completions?tag=path-slashes"),
            ("openai", "/v1/chat/completions/?tag=path-trailing", "/v1/chat/completions/?tag=path-trailing"),
            (
                "elevenlabs", "/v1/text-to-speech/voice%201/%7Estream?tag=path-encoded&output_format=mp3_44100",
                "/v1/text-to-speech/voice%201/%7Estream?tag=path-encoded&output_format=mp3_44100"
            ),
            (
                "deepgram", "/v1/listen?model=nova-2&smart_format=true&tag=query-deepgram",
                "/v1/listen?model=nova-2&smart_format=true&tag=query-deepgram"
            ),
            (
                "deepgram", "/v1/listen?tag=query-odd&a=%20b&c=d%2Fe&&flag&x=1+2&key=k",
                "/v1/listen?tag=query-odd&a=%20b&c=d%2Fe&&flag&x=1+2&key=k"
            ),
            ("openai", "/v1//chat/completions?tag=path-query&a=1", "/v1/chat/completions?tag=path-query&a=1"),
        ] as [(String, String, String)]
    )
    func pathAndQuery(provider: String, sent: String, arrived: String) async throws {
        let fixture = try Self.fixture.get()
        let tag = try #require(sent.split(separator: "tag=").last?.prefix { $0 != "&" })
        let response = try fixture.post(provider, sent)
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(try await fixture.relay.received(String(tag)).target == arrived)
    }

    @Test(
        "google: every key parameter is removed; alt=sse is added on streaming paths without alt (§5.3, E8)",
        arguments: [
            (
                "/v1beta/models/gemini-2.0-flash:generateContent?key=client-key&tag=g-key&foo=1",
                "/v1beta/models/gemini-2.0-flash:generateContent?tag=g-key&foo=1"
            ),
            (
                "/v1beta/models/gemini-2.0-flash:generateContent?tag=g-encoded-key&%6Bey=client-key&key&foo=%20",
                "/v1beta/models/gemini-2.0-flash:generateContent?tag=g-encoded-key&foo=%20"
            ),
            (
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?tag=g-stream",
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?tag=g-stream&alt=sse"
            ),
            (
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?key=client-key&tag=g-stream-key",
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?tag=g-stream-key&alt=sse"
            ),
            (
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=json&tag=g-stream-alt",
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=json&tag=g-stream-alt"
            ),
            (
                "/v1/models/gemini-2.0-flash:generateContent?tag=g-plain&alt=json",
                "/v1/models/gemini-2.0-flash:generateContent?tag=g-plain&alt=json"
            ),
            (
                "/v1beta/models/gemini-2.0-flash:generateContent?tag=g-no-alt",
                "/v1beta/models/gemini-2.0-flash:generateContent?tag=g-no-alt"
            ),
        ]
    )
    func googleQuery(sent: String, arrived: String) async throws {
        let fixture = try Self.fixture.get()
        let tag = try #require(sent.split(separator: "tag=").last?.prefix { $0 != "&" })
        let response = try fixture.post("google", sent)
        #expect(response.status == 200, "\(response.bodyText)")
        let record = try await fixture.relay.received(String(tag))
        #expect(record.target == arrived)
        #expect(!record.mentions("client-key"))
        #expect(record.values("x-goog-api-key") == [Fixture.key("google")])
    }

    // MARK: Body (§5.4)

    @Test("a body arrives byte-exact: JSON as sent, and binary that is not UTF-8")
    func bodyIsByteExact() async throws {
        let fixture = try Self.fixture.get()
        let json = Array(#"{ "model" : "m",  "n":1.0e0, "n":2, "s":"\u00e9\ud83d\ude00" , "z":[ ] }"#.utf8) + [0x0A]
        let sent = try fixture.post(
            "openai",
            "/v1/chat/completions?tag=body-json",
            headers: ["Content-Type: application/json"],
            body: json
        )
        #expect(sent.status == 200)
        let record = try await fixture.relay.received("body-json")
        #expect(record.body == json)
        #expect(record.values("content-length") == [String(json.count)])

        var audio: [UInt8] = Array(0...255) + Array((0...255).reversed())
        audio += [0xC3, 0x28, 0xFF, 0xFE, 0x00, 0x0D, 0x0A, 0x80]  // invalid UTF-8, NUL, CR LF
        for index in 0..<70_000 { audio.append(UInt8((index * 7 + index / 251) & 0xFF)) }
        let binary = try fixture.post(
            "deepgram",
            "/v1/listen?model=nova-2&tag=body-binary",
            headers: ["Content-Type: audio/wav"],
            body: audio
        )
        #expect(binary.status == 200)
        let binaryRecord = try await fixture.relay.received("body-binary")
        #expect(binaryRecord.body == audio)
        #expect(binaryRecord.values("content-type") == ["audio/wav"])
    }

    @Test("a chunked upload is streamed upstream as it arrives and arrives byte-exact")
    func chunkedUpload() async throws {
        let fixture = try Self.fixture.get()
        let client = try RawClient(port: fixture.relay.port)
        try client.send(
            "POST /relay/huggingface/models/openai/whisper?tag=chunked HTTP/1.1\r\nHost: t\r\n"
                + "x-relay-token: \(fixture.token)\r\nContent-Type: audio/flac\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        let pieces: [[UInt8]] = [
            [0x66, 0x4C, 0x61, 0x43, 0x00, 0xFF], Array(repeating: 0xAB, count: 40_000), [0x0D, 0x0A, 0x0D, 0x0A],
            (0..<5_000).map { UInt8($0 % 256) },
        ]
        func chunk(_ bytes: [UInt8]) -> [UInt8] {
            Array(String(bytes.count, radix: 16).utf8) + [0x0D, 0x0A] + bytes + [0x0D, 0x0A]
        }
        try client.send(chunk(pieces[0]))
        // The provider sees the request before the client has finished sending the body.
        #expect(await fixture.relay.mock.waitForEvent(.headReceived, tag: "chunked") != nil)
        #expect(fixture.relay.mock.requests(tag: "chunked").first?.isComplete == false)
        for piece in pieces.dropFirst() { try client.send(chunk(piece)) }
        try client.send("0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        let record = try await fixture.relay.received("chunked")
        #expect(record.body == pieces.flatMap { $0 })
        #expect(record.values("content-type") == ["audio/flac"])
        #expect(record.values("authorization") == ["Bearer \(Fixture.key("huggingface"))"])
    }
}
