import EventLoop
import Foundation
import HTTP
import MockProvider
import TestSupport
import Testing

/// Every behaviour of the mock over real sockets, as the relay will meet it (docs/testing.md).
@Suite struct MockProviderTests {
    @Test func testDefaultAnswerIsASmallChatCompletionWithProviderHeaders() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.send("POST /v1/chat/completions?tag=plain HTTP/1.1\r\nHost: m\r\nContent-Length: 2\r\n\r\n{}")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.body == MockProvider.chatCompletionBody)
            #expect(response.header("content-length") == String(MockProvider.chatCompletionBody.count))
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("x-request-id") == "req-mock-plain")
            #expect(response.header("x-ratelimit-remaining-requests") == "999")
            #expect(response.header("set-cookie") == "mock_session=1; Path=/; HttpOnly")
            #expect(response.header("server") == "mock-provider")
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(json?["object"] as? String == "chat.completion")
        }
    }

    @Test func testRequestIsRecordedWithItsHeadersBodyPeerAndEventsInOrder() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.send(
                "POST /v1/messages?mock=json&tag=rec HTTP/1.1\r\nHost: m\r\nX-B: 2\r\nx-a: 1\r\n"
                    + "Content-Length: 5\r\n\r\nhello"
            )
            #expect(try client.readResponse().status == 200)
            let record = try #require(await mock.waitForRequest(tag: "rec"))
            #expect(record.method == "POST")
            #expect(record.target == "/v1/messages?mock=json&tag=rec")
            #expect(record.path == "/v1/messages")
            #expect(record.headers.map { $0.name } == ["Host", "X-B", "x-a", "Content-Length"])
            #expect(record.headers["x-b"] == "2")
            #expect(record.bodyText == "hello")
            #expect(record.peerPort == client.localPort)
            _ = await mock.waitForEvent(.responseFinished, tag: "rec")
            let kinds = mock.requests(tag: "rec").first?.events.map(\.kind)
            #expect(kinds == [.headReceived, .bodyEnded, .responseStarted, .responseFinished])
            let times = mock.requests(tag: "rec").first?.events.map(\.nanoseconds) ?? []
            #expect(times == times.sorted())
            #expect(mock.requests(tag: "other").isEmpty)
        }
    }

    struct Stream: Sendable, CustomTestStringConvertible {
        let chunks: Int
        let size: Int
        let delay: Int
        var testDescription: String { "chunks=\(chunks)&size=\(size)&delay_ms=\(delay)" }
    }

    static let streams = [
        Stream(chunks: 5, size: 16, delay: 0), Stream(chunks: 3, size: 64, delay: 20),
        Stream(chunks: 0, size: 8, delay: 0),
        Stream(chunks: 200, size: 1, delay: 0),
    ]

    @Test(arguments: streams)
    func testSSEBodyIsByteExact(stream: Stream) async throws {
        try await withMock { mock in
            let tag = "sse-\(stream.chunks)-\(stream.size)"
            let client = try RawClient(port: mock.port)
            let started = MonotonicClock.nowNanoseconds()
            try client.get(
                "/v1/chat/completions?mock=sse&chunks=\(stream.chunks)&size=\(stream.size)"
                    + "&delay_ms=\(stream.delay)&tag=\(tag)"
            )
            let response = try client.readResponse()
            let elapsed = MonotonicClock.nowNanoseconds() - started
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/event-stream; charset=utf-8")
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(response.header("cache-control") == "no-cache")
            #expect(response.bodyText == text(MockProvider.sseBody(tag: tag, chunks: stream.chunks, size: stream.size)))
            #expect(elapsed >= UInt64(stream.chunks * stream.delay) * 1_000_000)
        }
    }

    @Test func testSSEEventsAreTheDocumentedJSON() throws {
        let event = String(decoding: MockProvider.sseEvent(tag: "a\"b", index: 27, size: 3), as: UTF8.self)
        #expect(
            event
                == #"data: {"id":"chatcmpl-mock-a\"b","object":"chat.completion.chunk","created":0,"model":"mock-model","#
                + #""choices":[{"index":0,"delta":{"content":"bcd"},"finish_reason":null}],"mock_index":27}"# + "\n\n"
        )
        let body = MockProvider.sseBody(tag: "t", chunks: 2, size: 1)
        #expect(
            body == MockProvider.sseEvent(tag: "t", index: 0, size: 1)
                + MockProvider.sseEvent(tag: "t", index: 1, size: 1)
                + Array("data: [DONE]\n\n".utf8)
        )
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where line != "data: [DONE]" {
            #expect(try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) is [String: Any])
        }
    }

    @Test func testStatusCarriesItsCodeAndRetryHints() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/openai/v1/chat/completions?mock=status&code=429&retry_after=7&retry_after_ms=7000")
            let response = try client.readResponse()
            #expect(response.status == 429)
            #expect(response.header("retry-after") == "7")
            #expect(response.header("retry-after-ms") == "7000")
            #expect(response.body == MockProvider.errorBody(status: 429))
            try client.get("/v1/messages?mock=status")
            #expect(try client.readResponse().status == 500)
        }
    }

    @Test func testBreakCutsTheChunkedBodyWithoutItsEnd() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/v1/chat/completions?mock=break&after=3&size=10&tag=cut")
            #expect(client.waitForClose(timeout: 5))
            let (head, body, isComplete) = try ChunkedResponse.decode(client.unreadBytes)
            #expect(head.hasPrefix("HTTP/1.1 200 "))
            #expect(head.lowercased().contains("transfer-encoding: chunked"))
            #expect(!isComplete)
            #expect(text(body) == text(MockProvider.sseBody(tag: "cut", chunks: 3, size: 10, isComplete: false)))
            #expect(await mock.waitForEvent(.responseAborted, tag: "cut") != nil)
            #expect(mock.requests(tag: "cut").first?.closedAt == nil)  // the mock closed it, not the client
        }
    }

    @Test func testSlowStreamRunsUntilTheClientClosesAndTheCloseIsRecordedAtOnce() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/v1/chat/completions?mock=slow&interval_ms=20&tag=slow")
            // Read for a while: the stream goes on and never ends by itself.
            #expect(!client.waitForClose(timeout: 0.3))
            let received = String(decoding: client.unreadBytes, as: UTF8.self)
            #expect(received.components(separatedBy: "data: {").count - 1 >= 3)
            #expect(!received.contains("[DONE]"))
            let closedByClient = MonotonicClock.nowNanoseconds()
            client.close()
            let closedAt = try #require(await mock.waitForClose(tag: "slow"))
            #expect(closedAt >= closedByClient)
            #expect(closedAt - closedByClient < 200_000_000)  // CONTRACT.md §5.8's budget is for the relay: none here
            let record = try #require(mock.requests(tag: "slow").first)
            #expect(record.time(of: .closedByPeerBeforeResponseFinished) == closedAt)
            #expect(record.time(of: .responseFinished) == nil)
        }
    }

    @Test func testStallNeverAnswersAndRecordsTheClose() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.send(
                "POST /v1/messages?mock=stall&tag=stall HTTP/1.1\r\nHost: m\r\nContent-Length: 3\r\n\r\nabc"
            )
            let record = try #require(await mock.waitForRequest(tag: "stall"))
            #expect(record.bodyText == "abc")
            #expect(!client.waitForClose(timeout: 0.3))
            #expect(client.unreadBytes.isEmpty)
            let closedByClient = MonotonicClock.nowNanoseconds()
            client.close(reset: true)
            let closedAt = try #require(await mock.waitForClose(tag: "stall"))
            #expect(closedAt - closedByClient < 200_000_000)
            #expect(mock.requests(tag: "stall").first?.time(of: .responseStarted) == nil)
        }
    }

    @Test func testBytesStreamTenMegabytesOfThePatternAtTheReadersPace() async throws {
        try await withMock { mock in
            let total = 10 * 1024 * 1024
            let client = try RawClient(port: mock.port, receiveBufferBytes: 4096)
            try client.get("/v1/audio?mock=bytes&total=\(total)&tag=bytes")
            // Nobody reads: the mock must hold back (a mock ignoring backpressure would be done at once).
            #expect(await mock.waitForEvent(.responseStarted, tag: "bytes") != nil)
            #expect(await mock.waitForEvent(.responseFinished, tag: "bytes", timeout: .milliseconds(300)) == nil)
            let response = try client.readResponse(timeout: 60)
            #expect(response.header("content-length") == String(total))
            #expect(response.header("content-type") == "application/octet-stream")
            #expect(response.body.count == total)
            #expect(firstPatternMismatch(response.body) == nil)
            #expect(await mock.waitForEvent(.responseFinished, tag: "bytes") != nil)
        }
    }

    @Test func testBytesCanBeChunkedOrCutShort() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/v1/audio?mock=bytes&total=300000&framing=chunked")
            let chunked = try client.readResponse()
            #expect(chunked.header("transfer-encoding") == "chunked")
            #expect(chunked.body.count == 300_000)
            #expect(firstPatternMismatch(chunked.body) == nil)

            try client.get("/v1/audio?mock=bytes&total=300000&break_after=100000&tag=short")
            #expect(client.waitForClose())
            let raw = client.unreadBytes
            let headEnd = try #require(raw.firstRange(of: Array("\r\n\r\n".utf8)))
            let head = String(decoding: raw[..<headEnd.lowerBound], as: UTF8.self)
            #expect(head.lowercased().contains("content-length: 300000"))
            let body = Array(raw[headEnd.upperBound...])
            #expect(body.count == 100_000)
            #expect(firstPatternMismatch(body) == nil)
            #expect(await mock.waitForEvent(.responseAborted, tag: "short") != nil)
        }
    }

    @Test func testEchoDescribesTheRequest() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.send(
                "PUT /api/v1/chat/completions?mock=echo&x=%41 HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer k\r\n"
                    + "Content-Length: 4\r\n\r\nh\u{e9}!"
            )
            let text = try JSONSerialization.jsonObject(with: Data(try client.readResponse().body)) as? [String: Any]
            #expect(text?["method"] as? String == "PUT")
            #expect(text?["target"] as? String == "/api/v1/chat/completions?mock=echo&x=%41")
            #expect(text?["path"] as? String == "/api/v1/chat/completions")
            #expect(text?["query"] as? String == "mock=echo&x=%41")
            let headers = text?["headers"] as? [[String]]
            #expect(headers == [["Host", "m"], ["Authorization", "Bearer k"], ["Content-Length", "4"]])
            #expect(text?["body"] as? String == "h\u{e9}!")
            #expect(text?["body_base64"] as? String == "aMOpIQ==")
            #expect(text?["peer_port"] as? Int == client.localPort)

            let binary: [UInt8] = [0xFF, 0x00, 0x80]
            try client.send(
                Array("POST /v1/listen?mock=echo HTTP/1.1\r\nHost: m\r\nContent-Length: 3\r\n\r\n".utf8) + binary
            )
            let raw = try JSONSerialization.jsonObject(with: Data(try client.readResponse().body)) as? [String: Any]
            #expect(raw?["body"] is NSNull)
            #expect(raw?["body_base64"] as? String == "/wCA")
            #expect(raw?["body_bytes"] as? Int == 3)
        }
    }

    @Test func testHeadersFromTheQueryAreSentAndReplaceDefaults() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get(
                "/v1/chat/completions?h_x-upstream-thing=a%20b%26c&h_Server=elsewhere&h_x-ratelimit-reset=1s"
                    + "&h_content-length=5&h_connection=close&h_content-type=text/plain"
            )
            let response = try client.readResponse()
            #expect(response.header("x-upstream-thing") == "a b&c")
            #expect(response.header("server") == "elsewhere")
            #expect(response.headers.filter { $0.name.lowercased() == "server" }.count == 1)
            #expect(response.header("x-ratelimit-reset") == "1s")
            #expect(response.header("content-type") == "text/plain")
            #expect(response.header("content-length") == String(MockProvider.chatCompletionBody.count))
            #expect(response.header("connection") == nil)
            #expect(response.body == MockProvider.chatCompletionBody)
        }
    }

    @Test func testGzipSendsTheStoredCompressedBodyUntouched() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/v1/chat/completions?contentEncoding=gzip")
            let response = try client.readResponse()
            #expect(response.header("content-encoding") == "gzip")
            #expect(response.header("content-type") == "application/json")
            #expect(response.body == MockProvider.gzippedBody)
        }
        // The constant is what it claims to be: gzip magic and deflate, then the plain text's CRC-32 and length.
        let gzip = MockProvider.gzippedBody
        #expect(Array(gzip.prefix(3)) == [0x1F, 0x8B, 0x08])
        let trailer = gzip.suffix(8).map(UInt32.init)
        let crc = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let length = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        #expect(crc == crc32(MockProvider.gzipPlainText))
        #expect(Int(length) == MockProvider.gzipPlainText.count)
    }

    @Test func testParametersMayComeAsAPathPrefix() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/_mock/mock=status&code=401&tag=verify/api/v1/key")
            #expect(try client.readResponse().status == 401)
            #expect(
                await mock.waitForRequest(tag: "verify")?.path == "/_mock/mock=status&code=401&tag=verify/api/v1/key"
            )
        }
    }

    @Test func testRelayEnvironmentPointsEveryProviderAtTheMock() async throws {
        try await withMock { mock in
            let environment = mock.relayEnvironment(parameters: "mock=status&code=401")
            #expect(environment.count == 10)
            let url = try #require(environment["RELAY_UPSTREAM_OPENAI_COMPATIBLE"])
            #expect(url == "http://127.0.0.1:\(mock.port)/_mock/mock=status&code=401")
            #expect(mock.relayEnvironment(for: ["google"]) == ["RELAY_UPSTREAM_GOOGLE": mock.baseURL])
            let client = try RawClient(port: mock.port)
            try client.get(String(url.dropFirst(mock.baseURL.count)) + "/v1/models")
            #expect(try client.readResponse().status == 401)
        }
    }

    @Test func testUnreadableQueryIsAnswered400WithTheReason() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/v1/chat/completions?mock=nope")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("x-mock-error") == "unknown mock mode nope")
        }
    }

    @Test func testHeadDelayHoldsTheAnswer() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/v1/chat/completions?head_delay_ms=150&tag=late")
            #expect(try client.readResponse().status == 200)
            #expect(await mock.waitForEvent(.responseStarted, tag: "late") != nil)
            let record = try #require(mock.requests(tag: "late").first)
            let waited = (record.time(of: .responseStarted) ?? 0) - (record.time(of: .bodyEnded) ?? 0)
            #expect(waited >= 150_000_000)
        }
    }

    @Test func testKeptAliveConnectionIsOneConnectionAndItsLaterCloseIsRecorded() async throws {
        try await withMock { mock in
            let client = try RawClient(port: mock.port)
            try client.get("/v1/models?tag=k1")
            _ = try client.readResponse()
            try client.get("/v1/models?tag=k2")
            _ = try client.readResponse()
            let first = try #require(await mock.waitForRequest(tag: "k1"))
            let second = try #require(await mock.waitForRequest(tag: "k2"))
            #expect(first.connection == second.connection)
            #expect(first.peerPort == client.localPort)
            client.close()
            #expect(await mock.waitForClose(tag: "k1") != nil)
            #expect(await mock.waitForClose(tag: "k2") != nil)
            let events = mock.requests(tag: "k2").first?.events.map(\.kind)
            #expect(events?.last == .closedByPeerAfterResponseFinished)

            let other = try RawClient(port: mock.port)
            try other.get("/v1/models?tag=k3")
            _ = try other.readResponse()
            #expect(await mock.waitForRequest(tag: "k3")?.connection.id != first.connection.id)
        }
    }

    @Test func testWaitsEndWithNilAtTheirDeadlineOrWhenTheMockStops() async throws {
        let mock = try MockProvider.start()
        let started = MonotonicClock.nowNanoseconds()
        #expect(await mock.waitForRequest(tag: "never", timeout: .milliseconds(50)) == nil)
        #expect(MonotonicClock.nowNanoseconds() - started >= 50_000_000)
        async let pending = mock.waitForClose(tag: "never", timeout: .seconds(30))
        let client = try RawClient(port: mock.port)
        try client.get("/?mock=stall&tag=open")
        _ = await mock.waitForRequest(tag: "open")
        let stopping = MonotonicClock.nowNanoseconds()
        mock.stop()
        #expect(await pending == nil)
        #expect(client.waitForClose(timeout: 2))  // open connections are cut, a stalled answer too
        #expect(MonotonicClock.nowNanoseconds() - stopping < 2_000_000_000)
        #expect(await mock.waitForRequest(tag: "open") != nil)  // records stay readable
        mock.stop()
    }

    @Test func testOnlyTheNewestRequestsAreKeptAndNoneWhenRecordingIsOff() async throws {
        for limit in [2, 0] {
            let mock = try MockProvider.start(recordLimit: limit)
            defer { mock.stop() }
            let client = try RawClient(port: mock.port)
            for index in 1...3 {
                try client.get("/v1/models?tag=r\(index)")
                #expect(try client.readResponse().status == 200)
            }
            #expect(mock.allRequests().map(\.tag) == (limit == 0 ? [] : ["r2", "r3"]))
        }
    }

    @Test func testTheExecutablePrintsItsPortServesAndStopsByItself() throws {
        let process = Process()
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        process.executableURL = URL(fileURLWithPath: executable).deletingLastPathComponent()
            .appendingPathComponent("mock-provider")
        process.arguments = ["--port", "0", "--workers", "2", "--lifetime-seconds", "1"]
        let output = Pipe()
        process.standardOutput = output
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var line: [UInt8] = []
        while line.last != 0x0A, let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
            line += byte
        }
        let listening = String(decoding: line, as: UTF8.self)
        #expect(listening.hasPrefix("listening "))
        let port = try #require(Int(listening.dropFirst("listening ".count).dropLast()))
        let client = try RawClient(port: port)
        try client.get("/v1/chat/completions?mock=sse&chunks=2&size=3&tag=exe")
        #expect(try client.readResponse().bodyText == text(MockProvider.sseBody(tag: "exe", chunks: 2, size: 3)))
        #expect(exited.wait(timeout: .now() + 10) == .success)
        #expect(process.terminationStatus == 0)
    }
}

// MARK: Helpers

/// Runs `body` with a fresh mock on a free port, stopped afterwards.
private func withMock(_ body: (MockProvider) async throws -> Void) async throws {
    let mock = try MockProvider.start(workers: 2)
    defer { mock.stop() }
    try await body(mock)
}

/// Bytes as text: a failed comparison then prints readable events instead of numbers.
private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// The first offset whose byte is not the `mock=bytes` pattern, nil when all are.
private func firstPatternMismatch(_ body: [UInt8]) -> Int? {
    body.indices.first { body[$0] != MockProvider.patternByte(at: $0) }
}

/// CRC-32 (IEEE 802.3, reflected, as gzip's trailer holds it).
private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

extension RawClient {
    /// Sends a `GET` for `target`.
    fileprivate func get(_ target: String) throws {
        try send("GET \(target) HTTP/1.1\r\nHost: mock\r\n\r\n")
    }
}

/// A chunked response read raw up to the close: whether its terminating chunk came, and the body before it.
private enum ChunkedResponse {
    struct Malformed: Error {}

    static func decode(_ raw: [UInt8]) throws -> (head: String, body: [UInt8], isComplete: Bool) {
        guard let headEnd = raw.firstRange(of: Array("\r\n\r\n".utf8)) else { throw Malformed() }
        let head = String(decoding: raw[..<headEnd.lowerBound], as: UTF8.self)
        var body: [UInt8] = []
        var index = headEnd.upperBound
        while let lineEnd = raw[index...].firstRange(of: [0x0D, 0x0A]) {
            guard let size = Int(String(decoding: raw[index..<lineEnd.lowerBound], as: UTF8.self), radix: 16) else {
                throw Malformed()
            }
            if size == 0 { return (head, body, true) }
            guard lineEnd.upperBound + size + 2 <= raw.count else { break }
            body += raw[lineEnd.upperBound..<lineEnd.upperBound + size]
            index = lineEnd.upperBound + size + 2
        }
        return (head, body, false)
    }
}
