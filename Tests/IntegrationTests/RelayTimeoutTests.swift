import Foundation
import TestSupport
import Testing

/// Slow and stalled clients (CONTRACT.md §1.7): bounded by the configured timeouts, never delaying others.
@Suite struct RelayTimeoutTests {
    /// Slack for deadlines on this 2-core machine (DESIGN.md §9).
    static let slack = 0.25
    static let relay = Result {
        try RelayProcess(environment: [
            "HTTP_HEADER_TIMEOUT_MS": "400", "HTTP_BODY_TIMEOUT_MS": "400", "HTTP_KEEPALIVE_TIMEOUT_MS": "300",
        ])
    }

    func connect() throws -> RawClient { try RawClient(port: try Self.relay.get().port) }

    @Test func testHalfSentHeadGets408WithinTheHeaderTimeout() throws {
        let client = try connect()
        let start = Date()
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n")
        let response = try client.readResponse(timeout: 0.4 + Self.slack + 0.5)
        #expect(response.status == 408)
        #expect(response.bodyText == #"{"error":"Request timeout"}"#)
        #expect(Date().timeIntervalSince(start) < 0.4 + Self.slack)
        #expect(client.waitForClose())
    }

    @Test func testSilentConnectionIsClosedWithoutAResponse() throws {
        let client = try connect()
        #expect(client.waitForClose(timeout: 0.4 + Self.slack))
        #expect(client.unreadBytes.isEmpty)
    }

    @Test func testIdleKeepAliveConnectionIsClosedSilently() throws {
        let client = try connect()
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let start = Date()
        #expect(client.waitForClose(timeout: 0.3 + Self.slack))
        #expect(Date().timeIntervalSince(start) < 0.3 + Self.slack)
        #expect(client.unreadBytes.isEmpty)
    }

    @Test func testStalledBodyGets408() throws {
        let client = try connect()
        try client.send("POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        let response = try client.readResponse(timeout: 2)
        // The route answers 405 at once; the stalled rest of the body then times out and the connection closes.
        #expect(response.status == 405)
        #expect(client.waitForClose(timeout: 0.4 + Self.slack + 0.2))
    }

    @Test func testStalledHalfSentRequestDoesNotDelayOtherClients() throws {
        let stalled = try (0..<20).map { _ in try connect() }
        for client in stalled { try client.send("GET /healthz HTTP/1.1\r\nHo") }
        let start = Date()
        for _ in 0..<20 {
            let client = try connect()
            try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse(timeout: 1).status == 200)
        }
        // Served while the stalled heads are still pending (their timeout is 400 ms away).
        #expect(Date().timeIntervalSince(start) < 0.4)
    }
}
