import Foundation
import TestSupport
import Testing

/// The refusals of `POST /relay/:provider/*` that come before any upstream connection (CONTRACT.md §5.1–5.5), on
/// the real binary. Every provider points at a port nothing listens on: a check that did not refuse would let the
/// request through to a connection attempt and a 502, so each case fails if its check is removed.
@Suite("Relay refusals before the upstream", .serialized)
struct RelayRefusalTests {
    /// One relay for the suite's cases, with a stored key for every provider.
    final class Fixture: Sendable {
        let api: AccountAPI
        let token: String

        init() throws {
            let closedPort = try FreePort.loopback()
            var environment = ["ALLOWED_MODELS": ""]
            for name in ["OPENAI", "ANTHROPIC", "GOOGLE", "GROQ", "OPENROUTER", "MISTRAL", "DEEPGRAM"] {
                environment["RELAY_UPSTREAM_\(name)"] = "http://127.0.0.1:\(closedPort)"
            }
            api = AccountAPI(try RelayProcess(environment: environment))
            token = try api.register()
            for provider in ["openai", "anthropic", "google", "deepgram", "openai-compatible"] {
                let stored = try api.storeKey("sk-test-key-\(provider)-0123456789", provider: provider, token: token)
                try #require(stored.status == 200, "\(stored.bodyText)")
            }
        }

        func relay(_ path: String, headers: [String] = [], body: String = #"{"model":"m"}"#) throws
            -> RawClient.Response
        {
            try api.send("POST", path, headers: ["x-relay-token: \(token)"] + headers, json: body)
        }
    }

    static let fixture = Result { try Fixture() }

    static let invalidPath =
        "Invalid relay path: dot-segments, backslashes, encoded slashes, control characters and malformed "
        + "percent-encoding are not allowed."

    @Test(
        "path syntax (§5.3 rules 1–5) → 400 before the allowlist, whatever the provider",
        arguments: [
            "/relay/openai/v1/chat/completions/../../files",
            "/relay/openai/v1/./chat/completions",
            "/relay/openai/v1/chat/completions/%2e%2e/%2e%2e/files",
            "/relay/openai/v1/chat/completions/%252e%252e/files",
            "/relay/openai/v1/chat/completions/%25252e%25252e/files",
            "/relay/openai/v1/chat%2Fcompletions",
            "/relay/openai/v1/chat%252Fcompletions",
            "/relay/openai/v1/chat/completions%00",
            "/relay/openai/v1/chat/completions%2500",
            "/relay/openai/v1/chat/completions/%zz",
            "/relay/openai/v1/chat/completions/%5C..",
            "/relay/openai/v1/chat/completions/%5c",
            "/relay/openai/v1/chat/completions%0a",
            "/relay/openai/v1/chat/completions/%",
            "/relay/openai/v1/chat/completions/%2",
            "/relay/openai/v1/chat/completions/%2525252e",
            "/relay/unknown-provider/v1/../x",
        ]
    )
    func pathSyntax(path: String) throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.relay(path)
        #expect(response.status == 400, "\(path): \(response.bodyText)")
        #expect(jsonObject(response)?["error"] as? String == Self.invalidPath)
    }

    @Test("a backslash in the raw target is refused (§5.3 rule 1)")
    func backslash() throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.relay(#"/relay/openai/v1\chat/completions"#)
        #expect(response.status == 400)
    }

    @Test(
        "paths outside the allowlist → 403 naming N (§4.2)",
        arguments: [
            ("/relay/openai/v1/files", "/v1/files", "openai"),
            ("/relay/openai/", "/", "openai"),
            ("/relay/openai/v1/chat/completionsX", "/v1/chat/completionsX", "openai"),
            ("/relay/openai/V1/chat/completions", "/V1/chat/completions", "openai"),
            ("/relay/anthropic/v1/models", "/v1/models", "anthropic"),
            ("/relay/openai/v1/fine_tuning/jobs", "/v1/fine_tuning/jobs", "openai"),
            ("/relay/openai/v1/%66iles", "/v1/files", "openai"),
        ]
    )
    func allowlist(path: String, normalised: String, provider: String) throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.relay(path)
        #expect(response.status == 403, "\(path): \(response.bodyText)")
        #expect(
            jsonObject(response)?["error"] as? String
                == "Path \"\(normalised)\" is not permitted for provider \"\(provider)\". Only inference endpoints are allowed."
        )
    }

    @Test("route and method: nothing after the provider → 404; other methods → 405 with Allow (§5.1)")
    func routeAndMethod() throws {
        let fixture = try Self.fixture.get()
        #expect(try fixture.relay("/relay/openai").status == 404)
        #expect(try fixture.relay("/relay/open%61i").status == 404)
        #expect(try fixture.relay("/relay/open%61i/").status == 403)
        for method in ["GET", "PUT", "PATCH", "DELETE", "TRACE"] {
            let response = try fixture.api.send(method, "/relay/openai/v1/chat/completions")
            #expect(response.status == 405, "\(method)")
            #expect(response.header("allow") == "POST, OPTIONS")
        }
    }

    @Test("the token check comes before the path checks (§5.2 step 7)")
    func tokenFirst() throws {
        let fixture = try Self.fixture.get()
        let response = try fixture.api.send("POST", "/relay/openai/v1/../files", json: "{}")
        #expect(response.status == 401)
        #expect(jsonObject(response)?["error"] as? String == "x-relay-token header required")
    }

    @Test("unknown provider → 400 after the path checks; no stored key → 400 (§5.2 steps 11, 13)")
    func providerAndKey() throws {
        let fixture = try Self.fixture.get()
        let unknown = try fixture.relay("/relay/foo/v1/chat/completions")
        #expect(unknown.status == 400)
        #expect(jsonObject(unknown)?["error"] as? String == "Unsupported provider: foo")
        let noKey = try fixture.relay("/relay/groq/openai/v1/chat/completions")
        #expect(noKey.status == 400)
        #expect(
            jsonObject(noKey)?["error"] as? String
                == "No API key stored for provider \"groq\". POST /keys/groq first."
        )
    }

    @Test(
        "x-relay-base-url checks 1–8 and literal addresses (§5.5)",
        arguments: [
            (nil, "x-relay-base-url header is required for openai-compatible provider"),
            ("", "x-relay-base-url header is required for openai-compatible provider"),
            ("not a url", "x-relay-base-url must be a valid URL"),
            ("https://256.0.0.1", "x-relay-base-url must be a valid URL"),
            ("https://[fe80::1%25eth0]", "x-relay-base-url must be a valid URL"),
            ("http://api.example.com", "x-relay-base-url must use HTTPS"),
            ("ftp://api.example.com", "x-relay-base-url must use HTTPS"),
            ("https://user:pass@api.example.com", "x-relay-base-url must not include embedded credentials"),
            ("https://127.0.0.1", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://2130706433", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://0x7f000001", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://0x7f.1", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://0177.0.0.1", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://127.1", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://127.0.0.1.", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://10.1.2.3", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://169.254.169.254", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://100.100.100.200", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://172.16.0.1", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://192.168.1.1", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://224.0.0.1", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://255.255.255.255", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://0.0.0.0", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[::1]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[::]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[::ffff:127.0.0.1]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[::ffff:8.8.8.8]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[::127.0.0.1]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[64:ff9b::a00:1]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[2002:a00:1::]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[fd00:ec2::254]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[fe80::1]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://[ff02::1]", "x-relay-base-url must not target a private or reserved IP address"),
            ("https://localhost", "x-relay-base-url must not target localhost"),
            ("https://LOCALHOST.", "x-relay-base-url must not target localhost"),
            ("https://api.localhost", "x-relay-base-url must not target localhost"),
            ("https://intranet", "x-relay-base-url must use a public hostname"),
            ("https://printer.local", "x-relay-base-url must use a public hostname"),
            ("https://metadata.google.internal", "x-relay-base-url must use a public hostname"),
            ("https://router.home.arpa", "x-relay-base-url must use a public hostname"),
            ("https://api.example.com:22", "x-relay-base-url must use port 443 or a port from 1024 to 65535"),
            ("https://api.example.com:80", "x-relay-base-url must use port 443 or a port from 1024 to 65535"),
        ] as [(String?, String)]
    )
    func baseURLChecks(header: String?, message: String) throws {
        let fixture = try Self.fixture.get()
        let headers = header.map { ["x-relay-base-url: \($0)"] } ?? []
        let response = try fixture.relay("/relay/openai-compatible/v1/chat/completions", headers: headers)
        #expect(response.status == 400, "\(header ?? "nil"): \(response.bodyText)")
        #expect(jsonObject(response)?["error"] as? String == message, "\(header ?? "nil")")
    }

    @Test("a host name that resolves to a loopback address is refused at step 15 (§5.5 check 10)")
    func resolvesToLoopback() throws {
        let fixture = try Self.fixture.get()
        // scripts/test maps this name to 127.0.0.1 in /etc/hosts; it passes checks 1–8 as a public-looking name.
        let name = "ssrf-loopback.byok-relay.test"
        try #require(Self.resolves(name), "\(name) must resolve to 127.0.0.1 (scripts/test adds it to /etc/hosts)")
        let response = try fixture.relay(
            "/relay/openai-compatible/v1/chat/completions",
            headers: ["x-relay-base-url: https://\(name):8443/ignored/path?q=1"]
        )
        #expect(response.status == 400, "\(response.bodyText)")
        #expect(
            jsonObject(response)?["error"] as? String
                == "x-relay-base-url must not resolve to a private or reserved IP address"
        )
        let unresolvable = try fixture.relay(
            "/relay/openai-compatible/v1/chat/completions",
            headers: ["x-relay-base-url: https://no-such-host.invalid"]
        )
        #expect(unresolvable.status == 400)
        #expect(
            jsonObject(unresolvable)?["error"] as? String == "x-relay-base-url hostname could not be resolved safely"
        )
    }

    static func resolves(_ name: String) -> Bool {
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, nil, &list) == 0 else { return false }
        freeaddrinfo(list)
        return true
    }
}
