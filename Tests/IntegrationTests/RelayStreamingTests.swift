import Foundation
import MockProvider
import TestSupport
import Testing

/// The relay's byte pump on the real binary against the mock provider (CONTRACT.md §5.7–5.10): byte-exact JSON and
/// event streams, error frames, backpressure with a slow reader, aborts on disconnect and timeouts. Time bounds are
/// the contract's plus a stated slack for this 2-core machine, asserted on events (the mock's monotonic record of a
/// closed connection), never by sleeping.
// Serialized: the time-bound tests must not share the two cores with the 2 000-stream test.
@Suite("Relay streaming", .serialized)
struct RelayStreamingTests {
    /// CONTRACT.md §5.8's bound on aborting the upstream after the client left, plus this machine's slack.
    static let abortBoundNanoseconds: UInt64 = (200 + 250) * 1_000_000

    /// A mock and a relay pointed at it, with a registered user holding an OpenAI key.
    final class Fixture: Sendable {
        let mock: MockProvider
        let relay: RelayProcess
        let token: String

        init(environment: [String: String] = [:]) throws {
            mock = try MockProvider.start(workers: 2)
            var full = mock.relayEnvironment()
            full["ALLOWED_MODELS"] = ""
            for (name, value) in environment { full[name] = value }
            relay = try RelayProcess(environment: full)
            let api = AccountAPI(relay)
            token = try api.register()
            let stored = try api.storeKey("sk-test-streaming-0123456789", provider: "openai", token: token)
            try #require(stored.status == 200)
        }

        deinit { mock.stop() }

        /// The bytes of `POST /relay/openai/v1/chat/completions?<query>` with a small JSON body.
        func request(_ query: String, body: String = #"{"model":"gpt-4o-mini","stream":true}"#) -> String {
            "POST /relay/openai/v1/chat/completions?\(query) HTTP/1.1\r\nHost: t\r\nx-relay-token: \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }

        /// Sends one relayed request on a fresh connection and reads the whole response.
        func relayed(_ query: String, timeout: Double = 10) throws -> RawClient.Response {
            let client = try RawClient(port: relay.port)
            try client.send(request(query))
            return try client.readResponse(timeout: timeout)
        }
    }

    static let shared = Result { try Fixture() }
    static let shortTimeouts = Result {
        try Fixture(environment: ["UPSTREAM_TIMEOUT_MS": "300", "UPSTREAM_IDLE_TIMEOUT_MS": "300"])
    }

    @Test("an event stream arrives byte for byte, with the streaming headers (§5.7, §5.8)")
    func eventStreamByteExact() async throws {
        let fixture = try Self.shared.get()
        let response = try await onThread { try fixture.relayed("mock=sse&tag=exact&chunks=20&size=64&delay_ms=2") }
        #expect(response.status == 200)
        #expect(response.body == MockProvider.sseBody(tag: "exact", chunks: 20, size: 64))
        #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(response.header("cache-control") == "no-cache")
        #expect(response.header("x-accel-buffering") == "no")
        #expect(response.header("x-upstream-request-id") == "req-mock-exact")
        #expect(response.header("set-cookie") == nil)
        let upstream = try #require(await fixture.mock.waitForRequest(tag: "exact"))
        #expect(upstream.headers["authorization"] == "Bearer sk-test-streaming-0123456789")
        #expect(upstream.bodyText == #"{"model":"gpt-4o-mini","stream":true}"#)
    }

    @Test("a JSON answer arrives byte for byte with its length; an upstream error keeps its status and body")
    func jsonAndErrorsByteExact() async throws {
        let fixture = try Self.shared.get()
        let json = try await onThread { try fixture.relayed("tag=json") }
        #expect(json.status == 200)
        #expect(json.body == MockProvider.chatCompletionBody)
        #expect(json.header("content-length") == String(MockProvider.chatCompletionBody.count))
        #expect(json.header("cache-control") == "no-store")
        for code in [401, 429, 500] {
            let failed = try await onThread {
                try fixture.relayed("mock=status&code=\(code)&retry_after=7&tag=e\(code)")
            }
            #expect(failed.status == code)
            #expect(failed.body == MockProvider.errorBody(status: code))
            #expect(failed.header("retry-after") == "7")
        }
    }

    @Test("a provider failure mid-stream ends the event stream with the error frame, then a clean end (§5.8)")
    func midStreamBreakGetsErrorFrame() async throws {
        let fixture = try Self.shared.get()
        let response = try await onThread { try fixture.relayed("mock=break&after=3&tag=broken") }
        #expect(response.status == 200)
        let frame = Array(#"event: error\#ndata: {"error":"Stream interrupted by provider"}\#n\#n"#.utf8)
        #expect(response.body == MockProvider.sseBody(tag: "broken", chunks: 3, size: 16, isComplete: false) + frame)
    }

    @Test("a non-stream body broken mid-way reaches the client truncated, never as a clean end (§5.8)")
    func brokenBinaryIsTruncated() async throws {
        let fixture = try Self.shared.get()
        let outcome = try await onThread { () -> String in
            let client = try RawClient(port: fixture.relay.port)
            try client.send(fixture.request("mock=bytes&total=100000&break_after=30000&tag=cut"))
            do {
                let response = try client.readResponse(timeout: 10)
                return "complete \(response.body.count)"
            } catch RawClient.ClientError.closed {
                return "closed"
            }
        }
        #expect(outcome == "closed")
    }

    @Test("client gone before the provider's first byte: the provider connection closes within 200 ms (§5.8)")
    func clientLeavesBeforeFirstByte() async throws {
        let fixture = try Self.shared.get()
        let client = try RawClient(port: fixture.relay.port)
        try client.send(fixture.request("mock=stall&tag=early-leave"))
        #expect(await fixture.mock.waitForRequest(tag: "early-leave") != nil)
        client.close()
        let closedAt = monotonicNanoseconds()
        let seen = try #require(await fixture.mock.waitForClose(tag: "early-leave", timeout: .seconds(2)))
        #expect(seen - min(seen, closedAt) < Self.abortBoundNanoseconds, "\((seen - closedAt) / 1_000_000) ms")
    }

    @Test("client gone mid-stream: the provider connection closes within 200 ms (§5.8)")
    func clientLeavesMidStream() async throws {
        let fixture = try Self.shared.get()
        let client = try RawClient(port: fixture.relay.port)
        try client.send(fixture.request("mock=slow&interval_ms=20&tag=mid-leave"))
        let head = try await onThread { try client.readHead() }
        #expect(head.status == 200)
        _ = try await onThread { try client.read(through: Array("\n\n".utf8)) }
        client.close()
        let closedAt = monotonicNanoseconds()
        let seen = try #require(await fixture.mock.waitForClose(tag: "mid-leave", timeout: .seconds(2)))
        #expect(seen - min(seen, closedAt) < Self.abortBoundNanoseconds, "\((seen - closedAt) / 1_000_000) ms")
    }

    @Test("a slow reader of 100 MB: the relay's memory stays bounded and every byte arrives in order (§5.8)")
    func slowReaderKeepsMemoryBounded() async throws {
        let fixture = try Fixture()  // its own relay: the other tests' streams must not count in its memory
        let pid = fixture.relay.processIdentifier
        let total = 100 * 1024 * 1024
        let (received, mismatches, peakGrowth) = try await onThread { () -> (Int, Int, Int) in
            let baseline = residentKiB(pid)
            try #require(baseline > 0, "the relay's resident memory must be readable, or growth would read as 0")
            let client = try RawClient(port: fixture.relay.port, receiveBufferBytes: 64 * 1024)
            try client.send(fixture.request("mock=bytes&total=\(total)&tag=slow-reader"))
            let head = try client.readHead(timeout: 10)
            guard head.status == 200 else { return (0, 1, 0) }
            var received = 0
            var mismatches = 0
            var peak = 0
            var nextPause = 0
            while received < total {
                let piece = try client.receive(maximum: 64 * 1024, timeout: 10)
                if piece.isEmpty { break }
                // Spot-check each piece at both ends and the middle against the pattern.
                for index in [0, piece.count / 2, piece.count - 1]
                where piece[index] != MockProvider.patternByte(at: received + index) {
                    mismatches += 1
                }
                received += piece.count
                if received >= nextPause {
                    // The reader's pace: slower than the mock and the relay by far, so the relay must pause curl.
                    nextPause += 2 * 1024 * 1024
                    peak = max(peak, residentKiB(pid) - baseline)
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
            return (received, mismatches, peak)
        }
        #expect(received == total)
        #expect(mismatches == 0)
        // The relay's own buffers hold at most 1 MiB of a response (§5.8); allow the allocator and curl headroom.
        #expect(peakGrowth < 24 * 1024, "RSS grew by \(peakGrowth) KiB while relaying 100 MiB to a slow reader")
    }

    @Test("no response head within UPSTREAM_TIMEOUT_MS → 504 within the bound, and the provider is let go (§5.9)")
    func firstByteTimeout() async throws {
        let fixture = try Self.shortTimeouts.get()
        // Timed on the request's own thread, so the cooperative pool's scheduling is not counted.
        let (response, elapsed) = try await onThread { () -> (RawClient.Response, UInt64) in
            let started = monotonicNanoseconds()
            let response = try fixture.relayed("mock=stall&tag=stalled")
            return (response, (monotonicNanoseconds() - started) / 1_000_000)
        }
        #expect(response.status == 504)
        #expect(jsonObject(response)?["error"] as? String == "AI provider timed out (0.3 s). Please retry.")
        #expect(elapsed >= 300 && elapsed < 300 + 250, "\(elapsed) ms")
        #expect(await fixture.mock.waitForClose(tag: "stalled", timeout: .seconds(2)) != nil)
    }

    @Test("no body byte within UPSTREAM_IDLE_TIMEOUT_MS after the head → the idle frame (§5.8, §5.9)")
    func idleTimeoutFrame() async throws {
        let fixture = try Self.shortTimeouts.get()
        let response = try await onThread { try fixture.relayed("mock=sse&chunks=3&delay_ms=5000&tag=idle") }
        #expect(response.status == 200)
        let frame = Array(#"event: error\#ndata: {"error":"AI provider stream timed out"}\#n\#n"#.utf8)
        #expect(response.body == MockProvider.sseEvent(tag: "idle", index: 0, size: 16) + frame)
        #expect(await fixture.mock.waitForClose(tag: "idle", timeout: .seconds(2)) != nil)
    }

    @Test("a provider nobody listens for → 502 Failed to reach AI provider (§5.9)")
    func unreachableProvider() async throws {
        let deadPort = try FreePort.loopback()
        let fixture = try Fixture(environment: ["RELAY_UPSTREAM_OPENAI": "http://127.0.0.1:\(deadPort)"])
        let response = try await onThread { try fixture.relayed("tag=dead") }
        #expect(response.status == 502)
        #expect(jsonObject(response)?["error"] as? String == "Failed to reach AI provider")
    }

    @Test("the request body streams upstream as it arrives: the provider sees the head before the body is sent")
    func requestBodyStreamsUpstream() async throws {
        let fixture = try Self.shared.get()
        let client = try RawClient(port: fixture.relay.port)
        let (first, second) = (#"{"model":"#, #""gpt-4o-mini"}     "#)
        try client.send(
            "POST /relay/openai/v1/chat/completions?mock=echo&tag=upload HTTP/1.1\r\nHost: t\r\n"
                + "x-relay-token: \(fixture.token)\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(first.utf8.count + second.utf8.count)\r\n\r\n\(first)"
        )
        let head = await fixture.mock.waitForEvent(.headReceived, tag: "upload")
        #expect(head != nil)
        #expect(fixture.mock.requests(tag: "upload").first?.isComplete == false)
        try client.send(second)
        let response = try await onThread { try client.readResponse() }
        #expect(response.status == 200)
        let echoed = try #require(await fixture.mock.waitForRequest(tag: "upload"))
        #expect(echoed.bodyText == #"{"model":"gpt-4o-mini"}     "#)
    }

    @Test("relayed requests are recorded for GET /stats within 2 s (§5.10)")
    func requestsAreRecorded() async throws {
        let fixture = try Fixture()
        _ = try await onThread { try fixture.relayed("tag=recorded") }
        _ = try await onThread { try fixture.relayed("mock=status&code=500&tag=recorded-error") }
        let api = AccountAPI(fixture.relay)
        let waited = try await onThread {
            try Eventually.within(milliseconds: 2_000 + 250) {
                let stats = try api.send("GET", "/stats", headers: ["x-relay-token: \(fixture.token)"])
                return (jsonObject(stats)?["total"] as? Int) == 2
            }
        }
        #expect(waited != nil)
        let stats = try api.send("GET", "/stats", headers: ["x-relay-token: \(fixture.token)"])
        let object = try #require(jsonObject(stats))
        #expect(object["error_count"] as? Int == 1)
        let models = object["top_models"] as? [[String: Any]]
        #expect(models?.first?["model"] as? String == "gpt-4o-mini")
    }

    @Test("2 000 concurrent event streams, every one byte-exact")
    func concurrentStreams() async throws {
        let fixture = try Self.shared.get()
        raiseDescriptorLimit()
        let count = 2_000
        let requests = (0..<count).map { fixture.request("mock=sse&chunks=5&size=32&delay_ms=20&tag=c\($0)") }
        let bodies = try await onThread { try ConcurrentClients.run(port: fixture.relay.port, requests: requests) }
        var wrong = 0
        for (index, raw) in bodies.enumerated() {
            let expected = MockProvider.sseBody(tag: "c\(index)", chunks: 5, size: 32)
            if ConcurrentClients.chunkedBody(of: raw) != expected { wrong += 1 }
        }
        #expect(wrong == 0, "\(wrong) of \(count) streams differ")
    }

    @Test("the shutdown timeout ends an open event stream with the shutdown frame, and the relay exits 0 (E7)")
    func shutdownFrame() async throws {
        let fixture = try Fixture(environment: ["SHUTDOWN_TIMEOUT_MS": "300"])
        let client = try RawClient(port: fixture.relay.port)
        try client.send(fixture.request("mock=slow&interval_ms=50&tag=drained"))
        let head = try await onThread { try client.readHead() }
        #expect(head.status == 200)
        _ = try await onThread { try client.read(through: Array("\n\n".utf8)) }
        fixture.relay.signal(SIGTERM)
        // The rest of the chunked body as raw bytes, up to the relay's close.
        let rest = try await onThread { () -> [UInt8] in
            var bytes: [UInt8] = []
            while true {
                let piece = try client.receive(maximum: 65536, timeout: 5)
                if piece.isEmpty { return bytes }
                bytes += piece
            }
        }
        let frame = Array(#"event: error\#ndata: {"error":"Relay is shutting down"}\#n\#n"#.utf8)
        let text = String(decoding: rest, as: UTF8.self)
        #expect(text.contains(String(decoding: frame, as: UTF8.self)), "\(text)")
        #expect(text.hasSuffix("\r\n0\r\n\r\n"), "the stream ends with the last chunk after the frame")
        #expect(fixture.relay.waitForExit(timeout: 5) == 0)
    }
}

// MARK: Helpers

/// Runs blocking socket work on its own thread, so the test does not hold one of the two cooperative threads.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// `CLOCK_MONOTONIC`, the clock the mock provider stamps its events with.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Resident memory of a process in KiB.
func residentKiB(_ pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// Lifts this process's open-file limit to its hard limit (many concurrent client sockets plus the in-process mock).
func raiseDescriptorLimit() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// Many HTTP/1.1 exchanges at once on non-blocking sockets driven by one `poll` loop: each request is sent, and
/// its connection read until the response ends (the relay closes nothing; each request asks `Connection: close`).
enum ConcurrentClients {
    static func run(port: Int, requests: [String], timeout: Double = 60) throws -> [[UInt8]] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        for _ in requests {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw RawClient.ClientError.connectFailed(errno) }
            sockets.append(socket)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw RawClient.ClientError.connectFailed(errno) }
        }
        for (socket, request) in zip(sockets, requests) {
            let bytes = Array(
                request.replacingOccurrences(of: "Host: t\r\n", with: "Host: t\r\nConnection: close\r\n").utf8
            )
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes {
                    send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard written > 0 else { throw RawClient.ClientError.closed }
                offset += written
            }
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        }
        var received = [[UInt8]](repeating: [], count: requests.count)
        var open = Set(0..<requests.count)
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            guard Date() < deadline else { throw RawClient.ClientError.timedOut }
            let indices = Array(open)
            var pollers = indices.map { pollfd(fd: sockets[$0], events: Int16(POLLIN), revents: 0) }
            guard poll(&pollers, nfds_t(pollers.count), 1000) >= 0 else { continue }
            for (slot, poller) in pollers.enumerated() where poller.revents != 0 {
                let index = indices[slot]
                let count = buffer.withUnsafeMutableBytes { recv(poller.fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    received[index].append(contentsOf: buffer[0..<count])
                } else if count == 0 || errno != EAGAIN {
                    open.remove(index)
                }
            }
        }
        return received
    }

    /// The de-chunked body of a raw `Transfer-Encoding: chunked` response, or nil when it is not one.
    static func chunkedBody(of raw: [UInt8]) -> [UInt8]? {
        guard let headEnd = find([13, 10, 13, 10], in: raw, from: 0) else { return nil }
        var cursor = headEnd + 4
        var body: [UInt8] = []
        while let lineEnd = find([13, 10], in: raw, from: cursor) {
            guard let size = Int(String(decoding: raw[cursor..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
            cursor = lineEnd + 2
            if size == 0 { return body }
            guard cursor + size + 2 <= raw.count else { return nil }
            body.append(contentsOf: raw[cursor..<(cursor + size)])
            cursor += size + 2
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }
}
