import Foundation
import MockProvider
import TestSupport
import Testing

/// `POST /keys/:provider/rotate` (CONTRACT.md §3.6, §4.3): the format check, then a live `GET` to the provider's
/// verification path under `RELAY_UPSTREAM_<PROVIDER>` (E3), whose answer decides. The mock cannot see a query for
/// these requests, so each provider's base URL carries the mock's parameters in a `/_mock/<parameters>` prefix
/// (docs/testing.md): one relay gives each provider one verification outcome, a second relay the rest.
@Suite("Verified key rotation (§3.6)")
struct RelayKeyRotationTests {
    /// A key the anthropic verification endpoint echoes back in its 401 body (it is in the mock's parameters).
    static let echoedKey = "sk-ant-echoed-0123456789"
    static let followedTag = "verify-redirect-followed"

    final class Fixture: Sendable {
        let mock: MockProvider
        /// openai 200, anthropic 401 echoing the request, google 400, groq 429, openrouter 500, mistral 302.
        let first: MockedRelay
        /// openai 408, anthropic unreachable, google 200, groq 403, openrouter 200, mistral 201; the four providers
        /// without verification point at the mock too.
        let second: MockedRelay

        init() throws {
            mock = try MockProvider.start(workers: 2)
            let location = "\(mock.baseURL)/_mock/tag=\(RelayKeyRotationTests.followedTag)/v1/models"
                .replacingOccurrences(of: "/", with: "%2F")
            let firstParameters = [
                "openai": "tag=verify-openai-200",
                "anthropic": "mock=echo&code=401&tag=verify-anthropic-401&k=\(RelayKeyRotationTests.echoedKey)",
                "google": "mock=status&code=400&tag=verify-google-400",
                "groq": "mock=status&code=429&tag=verify-groq-429",
                "openrouter": "mock=status&code=500&tag=verify-openrouter-500",
                "mistral": "mock=status&code=302&h_location=\(location)&tag=verify-mistral-302",
            ]
            var secondParameters = [
                "openai": "mock=status&code=408&tag=verify-openai-408",
                "google": "tag=verify-google-200",
                "groq": "mock=status&code=403&tag=verify-groq-403",
                "openrouter": "tag=verify-openrouter-200",
                "mistral": "mock=json&code=201&tag=verify-mistral-201",
            ]
            for provider in RelayKeyRotationTests.unverified { secondParameters[provider] = "tag=verify-\(provider)" }
            var firstEnvironment: [String: String] = [:]
            for (provider, parameters) in firstParameters {
                firstEnvironment.merge(mock.relayEnvironment(for: [provider], parameters: parameters)) { $1 }
            }
            var secondEnvironment: [String: String] = [:]
            for (provider, parameters) in secondParameters {
                secondEnvironment.merge(mock.relayEnvironment(for: [provider], parameters: parameters)) { $1 }
            }
            secondEnvironment["RELAY_UPSTREAM_ANTHROPIC"] = "http://127.0.0.1:\(try FreePort.loopback())"
            first = try MockedRelay(mock: mock, environment: firstEnvironment)
            second = try MockedRelay(mock: mock, environment: secondEnvironment)
        }

        func relay(_ name: String) -> MockedRelay { name == "first" ? first : second }
    }

    static let fixture = Result { try Fixture() }

    static let unverified = ["elevenlabs", "huggingface", "deepgram", "openai-compatible"]
    static let googleKey = "AIza" + String(repeating: "Ab1_-", count: 7)

    /// The verification requests for `tag` that carried `key` in the provider's key header.
    static func verifications(_ mock: MockProvider, tag: String, provider: String, key: String) -> [RecordedRequest] {
        let injection = KeyInjection.named(provider)
        return mock.requests(tag: tag).filter { $0.values(injection.header) == [injection.value(key)] }
    }

    // MARK: Format check

    @Test(
        "a key of the wrong format → 400 with the hint, quotes U+201C and U+201D (§3.6 step 2, §4.3)",
        arguments: [
            ("anthropic", "sk-proj-0123456789", "Anthropic API keys start with sk-ant-"),
            (
                "openai", "sk-ant-0123456789",
                "OpenAI API keys start with sk- (e.g. sk-proj-... or sk-...); make sure you are not pasting an Anthropic key"
            ),
            (
                "openai", "pk-0123456789",
                "OpenAI API keys start with sk- (e.g. sk-proj-... or sk-...); make sure you are not pasting an Anthropic key"
            ),
            ("google", "AIza0123456789", "Google API keys start with AIza and are 39 characters long"),
            ("groq", "gsq_0123456789", "Groq API keys start with gsk_"),
            ("openrouter", "sk-0123456789", "OpenRouter API keys start with sk-or-"),
            ("mistral", String(repeating: "m", count: 31), "Mistral API keys are at least 32 characters long"),
        ]
    )
    func formatCheck(provider: String, key: String, hint: String) throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.first.user()
        let response = try fixture.first.rotate(provider, token: token, json: #"{"key":"\#(key)"}"#)
        expectJSON(
            response,
            400,
            #"{"error":"API key format looks wrong for provider \#u{201C}\#(provider)\#u{201D}. \#(hint)","hint":"\#(hint)"}"#
        )
        #expect(try fixture.first.api.providers(token: token) == [])
    }

    // MARK: Verified

    @Test("2xx verifies: rotated false for a first key, true for a replacement; the new key is used")
    func verifiedRotation() async throws {
        let fixture = try Self.fixture.get()
        let relay = fixture.first
        let token = try relay.user()
        let (firstKey, secondKey) = ("sk-rotated-first-0123456789", "sk-rotated-second-0123456789")
        expectJSON(
            try relay.rotate("openai", token: token, json: #"{"key":"\#(firstKey)"}"#),
            200,
            #"{"ok":true,"provider":"openai","rotated":false}"#
        )
        expectJSON(
            try relay.rotate("openai", token: token, json: #"{"key":"  \#(secondKey)\n"}"#),
            200,
            #"{"ok":true,"provider":"openai","rotated":true}"#
        )
        let userAgent = try relayUserAgent(relay.api)
        for key in [firstKey, secondKey] {
            let found = Self.verifications(relay.mock, tag: "verify-openai-200", provider: "openai", key: key)
            let verification = try #require(found.first, "no verification with \(key)")
            #expect(found.count == 1)
            #expect(verification.method == "GET")
            #expect(verification.target == "/_mock/tag=verify-openai-200/v1/models")
            #expect(verification.body.isEmpty)
            #expect(verification.values("user-agent") == [userAgent])
            #expect(verification.values("content-type") == [])
            #expect(!verification.mentions(token))
        }
        let relayed = try relay.post("/relay/openai/v1/chat/completions?tag=rotated-openai", token: token, json: "{}")
        #expect(relayed.status == 200)
        #expect(try await relay.received("rotated-openai").values("authorization") == ["Bearer \(secondKey)"])
    }

    @Test(
        "2xx verifies for every provider, with the key injected as for relaying (§4.3 paths)",
        arguments: [
            ("google", RelayKeyRotationTests.googleKey, "verify-google-200", "/v1/models"),
            ("openrouter", "sk-or-verified-0123456789", "verify-openrouter-200", "/api/v1/key"),
            ("mistral", String(repeating: "M", count: 32), "verify-mistral-201", "/v1/models"),
        ]
    )
    func verifiedPerProvider(provider: String, key: String, tag: String, path: String) throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.second.user()
        expectJSON(
            try fixture.second.rotate(provider, token: token, json: #"{"key":"\#(key)"}"#),
            200,
            #"{"ok":true,"provider":"\#(provider)","rotated":false}"#
        )
        let found = Self.verifications(fixture.mock, tag: tag, provider: provider, key: key)
        #expect(found.count == 1)
        // No `key=` query for Google (E8): the key travels only in its header.
        #expect(found.first?.target.hasSuffix(path) == true, "\(found.first?.target ?? "none")")
        for other in KeyInjection.keyHeaders where other != KeyInjection.named(provider).header {
            #expect(found.first?.values(other) == [], "\(other)")
        }
        #expect(try fixture.second.api.providers(token: token) == [provider])
    }

    // MARK: Rejected

    @Test("401 → 422 naming the first 120 characters of the body with the key masked; the old key stays")
    func rejectedWithMaskedDetail() async throws {
        let fixture = try Self.fixture.get()
        let relay = fixture.first
        let original = "sk-ant-original-0123456789"
        let token = try relay.user(keys: ["anthropic": original])
        let response = try relay.rotate("anthropic", token: token, json: #"{"key":"\#(Self.echoedKey)"}"#)
        let verification = try #require(
            Self.verifications(relay.mock, tag: "verify-anthropic-401", provider: "anthropic", key: Self.echoedKey)
                .first
        )
        #expect(verification.values("anthropic-version") == ["2023-06-01"])
        #expect(verification.values("authorization") == [])
        // The mock's echo of this request, as it wrote it (MockExchange.echoBody), up to its headers.
        var echo = #"{"method":"GET","target":"\#(verification.target)","path":"\#(verification.path)","query":null"#
        echo +=
            #","headers":["# + verification.headers.map { #"["\#($0.name)","\#($0.value)"]"# }.joined(separator: ",")
        let detail = String(echo.replacingOccurrences(of: Self.echoedKey, with: "***").prefix(120))
        #expect(echo.count > 120)
        #expect(response.status == 422)
        #expect(
            jsonObject(response)?["error"] as? String
                == "New key was rejected by anthropic (\(detail)). Your existing key was not changed."
        )
        #expect(!response.bodyText.contains(Self.echoedKey))
        #expect(response.bodyText.contains("k=***/v1/models"))

        let relayed = try relay.post(
            "/relay/anthropic/v1/messages?mock=json&code=200&tag=kept-anthropic",
            token: token,
            json: "{}"
        )
        #expect(relayed.status == 200)
        #expect(try await relay.received("kept-anthropic").values("x-api-key") == [original])
    }

    @Test(
        "other 4xx (Google's 400, 403) → 422 with the provider's body as detail",
        arguments: [
            ("first", "google", RelayKeyRotationTests.googleKey, "verify-google-400", 400),
            ("second", "groq", "gsk_rejected-0123456789", "verify-groq-403", 403),
        ]
    )
    func rejected(relayName: String, provider: String, key: String, tag: String, status: Int) throws {
        let fixture = try Self.fixture.get()
        let relay = fixture.relay(relayName)
        let token = try relay.user()
        let response = try relay.rotate(provider, token: token, json: #"{"key":"\#(key)"}"#)
        let body = String(decoding: MockProvider.errorBody(status: status), as: UTF8.self)
        #expect(response.status == 422)
        #expect(
            jsonObject(response)?["error"] as? String
                == "New key was rejected by \(provider) (\(body)). Your existing key was not changed."
        )
        #expect(Self.verifications(relay.mock, tag: tag, provider: provider, key: key).count == 1)
        #expect(try relay.api.providers(token: token) == [])
    }

    // MARK: Not verified

    @Test(
        "408, 429, 5xx and 3xx → 502 HTTP <status>; nothing is written, no redirect is followed",
        arguments: [
            ("first", "groq", "gsk_unverified-0123456789", "verify-groq-429", 429, "/openai/v1/models"),
            ("first", "openrouter", "sk-or-unverified-0123456789", "verify-openrouter-500", 500, "/api/v1/key"),
            ("first", "mistral", String(repeating: "r", count: 40), "verify-mistral-302", 302, "/v1/models"),
            ("second", "openai", "sk-unverified-0123456789", "verify-openai-408", 408, "/v1/models"),
        ]
    )
    func notVerified(relayName: String, provider: String, key: String, tag: String, status: Int, path: String) throws {
        let fixture = try Self.fixture.get()
        let relay = fixture.relay(relayName)
        let token = try relay.user()
        let response = try relay.rotate(provider, token: token, json: #"{"key":"\#(key)"}"#)
        expectError(
            response,
            502,
            "Could not verify the new key with \(provider) (HTTP \(status)). Your existing key was not changed."
        )
        let found = Self.verifications(relay.mock, tag: tag, provider: provider, key: key)
        #expect(found.count == 1)
        #expect(found.first?.target.hasSuffix(path) == true)
        #expect(fixture.mock.requests(tag: Self.followedTag).isEmpty)
        #expect(try relay.api.providers(token: token) == [])
    }

    @Test("a refused rotation leaves the stored key in use")
    func refusalKeepsTheStoredKey() async throws {
        let fixture = try Self.fixture.get()
        let relay = fixture.second
        let original = "sk-kept-original-0123456789"
        let token = try relay.user(keys: ["openai": original])
        let response = try relay.rotate("openai", token: token, json: #"{"key":"sk-refused-0123456789"}"#)
        #expect(response.status == 502)
        #expect(try relay.api.providers(token: token) == ["openai"])
        // The relay's openai base URL answers 408 unless the query says otherwise.
        let relayed = try relay.post(
            "/relay/openai/v1/chat/completions?mock=json&code=200&tag=kept-openai",
            token: token,
            json: "{}"
        )
        #expect(relayed.status == 200)
        #expect(try await relay.received("kept-openai").values("authorization") == ["Bearer \(original)"])
    }

    @Test("a provider nobody listens for → 502 provider unreachable")
    func unreachable() throws {
        let fixture = try Self.fixture.get()
        let token = try fixture.second.user()
        let response = try fixture.second.rotate("anthropic", token: token, json: #"{"key":"sk-ant-unreachable-0123"}"#)
        expectError(
            response,
            502,
            "Could not verify the new key with anthropic (provider unreachable). Your existing key was not changed."
        )
        #expect(try fixture.second.api.providers(token: token) == [])
    }

    // MARK: No verification

    @Test(
        "providers without a verification endpoint skip it; the key is stored",
        arguments: RelayKeyRotationTests.unverified
    )
    func withoutVerification(provider: String) async throws {
        let fixture = try Self.fixture.get()
        let relay = fixture.second
        let token = try relay.user()
        let key = "no-format-\(provider)-0123456789"
        expectJSON(
            try relay.rotate(provider, token: token, json: #"{"key":"\#(key)"}"#),
            200,
            #"{"ok":true,"provider":"\#(provider)","rotated":false}"#
        )
        // A verification would have gone to the base URL, whose parameters tag it `verify-<provider>`.
        #expect(relay.mock.requests(tag: "verify-\(provider)").isEmpty)
        let injection = KeyInjection.named(provider)
        let tag = "rotated-\(provider)"
        let relayed = try relay.post(
            "/relay/\(provider)\(injection.path)?tag=\(tag)",
            token: token,
            headers: ["x-relay-base-url: https://api.example.com"],
            json: "{}"
        )
        #expect(relayed.status == 200)
        #expect(try await relay.received(tag).values(injection.header) == [injection.value(key)])
    }
}
