import Testing

@testable import HTTP

/// The derived properties of a head and the header lookups the router and the relay rely on.
@Suite struct HTTPRequestHeadTests {
    private func head(
        _ target: String = "/",
        version: HTTPVersion = .http1_1,
        fields: [(name: String, value: String)] = []
    ) -> HTTPRequestHead {
        HTTPRequestHead(method: "GET", target: target, version: version, headers: HTTPHeaders(fields), framing: .none)
    }

    struct KeepAliveCase: Sendable, CustomTestStringConvertible {
        let version: HTTPVersion
        let connection: [String]
        let isKeepAlive: Bool
        var testDescription: String { "\(version.major).\(version.minor) \(connection) → \(isKeepAlive)" }
    }

    static let keepAliveCases = [
        KeepAliveCase(version: .http1_1, connection: [], isKeepAlive: true),
        KeepAliveCase(version: .http1_1, connection: ["close"], isKeepAlive: false),
        KeepAliveCase(version: .http1_1, connection: ["CLOSE"], isKeepAlive: false),
        KeepAliveCase(version: .http1_1, connection: ["TE, Close"], isKeepAlive: false),
        KeepAliveCase(version: .http1_1, connection: ["keep-alive", "close"], isKeepAlive: false),
        KeepAliveCase(version: .http1_1, connection: ["closed"], isKeepAlive: true),
        KeepAliveCase(version: .http1_1, connection: ["keep-alive"], isKeepAlive: true),
        KeepAliveCase(version: .http1_0, connection: [], isKeepAlive: false),
        KeepAliveCase(version: .http1_0, connection: ["keep-alive"], isKeepAlive: true),
        KeepAliveCase(version: .http1_0, connection: ["Keep-Alive"], isKeepAlive: true),
        KeepAliveCase(version: .http1_0, connection: ["upgrade ,\tkeep-alive"], isKeepAlive: true),
        KeepAliveCase(version: .http1_0, connection: ["keep-alive, close"], isKeepAlive: false),
        KeepAliveCase(version: .http1_0, connection: ["keep-alive-ish"], isKeepAlive: false),
    ]

    @Test(arguments: keepAliveCases)
    func testKeepAliveFollowsVersionAndConnection(_ testCase: KeepAliveCase) {
        let fields = testCase.connection.map { (name: "Connection", value: $0) }
        #expect(head(version: testCase.version, fields: fields).isKeepAlive == testCase.isKeepAlive)
    }

    @Test func testKeepAliveFromParsedHTTP10Request() throws {
        let events = try HTTPRequestParser.parseAll([Array("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n".utf8)])
        guard case .head(let parsed) = events.first else {
            Issue.record("no head")
            return
        }
        #expect(parsed.version == .http1_0 && parsed.isKeepAlive)
    }

    @Test func testExpectContinue() {
        #expect(head(fields: [(name: "Expect", value: "100-continue")]).expectsContinue)
        #expect(head(fields: [(name: "Expect", value: "100-Continue")]).expectsContinue)
        #expect(!head(fields: [(name: "Expect", value: "100-continue-x")]).expectsContinue)
        #expect(!head().expectsContinue)
        #expect(!head(version: .http1_0, fields: [(name: "Expect", value: "100-continue")]).expectsContinue)
    }

    @Test(
        arguments: [
            ("/a/b", "/a/b", nil),
            ("/a?x=1", "/a", "x=1"),
            ("/a?", "/a", ""),
            ("/a?x=1?y=2", "/a", "x=1?y=2"),
            ("*", "*", nil),
        ] as [(String, String, String?)]
    )
    func testPathAndQuerySplitAtFirstQuestionMark(_ target: String, _ path: String, _ query: String?) {
        let parsed = head(target)
        #expect(parsed.path == path[...])
        #expect(parsed.query.map(String.init) == query)
    }

    @Test func testHeaderLookupsFoldASCIICase() {
        var headers = HTTPHeaders([(name: "Content-Type", value: "a"), (name: "X-Id", value: "1")])
        headers.add(name: "x-ID", value: "2")
        #expect(headers["content-type"] == "a")
        #expect(headers["CONTENT-TYPE"] == "a")
        #expect(headers["x-id"] == "1")
        #expect(headers.values(for: "X-ID") == ["1", "2"])
        #expect(headers.values(for: "Missing").isEmpty)
        #expect(headers["Content-Typ"] == nil)
        #expect(headers["Content-Typee"] == nil)
        #expect(headers.contains("x-id") && !headers.contains("x-i"))
        #expect(headers.count == 3)
        #expect(headers.map(\.name) == ["Content-Type", "X-Id", "x-ID"])
        #expect(headers != HTTPHeaders([(name: "content-type", value: "a")]))
        // Only ASCII letters fold: "K" (U+212A KELVIN SIGN) is not "k".
        #expect(HTTPHeaders([(name: "\u{212A}ey", value: "v")])["key"] == nil)
    }
}
