import Relay
import Testing

func shaped(
    _ client: [(name: String, value: String)],
    provider name: String,
    key: String = "KEY",
    origin: String? = nil,
    repositoryURL: String? = nil,
    hasBody: Bool = false
) throws -> [(name: String, value: String)] {
    RequestHeaders.shape(
        client: client,
        provider: try #require(Provider.named(name)),
        key: key,
        origin: origin,
        repositoryURL: repositoryURL,
        version: "1.2.3",
        hasBody: hasBody
    )
}

func values(_ headers: [(name: String, value: String)], _ name: String) -> [String] {
    headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
}

let providerNames = Provider.all.map(\.name)

/// Every exclusion named in CONTRACT.md §5.4, with a sample for each prefix family.
let contractExclusions = [
    "cookie", "authorization", "x-api-key", "x-goog-api-key", "xi-api-key",
    "x-relay-token", "x-relay-base-url", "x-relay-referer",
    "connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding",
    "upgrade", "host", "content-length", "expect", "origin", "referer", "user-agent", "forwarded",
    "x-forwarded-for", "x-forwarded-proto", "x-real-ip", "x-request-id", "sec-fetch-mode", "sec-ch-ua",
    "x-stainless-os", "x-stainless-lang", "anthropic-dangerous-direct-browser-access",
]

@Test(arguments: providerNames)
func testNeverForwardedHeadersAreDropped(_ providerName: String) throws {
    let client =
        contractExclusions.map { (name: $0, value: "v") }
        + contractExclusions.map { (name: $0.uppercased(), value: "V") }
    let headers = try shaped(client, provider: providerName)
    // The injected key comes last and OpenRouter's HTTP-Referer is built from `x-relay-referer` by design (§5.4).
    let forwarded = headers.dropLast().filter { $0.name != "HTTP-Referer" }
    for name in contractExclusions where name != "user-agent" {
        #expect(values(Array(forwarded), name).isEmpty, "\(name) forwarded to \(providerName)")
    }
    #expect(values(headers, "user-agent") == ["byok-relay/1.2.3"])
    #expect(headers.last?.value.hasSuffix("KEY") == true)
    #expect(forwarded.allSatisfy { $0.value != "v" && $0.value != "V" }, "\(headers)")
}

/// Fails if any exclusion is removed from the deny list: a provider that (wrongly) lists every excluded name as a
/// feature header still forwards none of them.
@Test func testExclusionsHoldEvenAgainstAProviderAllowingThem() {
    for name in contractExclusions {
        #expect(RequestHeaders.isNeverForwarded(name), "\(name)")
    }
    let hostile = Provider(
        name: "hostile",
        defaultBaseURL: "https://example.com",
        keyInjection: .header("x-key"),
        featureHeaders: contractExclusions,
        isBinary: false,
        keyFormat: nil,
        verificationPath: nil,
        probePath: nil
    )
    let headers = RequestHeaders.shape(
        client: contractExclusions.map { (name: $0, value: "leak") },
        provider: hostile,
        key: "K",
        origin: nil,
        repositoryURL: nil,
        version: "1",
        hasBody: false
    )
    #expect(headers.map(\.name) == ["User-Agent", "x-key"])
}

@Test(arguments: providerNames)
func testHeadersNamedInConnectionAreDropped(_ providerName: String) throws {
    let client: [(name: String, value: String)] = [
        ("Connection", "keep-alive, Accept-Encoding"), ("connection", " accept "), ("accept-encoding", "gzip"),
        ("accept", "text/event-stream"), ("content-type", "text/plain"),
    ]
    let headers = try shaped(client, provider: providerName)
    #expect(values(headers, "accept-encoding").isEmpty)
    #expect(values(headers, "accept").isEmpty)
    #expect(values(headers, "content-type") == ["text/plain"])
}

@Test(arguments: providerNames)
func testCommonHeadersForwardedVerbatim(_ providerName: String) throws {
    let client: [(name: String, value: String)] = [
        ("Content-Type", "multipart/form-data; boundary=AbC"), ("ACCEPT", "audio/mpeg"),
        ("Accept-Encoding", "gzip, br"),
    ]
    let headers = try shaped(client, provider: providerName, hasBody: true)
    #expect(values(headers, "content-type") == ["multipart/form-data; boundary=AbC"])
    #expect(values(headers, "accept") == ["audio/mpeg"])
    #expect(values(headers, "accept-encoding") == ["gzip, br"])
}

@Test(arguments: providerNames)
func testContentTypeDefaultsOnlyWithABody(_ providerName: String) throws {
    #expect(values(try shaped([], provider: providerName, hasBody: true), "content-type") == ["application/json"])
    #expect(values(try shaped([], provider: providerName, hasBody: false), "content-type").isEmpty)
}

/// Feature header → the providers that forward it (E10).
let featureOwners: [(String, Set<String>)] = [
    ("anthropic-beta", ["anthropic"]),
    ("openai-organization", ["openai", "openai-compatible"]),
    ("openai-project", ["openai", "openai-compatible"]),
    ("openai-beta", ["openai", "openai-compatible"]),
    ("x-wait-for-model", ["huggingface"]),
    ("x-use-cache", ["huggingface"]),
    ("x-title", ["openrouter"]),
]

@Test(arguments: providerNames)
func testFeatureHeadersOnlyForTheirProviders(_ providerName: String) throws {
    let client = featureOwners.map { (name: $0.0.uppercased(), value: "F \($0.0)") }
    let headers = try shaped(client, provider: providerName)
    for (name, owners) in featureOwners {
        let expected = owners.contains(providerName) ? ["F \(name)"] : []
        #expect(values(headers, name) == expected, "\(name) for \(providerName)")
    }
}

@Test func testOpenRouterTitleIsSentAsXTitle() throws {
    let headers = try shaped([("x-title", "My App")], provider: "openrouter")
    #expect(headers.contains { $0.name == "X-Title" && $0.value == "My App" })
}

@Test func testDuplicatesOfAnAllowedHeaderAreEachForwarded() throws {
    let client: [(name: String, value: String)] = [("anthropic-beta", "a"), ("Anthropic-Beta", "b")]
    #expect(values(try shaped(client, provider: "anthropic"), "anthropic-beta") == ["a", "b"])
}

@Test func testAnthropicVersionDefaultAndPassthrough() throws {
    let cases: [([(name: String, value: String)], [String])] = [
        ([], ["2023-06-01"]),
        ([("anthropic-version", "")], ["2023-06-01"]),
        ([("Anthropic-Version", "2024-01-01")], ["2024-01-01"]),
    ]
    for (client, expected) in cases {
        #expect(values(try shaped(client, provider: "anthropic"), "anthropic-version") == expected)
    }
    for name in providerNames where name != "anthropic" {
        #expect(values(try shaped([("anthropic-version", "x")], provider: name), "anthropic-version").isEmpty)
    }
}

@Test func testOpenRouterRefererPrecedence() throws {
    let repository = "https://github.com/example/byok-relay"
    let cases: [([(name: String, value: String)], String?, String?, String?)] = [
        ([("HTTP-Referer", "a"), ("x-relay-referer", "b")], "https://o.example", repository, "a"),
        ([("x-relay-referer", "b")], "https://o.example", repository, "b"),
        ([], "https://o.example", repository, "https://o.example"),
        ([], "null", repository, repository),
        ([], nil, repository, repository),
        ([], "null", nil, nil),
        ([], nil, nil, nil),
    ]
    for (client, origin, repositoryURL, expected) in cases {
        let headers = try shaped(client, provider: "openrouter", origin: origin, repositoryURL: repositoryURL)
        #expect(values(headers, "HTTP-Referer") == (expected.map { [$0] } ?? []))
        #expect(headers.allSatisfy { $0.name != "http-referer" && $0.name != "x-relay-referer" })
    }
    for name in providerNames where name != "openrouter" {
        let headers = try shaped(
            [("http-referer", "a")],
            provider: name,
            origin: "https://o",
            repositoryURL: repository
        )
        #expect(values(headers, "HTTP-Referer").isEmpty, "\(name)")
    }
}

@Test(arguments: providerNames)
func testClientKeysNeverForwardedAndInjectedKeyWins(_ providerName: String) throws {
    let client: [(name: String, value: String)] = [
        ("Authorization", "Bearer client"), ("x-api-key", "client"), ("X-Goog-Api-Key", "client"),
        ("xi-api-key", "client"), ("x-relay-token", "br_client"),
    ]
    let headers = try shaped(client, provider: providerName, key: "injected")
    let provider = try #require(Provider.named(providerName))
    let keyHeader = provider.keyHeader("injected")
    #expect(headers.last?.name == keyHeader.name && headers.last?.value == keyHeader.value)
    #expect(headers.filter { $0.value.contains("client") }.isEmpty)
    #expect(values(headers, keyHeader.name).count == 1)
    #expect(headers.dropLast().last?.name == "User-Agent")
}

@Test func testShapedTraceForAnthropic() throws {
    let client: [(name: String, value: String)] = [
        ("Host", "relay"), ("Content-Type", "application/json"), ("Accept", "text/event-stream"),
        ("anthropic-beta", "tools-2024"), ("Cookie", "s=1"), ("X-Relay-Token", "br_x"),
    ]
    let headers = try shaped(client, provider: "anthropic", key: "sk-ant-k", hasBody: true)
    #expect(
        headers.map(\.name) == [
            "content-type", "accept", "anthropic-beta", "anthropic-version", "User-Agent", "x-api-key",
        ]
    )
    #expect(
        headers.map(\.value) == [
            "application/json", "text/event-stream", "tools-2024", "2023-06-01", "byok-relay/1.2.3", "sk-ant-k",
        ]
    )
}
