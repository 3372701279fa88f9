import Foundation
import TestSupport
import Testing

/// `/health`, `/version`, `/healthz`, `/readyz`, CORS, request ids, security headers and request logs
/// (CONTRACT.md §1.4–1.6, §9.1, §9.2, §9.5, E6).
@Suite struct RelayEndpointTests {
    static let relay = Result {
        try RelayProcess(environment: ["COMMIT_SHA": "abc123", "REPO_URL": "https://example.com/relay"])
    }
    static let listRelay = Result {
        try RelayProcess(environment: ["ALLOWED_ORIGINS": "https://App.example.com/, null"])
    }

    func get(_ path: String, headers: String = "", relay: Result<RelayProcess, any Error> = relay) throws
        -> RawClient.Response
    {
        let client = try RawClient(port: try relay.get().port)
        try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\(headers)\r\n")
        return try client.readResponse()
    }

    static let securityHeaders: [(String, String)] = [
        (
            "content-security-policy",
            "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';"
                + "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';"
                + "style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
        ),
        ("cross-origin-opener-policy", "same-origin"), ("cross-origin-resource-policy", "same-origin"),
        ("origin-agent-cluster", "?1"), ("referrer-policy", "no-referrer"),
        ("strict-transport-security", "max-age=31536000; includeSubDomains"), ("x-content-type-options", "nosniff"),
        ("x-dns-prefetch-control", "off"), ("x-download-options", "noopen"), ("x-frame-options", "SAMEORIGIN"),
        ("x-permitted-cross-domain-policies", "none"), ("x-xss-protection", "0"), ("cache-control", "no-store"),
    ]

    @Test(arguments: ["/health", "/version", "/healthz", "/readyz", "/missing"])
    func testEveryResponseCarriesSecurityHeadersAndARequestID(path: String) throws {
        let response = try get(path)
        for (name, value) in Self.securityHeaders { #expect(response.header(name) == value, "\(name) on \(path)") }
        #expect(response.header("server") == nil && response.header("x-powered-by") == nil)
        let id = try #require(response.header("x-request-id"))
        #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        #expect(response.header("access-control-allow-origin") == "*")
        #expect(
            response.header("access-control-expose-headers")
                == "x-request-id, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
        )
        #expect(response.header("vary") == nil)
    }

    @Test func testValidRequestIDIsAdoptedAndInvalidOneReplaced() throws {
        #expect(try get("/healthz", headers: "x-request-id: abc-123\r\n").header("x-request-id") == "abc-123")
        let replaced = try get("/healthz", headers: "x-request-id: has\"quote\r\n").header("x-request-id")
        #expect(replaced != nil && replaced != "has\"quote")
        let twice = try get("/healthz", headers: "x-request-id: a\r\nx-request-id: b\r\n").header("x-request-id")
        #expect(twice != "a" && twice != "b")
    }

    @Test func testVersionShape() throws {
        let response = try get("/version")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(json["version"] as? String == "0.1.0")
        #expect(json["commit"] as? String == "abc123")
        #expect(json["repoUrl"] as? String == "https://example.com/relay")
        #expect(json["attestationUrl"] as? String == "https://example.com/relay/tree/abc123")
        #expect((json["buildTime"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
    }

    @Test func testHealthShape() throws {
        let response = try get("/health")
        #expect(response.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(json["ok"] as? Bool == true)
        #expect((json["providers"] as? [String])?.count == 10)
        #expect(json["uptime"] is Int)
        let checks = try #require(json["checks"] as? [String: Any])
        let config = try #require(checks["config"] as? [String: Any])
        #expect(config["registration_gated"] as? Bool == true)
        #expect(config["model_allowlist_restricted"] as? Bool == true)
        #expect(config["allowed_models"] as? [String] == ["gpt-4o-mini"])
        #expect(json["warnings"] == nil)  // TOKEN_HMAC_SECRET is set
    }

    @Test func testLivenessAndReadiness() throws {
        #expect(try get("/healthz").bodyText == #"{"ok":true}"#)
        let ready = try get("/readyz")
        #expect(ready.status == 200)
        #expect(ready.bodyText.hasPrefix(#"{"ready":true,"starting":false,"draining":false,"checks":{"db":"#))
    }

    @Test func testNotFoundAndMethodNotAllowedAreJSON() throws {
        let missing = try get("/nope")
        #expect(missing.status == 404 && missing.bodyText == #"{"error":"Not found"}"#)
        let client = try RawClient(port: try Self.relay.get().port)
        try client.send("DELETE /version HTTP/1.1\r\nHost: t\r\n\r\n")
        let wrongMethod = try client.readResponse()
        #expect(wrongMethod.status == 405 && wrongMethod.bodyText == #"{"error":"Method not allowed"}"#)
        #expect(wrongMethod.header("allow") == "GET, HEAD, OPTIONS")
        #expect(try get("/version/").status == 200)  // one trailing slash is ignored
        #expect(try get("/Version").status == 404)  // matching is case-sensitive
    }

    @Test func testPreflightOnAnyPathInWildcardMode() throws {
        let client = try RawClient(port: try Self.relay.get().port)
        try client.send(
            "OPTIONS /relay/openai/v1/chat/completions HTTP/1.1\r\nHost: t\r\nOrigin: https://x.example\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: X-Stainless-OS, bad name\r\n\r\n"
        )
        let response = try client.readResponse()
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        #expect(response.header("access-control-allow-origin") == "*")
        #expect(response.header("access-control-allow-methods") == "GET, POST, DELETE, OPTIONS")
        #expect(response.header("access-control-allow-headers") == "x-stainless-os")
        #expect(response.header("access-control-max-age") == "7200")
        #expect(response.header("vary") == "Access-Control-Request-Headers")
        #expect(response.header("x-request-id") != nil)
    }

    @Test func testListModeEchoesOnlyAllowedOrigins() throws {
        let allowed = try get("/healthz", headers: "Origin: https://app.EXAMPLE.com\r\n", relay: Self.listRelay)
        #expect(allowed.header("access-control-allow-origin") == "https://app.EXAMPLE.com")
        #expect(allowed.header("vary") == "Origin")
        let other = try get("/healthz", headers: "Origin: https://evil.example\r\n", relay: Self.listRelay)
        #expect(other.status == 200)
        #expect(other.headers.allSatisfy { !$0.name.lowercased().hasPrefix("access-control-") })
        #expect(other.header("vary") == "Origin")
    }

    @Test func testRequestLogLineHasTheContractMembersAndNoSecrets() throws {
        let relay = try Self.relay.get()
        let client = try RawClient(port: relay.port)
        try client.send(
            "GET /version?key=sekrit-query HTTP/1.1\r\nHost: t\r\nx-request-id: log-line-test\r\n"
                + "x-relay-token: br_supersecrettoken\r\nAuthorization: Bearer sk-leakme\r\n\r\n"
        )
        _ = try client.readResponse()
        let line = try #require(relay.waitForLogLine(containing: "log-line-test"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["level"] as? String == "info")
        #expect(json["method"] as? String == "GET")
        #expect(json["route"] as? String == "/version")
        #expect(json["path"] as? String == "/version")
        #expect(json["status"] as? Int == 200)
        #expect((json["bytes_out"] as? Int ?? 0) > 0)
        #expect(json["duration_ms"] is Double || json["duration_ms"] is Int)
        #expect(json["time"] is String)
        let output = relay.standardOutput
        for secret in ["sekrit-query", "br_supersecrettoken", "sk-leakme", "test-secret-0123456789abcdef"] {
            #expect(!output.contains(secret))
        }
    }
}
