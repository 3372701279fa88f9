import Testing

@testable import Upstream

private func nothingAllowed(_ host: BaseURL.Host, _ port: Int) -> Bool { false }

/// E4 entries as the allowlist would match them: host (trailing dot removed) and effective port.
private func isListedInternal(_ host: BaseURL.Host, _ port: Int) -> Bool {
    switch (host, port) {
    case (.domain("ollama.internal"), 11434), (.domain("localhost"), 11434), (.ipv4(0x0A00_0005), 8000),
        (.ipv6([0xFD00, 0, 0, 0, 0, 0, 0, 5]), 8080), (.domain("svc"), 80), (.domain("printer.local"), 443):
        return true
    default:
        return false
    }
}

/// Header values refused by checks 2–8, with the refusal's contract text.
private let refusals: [(String, String)] = [
    ("not a url", "x-relay-base-url must be a valid URL"),
    ("https://256.0.0.1", "x-relay-base-url must be a valid URL"),
    ("https://[fe80::1%25eth0]", "x-relay-base-url must be a valid URL"),
    ("https://" + String(repeating: "a", count: 2041), "x-relay-base-url must be a valid URL"),
    ("http://api.example.com", "x-relay-base-url must use HTTPS"),
    ("ftp://api.example.com", "x-relay-base-url must use HTTPS"),
    ("mailto:a@api.example.com", "x-relay-base-url must use HTTPS"),
    ("http://127.0.0.1", "x-relay-base-url must use HTTPS"),
    ("https://user:pass@api.example.com", "x-relay-base-url must not include embedded credentials"),
    ("https://user@api.example.com", "x-relay-base-url must not include embedded credentials"),
    ("https://:secret@api.example.com", "x-relay-base-url must not include embedded credentials"),
    ("https://user:pass@127.0.0.1", "x-relay-base-url must not include embedded credentials"),
    ("https://2130706433", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://0x7f000001", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://0x7f.1", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://0177.0.0.1", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://127.1", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://127.0.0.1.", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://169.254.169.254/latest/meta-data", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://100.100.100.200", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://0.0.0.0", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://255.255.255.255", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[::]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[::1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[::ffff:127.0.0.1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[::ffff:8.8.8.8]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[::127.0.0.1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[fd00:ec2::254]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[64:ff9b::a00:1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[64:ff9b:1::a00:1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[2002:a00:1::]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[2001::1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[fe80::1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://[ff02::1]", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://10.0.0.1:80", "x-relay-base-url must not target a private or reserved IP address"),
    ("https://localhost", "x-relay-base-url must not target localhost"),
    ("https://LocalHost.", "x-relay-base-url must not target localhost"),
    ("https://api.localhost", "x-relay-base-url must not target localhost"),
    ("https://a.b.LOCALHOST./v1", "x-relay-base-url must not target localhost"),
    ("https://localhost:8443", "x-relay-base-url must not target localhost"),
    ("https://intranet", "x-relay-base-url must use a public hostname"),
    ("https://intranet.", "x-relay-base-url must use a public hostname"),
    ("https://printer.local", "x-relay-base-url must use a public hostname"),
    ("https://db.internal", "x-relay-base-url must use a public hostname"),
    ("https://nas.localdomain.", "x-relay-base-url must use a public hostname"),
    ("https://router.HOME.arpa", "x-relay-base-url must use a public hostname"),
    ("https://intranet:80", "x-relay-base-url must use a public hostname"),
    ("https://api.example.com:0", "x-relay-base-url must use port 443 or a port from 1024 to 65535"),
    ("https://api.example.com:80", "x-relay-base-url must use port 443 or a port from 1024 to 65535"),
    ("https://api.example.com:1023", "x-relay-base-url must use port 443 or a port from 1024 to 65535"),
    ("https://8.8.8.8:22", "x-relay-base-url must use port 443 or a port from 1024 to 65535"),
]

/// Header values that pass checks 2–8, with the origin kept.
private let accepted: [(String, BaseURL)] = [
    ("https://api.example.com/v1/chat?x#y", origin(.domain("api.example.com"))),
    ("  https://API.Example.com\t/v1  ", origin(.domain("api.example.com"))),
    ("https://api.example.com\\v1", origin(.domain("api.example.com"))),
    ("https://api.example.com.", origin(.domain("api.example.com."))),
    ("https://api.example.com:443", origin(.domain("api.example.com"))),
    ("https://api.example.com:1024", origin(.domain("api.example.com"), port: 1024)),
    ("https://api.example.com:65535", origin(.domain("api.example.com"), port: 65535)),
    ("https://@api.example.com", origin(.domain("api.example.com"))),
    ("https://localhost.example.com", origin(.domain("localhost.example.com"))),
    ("https://mylocalhost.com", origin(.domain("mylocalhost.com"))),
    ("https://internal.example.com", origin(.domain("internal.example.com"))),
    ("https://8.8.8.8", origin(.ipv4(0x0808_0808))),
    ("https://134744072", origin(.ipv4(0x0808_0808))),
    ("https://[2606:4700::1111]", origin(.ipv6([0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111]))),
]

private func origin(_ host: BaseURL.Host, scheme: String = "https", port: Int? = nil) -> BaseURL {
    BaseURL.make(scheme: scheme, host: host, port: port, hasCredentials: false)
}

@Test(arguments: refusals)
func testRefusedBaseURLGetsTheContractMessage(_ header: String, _ message: String) {
    let result = BaseURLCheck.evaluate(header: header, allowsHTTP: nothingAllowed)
    guard case .failure(let refusal) = result else {
        Issue.record("accepted \(header)")
        return
    }
    #expect(refusal.message == message)
}

@Test(arguments: accepted)
func testPublicHTTPSBaseURLIsAccepted(_ header: String, _ expected: BaseURL) {
    #expect(BaseURLCheck.evaluate(header: header, allowsHTTP: nothingAllowed) == .success(expected))
}

/// E4: listed pairs may use http and skip checks 5–8; credentials and validity still count.
private let allowlisted: [(String, Result<BaseURL, BaseURLRefusal>)] = [
    ("http://ollama.internal:11434/v1", .success(origin(.domain("ollama.internal"), scheme: "http", port: 11434))),
    ("https://Ollama.Internal.:11434", .success(origin(.domain("ollama.internal."), port: 11434))),
    ("http://localhost:11434", .success(origin(.domain("localhost"), scheme: "http", port: 11434))),
    ("http://10.0.0.5:8000", .success(origin(.ipv4(0x0A00_0005), scheme: "http", port: 8000))),
    ("http://012.0.0.5:8000", .success(origin(.ipv4(0x0A00_0005), scheme: "http", port: 8000))),
    ("http://[fd00::5]:8080", .success(origin(.ipv6([0xFD00, 0, 0, 0, 0, 0, 0, 5]), scheme: "http", port: 8080))),
    ("http://svc", .success(origin(.domain("svc"), scheme: "http"))),
    ("https://printer.local", .success(origin(.domain("printer.local")))),
    ("http://user:pw@ollama.internal:11434", .failure(.embeddedCredentials)),
    ("http://ollama.internal:11435", .failure(.notHTTPS)),
    ("https://ollama.internal:11435", .failure(.nonPublicHostname)),
    ("http://10.0.0.5:8001", .failure(.notHTTPS)),
    ("https://10.0.0.5:8001", .failure(.blockedAddress)),
    ("http://svc:81", .failure(.notHTTPS)),
    ("https://svc", .failure(.nonPublicHostname)),
    ("http://localhost:11434:1", .failure(.invalidURL(.invalidPort))),
    ("ftp://ollama.internal:11434", .failure(.notHTTPS)),
]

@Test(arguments: allowlisted)
func testAllowlistedHostLiftsHTTPSAndAddressChecks(_ header: String, _ expected: Result<BaseURL, BaseURLRefusal>) {
    #expect(BaseURLCheck.evaluate(header: header, allowsHTTP: isListedInternal) == expected)
}

@Test func testChecksRunInContractOrder() {
    // Each header breaks several rules; the earliest check answers.
    let cases: [(String, BaseURLRefusal)] = [
        ("http://user@127.0.0.1:22", .notHTTPS),
        ("https://user@127.0.0.1:22", .embeddedCredentials),
        ("https://127.0.0.1:22", .blockedAddress),
        ("https://localhost:22", .localhost),
        ("https://intranet:22", .nonPublicHostname),
    ]
    for (header, refusal) in cases {
        #expect(BaseURLCheck.evaluate(header: header, allowsHTTP: nothingAllowed) == .failure(refusal))
    }
}

@Test func testAllowlistIsAskedWithNormalisedHostAndEffectivePort() {
    var asked: [String] = []
    for header in ["https://A.Example.:8443", "http://a.example", "https://a.example", "https://[::1]:443"] {
        _ = BaseURLCheck.evaluate(header: header) { host, port in
            asked.append("\(host) \(port)")
            return false
        }
    }
    #expect(
        asked == [
            "domain(\"a.example\") 8443", "domain(\"a.example\") 80", "domain(\"a.example\") 443",
            "ipv6([0, 0, 0, 0, 0, 0, 0, 1]) 443",
        ]
    )
}

@Test func testMessagesNameTheBoundField() {
    #expect(BaseURLRefusal.notHTTPS.message(naming: "base_url") == "base_url must use HTTPS")
    #expect(BaseURLRefusal.invalidURL(.tooLong).message == "x-relay-base-url must be a valid URL")
}
