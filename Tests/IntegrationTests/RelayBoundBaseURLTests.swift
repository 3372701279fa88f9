import Foundation
import MockProvider
import TestSupport
import Testing

/// `openai-compatible` keys bound to a base URL (CONTRACT.md E14, §3.4 check 6, §5.5). The relay sends
/// `openai-compatible` to the mock (`RELAY_UPSTREAM_OPENAI_COMPATIBLE`, E3), so the public-looking origins below are
/// checked and compared but never contacted.
@Suite("openai-compatible keys bound to a base URL (E14)")
struct RelayBoundBaseURLTests {
    static let fixture = Result { try MockedRelay() }
    static let boundOrigin = "https://api.example.com"

    /// `POST /keys/openai-compatible[/rotate]` with `key` and `base_url` (raw JSON).
    static func store(_ relay: MockedRelay, token: String, key: String, baseURL: String, rotating: Bool = false) throws
        -> RawClient.Response
    {
        try relay.api.send(
            "POST",
            "/keys/openai-compatible" + (rotating ? "/rotate" : ""),
            headers: ["x-relay-token: \(token)"],
            json: #"{"key":"\#(key)","base_url":\#(baseURL)}"#
        )
    }

    /// `POST /relay/openai-compatible/v1/chat/completions?tag=<tag>` with an optional `x-relay-base-url`.
    static func relay(_ relay: MockedRelay, token: String, baseURL: String?, tag: String) throws -> RawClient.Response {
        try relay.post(
            "/relay/openai-compatible/v1/chat/completions?tag=\(tag)",
            token: token,
            headers: baseURL.map { ["x-relay-base-url: \($0)"] } ?? [],
            json: "{}"
        )
    }

    @Test(
        "an invalid base_url is refused with the §5.5 message naming base_url; nothing is stored",
        arguments: [
            ("not a url", "base_url must be a valid URL"),
            ("https://256.0.0.1", "base_url must be a valid URL"),
            ("http://api.example.com", "base_url must use HTTPS"),
            ("ftp://api.example.com", "base_url must use HTTPS"),
            ("https://user:secret@api.example.com", "base_url must not include embedded credentials"),
            ("https://127.0.0.1", "base_url must not target a private or reserved IP address"),
            ("https://[::1]", "base_url must not target a private or reserved IP address"),
            ("https://169.254.169.254", "base_url must not target a private or reserved IP address"),
            ("https://localhost", "base_url must not target localhost"),
            ("https://intranet", "base_url must use a public hostname"),
            ("https://printer.local", "base_url must use a public hostname"),
            ("https://api.example.com:22", "base_url must use port 443 or a port from 1024 to 65535"),
        ]
    )
    func invalidBaseURL(baseURL: String, message: String) throws {
        let relay = try Self.fixture.get()
        let token = try relay.user()
        for rotating in [false, true] {
            let response = try Self.store(
                relay,
                token: token,
                key: "sk-bound-0123456789",
                baseURL: jsonString(baseURL),
                rotating: rotating
            )
            expectError(response, 400, message)
        }
        #expect(try relay.api.providers(token: token) == [])
    }

    @Test("a bound key needs no x-relay-base-url; the same origin with any path is fine")
    func boundKeyIsUsed() async throws {
        let relay = try Self.fixture.get()
        let token = try relay.user()
        let key = "sk-bound-used-0123456789"
        let stored = try Self.store(relay, token: token, key: key, baseURL: #""https://api.example.com/v1?team=1""#)
        expectJSON(stored, 200, #"{"ok":true,"provider":"openai-compatible"}"#)
        let headers: [(String, String?)] = [
            ("bound-absent", nil), ("bound-empty", ""), ("bound-same", "https://api.example.com"),
            ("bound-path", "https://api.example.com/other/path?x=1#fragment"),
            ("bound-case", "https://API.Example.COM:443/"),
        ]
        for (tag, header) in headers {
            let response = try Self.relay(relay, token: token, baseURL: header, tag: tag)
            #expect(response.status == 200, "\(tag): \(response.bodyText)")
            let record = try await relay.received(tag)
            #expect(record.values("authorization") == ["Bearer \(key)"])
            #expect(record.target == "/v1/chat/completions?tag=\(tag)")
            #expect(record.values("x-relay-base-url") == [])
        }
    }

    @Test(
        "another origin → 400, and the key goes nowhere",
        arguments: [
            ("mismatch-host", "https://api.other.example"), ("mismatch-parent", "https://example.com"),
            ("mismatch-port", "https://api.example.com:8443"),
            ("mismatch-suffix", "https://api.example.com.evil.example"),
        ]
    )
    func otherOriginIsRefused(tag: String, header: String) throws {
        let relay = try Self.fixture.get()
        let token = try relay.user()
        let stored = try Self.store(
            relay,
            token: token,
            key: "sk-bound-refused-0123456789",
            baseURL: #""https://api.example.com""#
        )
        #expect(stored.status == 200)
        let response = try Self.relay(relay, token: token, baseURL: header, tag: tag)
        expectError(response, 400, "x-relay-base-url does not match the base URL this key is bound to")
        #expect(relay.mock.requests(tag: tag).isEmpty)
    }

    @Test("rotate binds too (no verification for openai-compatible); storing without base_url unbinds")
    func rotateBindsAndStoreReplaces() async throws {
        let relay = try Self.fixture.get()
        let token = try relay.user()
        let rotated = try Self.store(
            relay,
            token: token,
            key: "sk-rotated-bound-0123456789",
            baseURL: #""https://api.example.com""#,
            rotating: true
        )
        expectJSON(rotated, 200, #"{"ok":true,"provider":"openai-compatible","rotated":false}"#)
        let used = try Self.relay(relay, token: token, baseURL: nil, tag: "rotate-bound")
        #expect(used.status == 200)
        #expect(
            try await relay.received("rotate-bound").values("authorization") == ["Bearer sk-rotated-bound-0123456789"]
        )
        expectError(
            try Self.relay(relay, token: token, baseURL: "https://api.other.example", tag: "rotate-mismatch"),
            400,
            "x-relay-base-url does not match the base URL this key is bound to"
        )

        #expect(
            try relay.api.storeKey("sk-unbound-0123456789", provider: "openai-compatible", token: token).status == 200
        )
        expectError(
            try Self.relay(relay, token: token, baseURL: nil, tag: "unbound-absent"),
            400,
            "x-relay-base-url header is required for openai-compatible provider"
        )
        let unbound = try Self.relay(relay, token: token, baseURL: "https://api.other.example", tag: "unbound-other")
        #expect(unbound.status == 200)
        #expect(try await relay.received("unbound-other").values("authorization") == ["Bearer sk-unbound-0123456789"])
        #expect(relay.mock.requests(tag: "rotate-mismatch").isEmpty)
    }

    @Test("base_url means nothing for other providers (§3.4 check 6 is E14 only)")
    func otherProvidersIgnoreBaseURL() throws {
        let relay = try Self.fixture.get()
        let token = try relay.user()
        let response = try relay.api.send(
            "POST",
            "/keys/openai",
            headers: ["x-relay-token: \(token)"],
            json: #"{"key":"sk-not-bound-0123456789","base_url":"http://127.0.0.1"}"#
        )
        expectJSON(response, 200, #"{"ok":true,"provider":"openai"}"#)
    }
}
