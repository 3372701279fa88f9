import EventLoop

/// A short upstream request whose answer is read in full, up to a limit: key verification (CONTRACT.md §3.6) and
/// deep health probes (§9.1). Call from a task running on `client.loop`.
package final class UpstreamFetch: UpstreamTransferDelegate {
    /// The provider's answer; `body` holds at most the first `bodyLimit` bytes.
    package struct Response: Sendable, Equatable {
        package let status: Int
        package let body: [UInt8]
    }

    private let bodyLimit: Int
    private var status = 0
    private var body: [UInt8] = []
    private var continuation: CheckedContinuation<Result<Response, UpstreamFailure>, Never>?
    /// Keeps the fetch alive while curl runs it (a transfer holds its delegate weakly); cleared at the end.
    private var keepAlive: UpstreamFetch?

    private init(bodyLimit: Int) { self.bodyLimit = bodyLimit }

    /// Sends `request` on `client` and waits for the whole answer (or the failure).
    package static func run(
        _ request: UpstreamRequest,
        on client: UpstreamClient,
        bodyLimit: Int = 64 * 1024
    ) async -> Result<Response, UpstreamFailure> {
        let fetch = UpstreamFetch(bodyLimit: bodyLimit)
        return await withCheckedContinuation { continuation in
            fetch.continuation = continuation
            fetch.keepAlive = fetch
            _ = client.start(request, delegate: fetch)
        }
    }

    package func upstreamHeadReceived(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
    }

    package func upstreamBodyReceived(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let room = bodyLimit - body.count
        if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
        return true
    }

    package func upstreamFinished(_ failure: UpstreamFailure?, headReceived: Bool) {
        let result: Result<Response, UpstreamFailure> =
            if headReceived, failure == nil || failure == .idleTimedOut || failure == .unreachable {
                // A head is an answer even when its body broke off: the status is what verification and probes use.
                .success(Response(status: status, body: body))
            } else {
                .failure(failure ?? .unreachable)
            }
        continuation?.resume(returning: result)
        continuation = nil
        keepAlive = nil
    }
}
