import Testing

@testable import Upstream

private let loopback: BaseURL.Host = .ipv4(0x7F00_0001)

/// Header values the parser accepts, with the origin it must report.
private let parsed: [(String, BaseURL)] = [
    ("https://api.example.com", url("https", .domain("api.example.com"))),
    ("HTTPS://API.Example.COM/v1?x=1#f", url("https", .domain("api.example.com"))),
    ("https://api.example.com:443/v1", url("https", .domain("api.example.com"))),
    ("https://api.example.com:00443", url("https", .domain("api.example.com"))),
    ("https://api.example.com:8443", url("https", .domain("api.example.com"), port: 8443)),
    ("https://api.example.com:", url("https", .domain("api.example.com"))),
    ("http://a.example:80", url("http", .domain("a.example"))),
    ("http://a.example:443", url("http", .domain("a.example"), port: 443)),
    ("  \u{0}https://a.example/ \u{1F}", url("https", .domain("a.example"))),
    ("ht\ttps://a.ex\nample\r/", url("https", .domain("a.example"))),
    ("https://a.example\\evil.example/", url("https", .domain("a.example"))),
    ("https:\\\\a.example", url("https", .domain("a.example"))),
    ("https:a.example", url("https", .domain("a.example"))),
    ("https:////a.example", url("https", .domain("a.example"))),
    ("https://a.example?@evil.example", url("https", .domain("a.example"))),
    ("https://a.example#@evil.example", url("https", .domain("a.example"))),
    ("https://%61.example", url("https", .domain("a.example"))),
    ("https://user@a.example", url("https", .domain("a.example"), credentials: true)),
    ("https://user:@a.example", url("https", .domain("a.example"), credentials: true)),
    ("https://:pass@a.example", url("https", .domain("a.example"), credentials: true)),
    ("https://a@b@a.example", url("https", .domain("a.example"), credentials: true)),
    ("https://@a.example", url("https", .domain("a.example"))),
    ("https://:@a.example", url("https", .domain("a.example"))),
    ("https://2130706433", url("https", loopback)),
    ("https://0x7f000001", url("https", loopback)),
    ("https://0X7F.1", url("https", loopback)),
    ("https://0177.0.0.1", url("https", loopback)),
    ("https://127.1", url("https", loopback)),
    ("https://127.0.0.1.", url("https", loopback)),
    ("https://127.0.1", url("https", loopback)),
    ("https://%31%32%37.0.0.1", url("https", loopback)),
    ("https://0x", url("https", .ipv4(0))),
    ("https://4294967295", url("https", .ipv4(0xFFFF_FFFF))),
    ("https://1.2.3.0x4", url("https", .ipv4(0x0102_0304))),
    ("https://a.0x1g", url("https", .domain("a.0x1g"))),
    ("https://1.2.3.a", url("https", .domain("1.2.3.a"))),
    ("https://[::1]", url("https", .ipv6([0, 0, 0, 0, 0, 0, 0, 1]))),
    ("https://[::1]:8443/x", url("https", .ipv6([0, 0, 0, 0, 0, 0, 0, 1]), port: 8443)),
    ("https://[::ffff:127.0.0.1]", url("https", .ipv6([0, 0, 0, 0, 0, 0xFFFF, 0x7F00, 1]))),
    ("https://[::127.0.0.1]", url("https", .ipv6([0, 0, 0, 0, 0, 0, 0x7F00, 1]))),
    ("https://[FD00:EC2::254]", url("https", .ipv6([0xFD00, 0xEC2, 0, 0, 0, 0, 0, 0x254]))),
    ("https://[1:2:3:4:5:6:7:8]", url("https", .ipv6([1, 2, 3, 4, 5, 6, 7, 8]))),
    ("https://[1::]", url("https", .ipv6([1, 0, 0, 0, 0, 0, 0, 0]))),
    ("https://[1:2::7:8]", url("https", .ipv6([1, 2, 0, 0, 0, 0, 7, 8]))),
    ("https://[1:2:3:4:5:6:1.2.3.4]", url("https", .ipv6([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]))),
    ("ftp://a.example:21", url("ftp", .domain("a.example"))),
    ("foo://Host:80/x", url("foo", .opaque("Host"), port: 80)),
    ("mailto:someone@example.com", url("mailto", nil)),
    ("file:///etc/passwd", url("file", nil)),
    ("https://xn--nxasmq6b.example", url("https", .domain("xn--nxasmq6b.example"))),
    ("https://" + String(repeating: "a", count: 2040), url("https", .domain(String(repeating: "a", count: 2040)))),
]

/// Header values the parser refuses, with its reason.
private let unparsable: [(String, BaseURLError)] = [
    ("", .missingScheme),
    ("   ", .missingScheme),
    ("api.example.com", .missingScheme),
    ("//api.example.com", .missingScheme),
    ("1https://a.example", .missingScheme),
    ("ht tps://a.example", .missingScheme),
    ("https://", .missingHost),
    ("https:", .missingHost),
    ("https:///", .missingHost),
    ("https://user@", .missingHost),
    ("https://user@/x", .missingHost),
    ("https://:443", .missingHost),
    ("https://a.example:65536", .invalidPort),
    ("https://a.example:99999999999999999999", .invalidPort),
    ("https://a.example:44a", .invalidPort),
    ("https://a.example:-1", .invalidPort),
    ("https://a.example: 443", .invalidPort),
    ("https://256.0.0.1", .invalidIPv4),
    ("https://1.2.3.4.5", .invalidIPv4),
    ("https://1.2.3.4.5.", .invalidIPv4),
    ("https://4294967296", .invalidIPv4),
    ("https://0x100000000", .invalidIPv4),
    ("https://1.2.3.256", .invalidIPv4),
    ("https://1.2.65536", .invalidIPv4),
    ("https://1.16777216", .invalidIPv4),
    ("https://09.0.0.1", .invalidIPv4),
    ("https://1..2", .invalidIPv4),
    ("https://a.1", .invalidIPv4),
    ("https://a.0x", .invalidIPv4),
    ("https://999999999999999999999999", .invalidIPv4),
    ("https://[::1", .invalidIPv6),
    ("https://[::1]x", .invalidIPv6),
    ("https://[fe80::1%25eth0]", .invalidIPv6),
    ("https://[fe80::1%eth0]", .invalidIPv6),
    ("https://[1:2:3:4:5:6:7:8:9]", .invalidIPv6),
    ("https://[1:2:3:4:5:6:7]", .invalidIPv6),
    ("https://[1::2::3]", .invalidIPv6),
    ("https://[:1]", .invalidIPv6),
    ("https://[1:]", .invalidIPv6),
    ("https://[12345::]", .invalidIPv6),
    ("https://[::1.2.3]", .invalidIPv6),
    ("https://[::1.2.3.4.5]", .invalidIPv6),
    ("https://[::01.2.3.4]", .invalidIPv6),
    ("https://[::256.2.3.4]", .invalidIPv6),
    ("https://[1:2:3:4:5:6:7:1.2.3.4]", .invalidIPv6),
    ("https://[]", .invalidIPv6),
    ("https://a b.example", .forbiddenHostCodePoint),
    ("https://a%20b.example", .forbiddenHostCodePoint),
    ("https://a%2fb.example", .forbiddenHostCodePoint),
    ("https://a%.example", .forbiddenHostCodePoint),
    ("https://a<b.example", .forbiddenHostCodePoint),
    ("https://a^b.example", .forbiddenHostCodePoint),
    ("https://a|b.example", .forbiddenHostCodePoint),
    ("https://a%00b.example", .forbiddenHostCodePoint),
    ("https://a\u{7F}b.example", .forbiddenHostCodePoint),
    ("https://exämple.com", .nonASCIIHost),
    ("https://ex%C3%A4mple.com", .nonASCIIHost),
    ("https://１２７.0.0.1", .nonASCIIHost),
    ("foo://a b", .forbiddenHostCodePoint),
    ("foo://:80", .missingHost),
    ("https://" + String(repeating: "a", count: 2041), .tooLong),
]

private func url(_ scheme: String, _ host: BaseURL.Host?, port: Int? = nil, credentials: Bool = false) -> BaseURL {
    BaseURL.make(scheme: scheme, host: host, port: port, hasCredentials: credentials)
}

@Test(arguments: parsed)
func testValidURLReportsItsOrigin(_ header: String, _ expected: BaseURL) throws {
    #expect(try BaseURL(parsing: header) == expected)
}

@Test(arguments: unparsable)
func testInvalidURLIsRefused(_ header: String, _ expected: BaseURLError) {
    #expect(throws: expected) { try BaseURL(parsing: header) }
}

@Test func testLengthIsCountedInUTF16CodeUnits() {
    let header = "https://a.example/" + String(repeating: "é", count: 2048 - 18)
    #expect(header.utf16.count == 2048)
    #expect((try? BaseURL(parsing: header)) != nil)
    #expect(throws: BaseURLError.tooLong) { try BaseURL(parsing: header + "x") }
}
