import Foundation
import TestSupport
import Testing

/// The real binary on a real port, spoken to in raw bytes: framing, keep-alive, pipelining, refusals and limits
/// (CONTRACT.md §1.2, §1.7).
@Suite struct RelayHTTPTests {
    static let relay = Result { try RelayProcess(environment: ["REQUEST_BODY_LIMIT_BYTES": "1024"]) }

    func connect() throws -> RawClient { try RawClient(port: try Self.relay.get().port) }

    @Test func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let client = try connect()
        for _ in 0..<3 {
            try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == #"{"ok":true}"#)
            #expect(response.header("connection") == nil)
        }
    }

    @Test func testPipelinedRequestsAreAnsweredInOrder() throws {
        let client = try connect()
        try client.send(
            "GET /healthz HTTP/1.1\r\nHost: t\r\nx-request-id: first\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: t\r\nx-request-id: second\r\n\r\n"
                + "GET /version HTTP/1.1\r\nHost: t\r\nx-request-id: third\r\n\r\n"
        )
        let responses = try (0..<3).map { _ in try client.readResponse() }
        #expect(responses.map(\.status) == [200, 404, 200])
        #expect(responses.map { $0.header("x-request-id") } == ["first", "second", "third"])
    }

    @Test func testHTTP10GetsAnAnswerAndACloseByDefault() throws {
        let client = try connect()
        try client.send("GET /healthz HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("connection") == "close")
        #expect(client.waitForClose())
    }

    @Test func testHTTP10KeepAliveIsHonoured() throws {
        let client = try connect()
        try client.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try client.readResponse().header("connection") == "keep-alive")
        try client.send("GET /healthz HTTP/1.0\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func testChunkedUploadToABodylessRouteIsDiscardedAndTheConnectionStaysUsable() throws {
        let client = try connect()
        try client.send("POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n")
        let refused = try client.readResponse()
        #expect(refused.status == 405)
        #expect(refused.header("allow") == "GET, HEAD, OPTIONS")
        #expect(refused.bodyText == #"{"error":"Method not allowed"}"#)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func testHeadIsAnsweredLikeGetWithoutABody() throws {
        let client = try connect()
        try client.send("HEAD /version HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse(bodyless: true)
        #expect(response.status == 200)
        #expect(Int(response.header("content-length") ?? "") ?? 0 > 0)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().bodyText == #"{"ok":true}"#)  // no stray body bytes before it
    }

    static let refusals: [(String, Int, String)] = [
        (
            "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "Bad request"
        ),
        (
            "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
            "Bad request"
        ),
        ("POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 400, "Bad request"),
        ("GET /healthz HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n folded\r\n\r\n", 400, "Bad request"),
        ("GET /healthz HTTP/1.1\r\nHost: t\r\nX-A: a\u{0}b\r\n\r\n", 400, "Bad request"),
        ("GET /healthz HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", 400, "Bad request"),
        ("GET http://evil/healthz HTTP/1.1\r\nHost: t\r\n\r\n", 400, "Bad request"),
        ("GET /healthz HTTP/1.1\r\n\r\n", 400, "Bad request"),
        ("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Bad request"),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "HTTP version not supported"),
        ("GET /healthz HTTP/3.0\r\nHost: t\r\n\r\n", 505, "HTTP version not supported"),
        (
            "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "a", count: 17000))\r\n\r\n", 431,
            "Request header fields too large"
        ),
        (
            "GET /healthz HTTP/1.1\r\nHost: t\r\n"
                + (0..<101).map { "X-H\($0): v\r\n" }.joined() + "\r\n", 431, "Request header fields too large"
        ),
        ("POST /users HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 413, "Request body too large"),
        ("POST /keys/openai HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 413, "Request body too large"),
        // CONTRACT.md §5.2: route and method (step 3) come before the declared body size (step 6).
        ("POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 405, "Method not allowed"),
        ("POST /missing HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 404, "Not found"),
    ]

    @Test(arguments: refusals)
    func testMalformedOrOverLimitRequestIsRefusedWithJSONAndClosed(request: String, status: Int, message: String) throws
    {
        let client = try connect()
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.bodyText == "{\"error\":\"\(message)\"}")
        #expect(response.header("connection") == "close")
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        #expect(response.header("x-content-type-options") == "nosniff")
        #expect(client.waitForClose())
    }

    @Test func testOverLimitContentLengthIsAnsweredBeforeTheBodyIsSent() throws {
        let client = try connect()
        try client.send("POST /users HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("connection") == "close")
        #expect(client.waitForClose())
    }

    /// §1.4 and §5.2 step 2: a preflight is answered whatever the declared body, and the connection still closes
    /// (the body is never read).
    @Test func testPreflightWithAnOverLimitContentLengthIsStillAPreflight() throws {
        let client = try connect()
        try client.send(
            "OPTIONS /users HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\n"
                + "Access-Control-Request-Method: POST\r\nContent-Length: 5000\r\n\r\n"
        )
        let response = try client.readResponse()
        #expect(response.status == 204)
        #expect(response.header("connection") == "close")
        #expect(client.waitForClose())
    }

    @Test func testThousandConcurrentConnectionsAreAllServed() throws {
        let clients = try (0..<1000).map { _ in try connect() }
        for client in clients { try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n") }
        let statuses = try clients.map { try $0.readResponse(timeout: 20).status }
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(statuses.count == 1000)
    }
}
