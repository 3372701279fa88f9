import EventLoop
import MockProvider
import Synchronization
import Testing
import Upstream

/// The curl client on a loop against the mock provider: the connect-time address check that defeats DNS rebinding
/// (CONTRACT.md §5.5), redirects not followed, bytes passed through undecoded, and a streamed upload.
@Suite("Upstream client")
struct UpstreamClientTests {
    /// Runs `body` on a fresh loop with a client, and waits for what it reports.
    static func withClient<T: Sendable>(
        _ body: @escaping @Sendable (UpstreamClient, @escaping @Sendable (T) -> Void) -> Void
    ) async throws -> T {
        let workers = try WorkerGroup(count: 1)
        workers.start()
        defer {
            workers.stop()
            workers.join()
        }
        let loop = workers.loops[0]
        return await withCheckedContinuation { continuation in
            loop.execute {
                guard let client = try? UpstreamClient(loop: loop) else { return }
                let bound = LoopBound(client)
                body(client) { result in
                    bound.value.close()
                    continuation.resume(returning: result)
                }
            }
        }
    }

    static func request(_ url: String, pinned: PinnedAddresses? = nil, body: UpstreamRequest.Body = .none)
        -> UpstreamRequest
    {
        UpstreamRequest(
            method: .post,
            url: url,
            headers: [("User-Agent", "byok-relay/test")],
            body: body,
            connectTimeoutMilliseconds: 2_000,
            headTimeoutMilliseconds: 5_000,
            idleTimeoutMilliseconds: 5_000,
            allowsPlainHTTP: true,
            pinnedAddresses: pinned
        )
    }

    /// Collects a whole answer on the loop.
    final class Collector: UpstreamTransferDelegate {
        let done: (Result<(Int, [(name: String, value: String)], [UInt8]), UpstreamFailure>) -> Void
        var status = 0
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var keepAlive: Collector?

        init(done: @escaping (Result<(Int, [(name: String, value: String)], [UInt8]), UpstreamFailure>) -> Void) {
            self.done = done
        }

        func upstreamHeadReceived(status: Int, headers: [(name: String, value: String)]) {
            self.status = status
            self.headers = headers
        }

        func upstreamBodyReceived(_ bytes: UnsafeRawBufferPointer) -> Bool {
            body.append(contentsOf: bytes)
            return true
        }

        func upstreamFinished(_ failure: UpstreamFailure?, headReceived: Bool) {
            done(failure.map { .failure($0) } ?? .success((status, headers, body)))
            keepAlive = nil
        }
    }

    /// Sends `request` and reports the status and body, or the failure.
    static func fetch(_ request: UpstreamRequest) async throws -> Result<(Int, [UInt8]), UpstreamFailure> {
        try await withClient { client, report in
            let collector = Collector { result in report(result.map { ($0.0, $0.2) }) }
            collector.keepAlive = collector
            _ = client.start(request, delegate: collector)
        }
    }

    @Test("a pinned name whose address is blocked is never connected to (DNS rebinding, §5.5 check 10)")
    func blockedAddressAtConnect() async throws {
        let mock = try MockProvider.start()
        defer { mock.stop() }
        // The name "resolved" to the loopback address: the socket check refuses it, so the mock sees nothing.
        let pinned = PinnedAddresses(
            host: "rebind.example",
            port: mock.port,
            addresses: ["127.0.0.1"],
            checksEverySocket: true
        )
        let refused = try await Self.fetch(
            Self.request("http://rebind.example:\(mock.port)/v1/x?tag=rebind", pinned: pinned)
        )
        #expect(refused.failure == .blockedAddress)
        #expect(mock.requests(tag: "rebind").isEmpty)
        // The same pin without the socket check (an E4-listed host) connects, so the refusal above is the check's.
        let trusted = PinnedAddresses(
            host: "rebind.example",
            port: mock.port,
            addresses: ["127.0.0.1"],
            checksEverySocket: false
        )
        let answered = try await Self.fetch(
            Self.request("http://rebind.example:\(mock.port)/v1/x?tag=listed", pinned: trusted)
        )
        #expect((try? answered.get())?.0 == 200)
        #expect(mock.requests(tag: "listed").count == 1)
    }

    @Test("a redirect is passed back, not followed")
    func redirectsNotFollowed() async throws {
        let mock = try MockProvider.start()
        defer { mock.stop() }
        let target = "\(mock.baseURL)/v1/y?tag=followed"
        let url = "\(mock.baseURL)/v1/x?tag=redirect&code=302&h_location=\(target)"
        let answer = try await Self.fetch(Self.request(url))
        #expect((try? answer.get())?.0 == 302)
        #expect(mock.requests(tag: "followed").isEmpty)
    }

    @Test("compressed bodies pass through undecoded")
    func noContentDecoding() async throws {
        let mock = try MockProvider.start()
        defer { mock.stop() }
        let answer = try await Self.fetch(Self.request("\(mock.baseURL)/v1/x?tag=gz&contentEncoding=gzip"))
        #expect((try? answer.get())?.1 == MockProvider.gzippedBody)
    }

    @Test("only http(s) URLs are fetched; https is required unless plain http is allowed")
    func protocols() async throws {
        let mock = try MockProvider.start()
        defer { mock.stop() }
        var plain = Self.request("\(mock.baseURL)/v1/x?tag=plain")
        plain.allowsPlainHTTP = false
        #expect(try await Self.fetch(plain).failure == .unreachable)
        #expect(mock.requests(tag: "plain").isEmpty)
        #expect(try await Self.fetch(Self.request("file:///etc/passwd")).failure == .unreachable)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
