import Foundation
import MockProvider
import TestSupport
import Testing

/// A real relay whose providers point at an in-process mock provider (CONTRACT.md E3, docs/testing.md), shared by
/// the tests of one suite. Tests run in parallel: each one names its requests with a `tag` of its own and registers
/// its own user when it needs keys no other test may touch.
final class MockedRelay: Sendable {
    let mock: MockProvider
    let api: AccountAPI

    /// Starts a relay with `environment` on top of `RelayProcess.baseEnvironment`, the model allowlist off (§5.6 is
    /// not what these suites test).
    init(mock: MockProvider, environment: [String: String]) throws {
        self.mock = mock
        api = AccountAPI(try RelayProcess(environment: ["ALLOWED_MODELS": ""].merging(environment) { $1 }))
    }

    /// A relay with every provider pointed at a fresh mock, plus `environment`.
    convenience init(environment: [String: String] = [:]) throws {
        let mock = try MockProvider.start(workers: 2)
        try self.init(mock: mock, environment: mock.relayEnvironment().merging(environment) { $1 })
    }

    var port: Int { api.relay.port }

    /// A fresh user holding `keys` (provider → key), stored with `POST /keys/:provider`.
    func user(keys: [String: String] = [:]) throws -> String {
        let token = try api.register()
        for (provider, key) in keys {
            let stored = try api.storeKey(key, provider: provider, token: token)
            try #require(stored.status == 200, "\(provider): \(stored.bodyText)")
        }
        return token
    }

    /// `POST <target>` with the relay token in `x-relay-token` and `headers` (whole lines); a `body` gets its
    /// `Content-Length`.
    func post(_ target: String, token: String, headers: [String] = [], body: [UInt8]? = nil) throws
        -> RawClient.Response
    {
        try api.send("POST", target, headers: ["x-relay-token: \(token)"] + headers, body: body)
    }

    /// `POST <target>` with `json` as an `application/json` body.
    func post(_ target: String, token: String, headers: [String] = [], json: String) throws -> RawClient.Response {
        try post(target, token: token, headers: headers + ["Content-Type: application/json"], body: Array(json.utf8))
    }

    /// `POST /keys/:provider/rotate` with `body` as JSON.
    func rotate(_ provider: String, token: String, json: String) throws -> RawClient.Response {
        try api.send("POST", "/keys/\(provider)/rotate", headers: ["x-relay-token: \(token)"], json: json)
    }

    /// What reached the mock for `tag`; fails the test when nothing did.
    func received(
        _ tag: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RecordedRequest {
        try #require(await mock.waitForRequest(tag: tag), "no request tagged \(tag)", sourceLocation: sourceLocation)
    }
}

/// The stored key as the provider must receive it (CONTRACT.md §4.1).
struct KeyInjection: Sendable, CustomTestStringConvertible {
    let provider: String
    /// An allowed path (§4.2).
    let path: String
    /// The header carrying the key, lowercase.
    let header: String
    /// What comes before the key in its value.
    let scheme: String
    var testDescription: String { provider }

    /// The value the provider must get for `key`.
    func value(_ key: String) -> String { scheme + key }

    /// The ten providers of §4.1, each with an allowed path.
    static let all = [
        KeyInjection(provider: "anthropic", path: "/v1/messages", header: "x-api-key", scheme: ""),
        KeyInjection(provider: "openai", path: "/v1/chat/completions", header: "authorization", scheme: "Bearer "),
        KeyInjection(
            provider: "google",
            path: "/v1beta/models/gemini-2.0-flash:generateContent",
            header: "x-goog-api-key",
            scheme: ""
        ),
        KeyInjection(provider: "groq", path: "/openai/v1/chat/completions", header: "authorization", scheme: "Bearer "),
        KeyInjection(
            provider: "openrouter",
            path: "/api/v1/chat/completions",
            header: "authorization",
            scheme: "Bearer "
        ),
        KeyInjection(provider: "mistral", path: "/v1/chat/completions", header: "authorization", scheme: "Bearer "),
        KeyInjection(provider: "elevenlabs", path: "/v1/text-to-speech/voice-1", header: "xi-api-key", scheme: ""),
        KeyInjection(provider: "huggingface", path: "/models/gpt2", header: "authorization", scheme: "Bearer "),
        KeyInjection(provider: "deepgram", path: "/v1/listen", header: "authorization", scheme: "Token "),
        KeyInjection(
            provider: "openai-compatible",
            path: "/v1/chat/completions",
            header: "authorization",
            scheme: "Bearer "
        ),
    ]

    static func named(_ provider: String) -> KeyInjection {
        all.first { $0.provider == provider }!
    }

    /// The headers a provider key can arrive in, lowercase.
    static let keyHeaders = ["authorization", "x-api-key", "x-goog-api-key", "xi-api-key"]
}

extension RecordedRequest {
    /// Every value of `name` (case-insensitive), in order.
    func values(_ name: String) -> [String] { headers.values(for: name) }

    /// Whether any header name or value, or the body, contains `text`.
    func mentions(_ text: String) -> Bool {
        headers.contains { $0.name.contains(text) || $0.value.contains(text) } || target.contains(text)
            || bodyText.contains(text)
    }
}

extension RawClient.Response {
    /// Every value of `name` (case-insensitive), in order.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}

/// The relay's `User-Agent` upstream (CONTRACT.md §4.1): `byok-relay/<version>`, the version as `/version` says.
func relayUserAgent(_ api: AccountAPI) throws -> String {
    let version = try #require(jsonObject(try api.send("GET", "/version"))?["version"] as? String)
    return "byok-relay/\(version)"
}
