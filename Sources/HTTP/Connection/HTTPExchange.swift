import EventLoop

/// One request and its response on a connection. Handlers read the body and write the response through it; the
/// connection owns framing (Content-Length, chunked, close-delimited for HTTP/1.0), keep-alive and `HEAD`.
/// Loop thread only. After the client is gone every write is ignored and `isCancelled` is true.
package final class HTTPExchange {
    /// How the response body is delimited on the wire.
    enum ResponseFraming {
        case contentLength(remaining: Int)
        case chunked
        case closeDelimited
        case none
    }

    /// Where the response is. Next: `.notStarted` → `.streaming` → `.finished`, or straight to `.finished`.
    enum ResponseState {
        case notStarted
        case streaming(ResponseFraming)
        case finished
    }

    /// The request head; refusals before a complete head was read see an empty one (`hasHead` false). Stored,
    /// not computed, so reading one of its fields does not copy the whole head.
    package let head: HTTPRequestHead
    /// Whether `head` is a request's head (false only for refusals before one was read).
    package let hasHead: Bool
    /// `head.isKeepAlive` and `head.expectsContinue`, which scan the header list, worked out once.
    let asksForKeepAlive: Bool
    let expectsContinue: Bool
    /// The loop this exchange lives on.
    package let loop: Loop
    /// The connection the request came on: its id and the client's address.
    package let connectionInfo: HTTPConnectionInfo
    /// Monotonic time the head was complete (or the refusal was decided), for durations.
    package let startedAt: UInt64

    /// Called once if the client goes away before the response is finished (CONTRACT.md §5.8: abort upstream).
    package var onCancel: (() -> Void)?
    /// Called when queued response bytes have drained after `isWritable` turned false.
    package var onWritable: (() -> Void)?
    /// Called when the drain times out (CONTRACT.md E7 step 5); without it the connection answers or aborts itself.
    package var onShutdown: (() -> Void)?

    /// `Content-Length` says the body is over `REQUEST_BODY_LIMIT_BYTES`. The body is never read: the handler runs
    /// the checks that come before the body limit (CONTRACT.md §5.2 steps 3–5) and then answers 413; a handler that
    /// asks for the body gets the connection's 413 instead. The connection closes after the response either way.
    package internal(set) var declaresOversizedBody = false
    package private(set) var isCancelled = false
    /// Body bytes written for this response (`bytes_out` of the log line).
    package private(set) var bodyBytesWritten = 0

    weak var connection: HTTPConnection?
    var responseState = ResponseState.notStarted
    private var bodyChunkReceived: ((UnsafeRawBufferPointer) -> Void)?
    private var bodyEnded: (() -> Void)?
    private var pendingBody: [UInt8] = []
    private(set) var isRequestComplete = false
    private(set) var hasAskedForBody = false

    init(requestHead: HTTPRequestHead?, loop: Loop, connection: HTTPConnection) {
        self.head = requestHead ?? Self.emptyHead
        self.hasHead = requestHead != nil
        self.asksForKeepAlive = requestHead?.isKeepAlive ?? false
        self.expectsContinue = requestHead?.expectsContinue ?? false
        self.loop = loop
        self.connectionInfo = connection.info
        self.connection = connection
        self.startedAt = MonotonicClock.nowNanoseconds()
    }

    private static let emptyHead = HTTPRequestHead(
        method: "",
        target: "",
        version: .http1_1,
        headers: HTTPHeaders(),
        framing: .none
    )

    /// Whether the response head has been written.
    package var hasStartedResponse: Bool {
        if case .notStarted = responseState { return false }
        return true
    }

    /// Whether `readBody` can still deliver the body: not after the client left or the response was sent (a refusal
    /// the connection answered itself, such as a body timeout, is sent through the exchange too). A handler that
    /// awaited something first must check this, or it would wait forever.
    package var canReadBody: Bool { !isFinished }

    /// Whether the response is complete (or the exchange was cancelled).
    package var isFinished: Bool {
        if case .finished = responseState { return true }
        return isCancelled
    }

    /// Whether more response bytes may be written now without piling up in memory.
    package var isWritable: Bool { connection?.isBelowHighWaterMark ?? false }

    // MARK: Request body

    /// Starts delivering the request body: buffered bytes first, then as they arrive; `ended` once it is complete.
    /// Sends `100 Continue` first when the client asked for it (CONTRACT.md §1.7).
    package func readBody(chunk: @escaping (UnsafeRawBufferPointer) -> Void, ended: @escaping () -> Void) {
        guard !hasAskedForBody else { return }
        hasAskedForBody = true
        bodyChunkReceived = chunk
        bodyEnded = ended
        // Buffered bytes first, in order; only then may the connection parse (and deliver) what follows them.
        if !pendingBody.isEmpty {
            let buffered = pendingBody
            pendingBody = []
            buffered.withUnsafeBytes { chunk($0) }
        }
        if isRequestComplete { finishBody() }
        connection?.bodyRequested(by: self)
    }

    /// The whole request body when it already arrived with the head (the usual small upload), instead of
    /// `readBody`; nil when more is still to come, or the body was asked for already.
    package func takeCompleteBody() -> [UInt8]? {
        guard !hasAskedForBody, isRequestComplete, !isFinished else { return nil }
        hasAskedForBody = true
        let body = pendingBody
        pendingBody = []
        connection?.bodyRequested(by: self)
        return body
    }

    func bodyReceived(_ bytes: UnsafeRawBufferPointer) {
        guard !isRequestComplete else { return }
        if let bodyChunkReceived {
            bodyChunkReceived(bytes)
        } else if !isFinished {
            pendingBody.append(contentsOf: bytes)
        }
    }

    func requestCompleted() {
        isRequestComplete = true
        if hasAskedForBody { finishBody() }
    }

    /// Bytes received but not yet handed to a handler that has not called `readBody`.
    var pendingBodyCount: Int { pendingBody.count }

    private func finishBody() {
        let ended = bodyEnded
        bodyEnded = nil
        bodyChunkReceived = nil
        ended?()
    }

    // MARK: Response

    /// Writes a complete response with a `Content-Length` body (no body for `HEAD`, 204 and 304).
    package func respond(status: Int, headers: HTTPResponseHeaders, body: [UInt8]) {
        guard !isFinished, !hasStartedResponse, let connection else { return }
        responseState = .finished
        bodyBytesWritten = head.method == "HEAD" || HTTPStatus.forbidsBody(status) ? 0 : body.count
        connection.writeCompleteResponse(self, status: status, headers: headers, body: body)
    }

    /// Writes the response head of a body sent in pieces with `write(_:)` and ended with `finish()`: as long as a
    /// `Content-Length` in `headers` says, else chunked for HTTP/1.1 and delimited by closing the connection for
    /// HTTP/1.0 (CONTRACT.md §1.7).
    package func startResponse(status: Int, headers: HTTPResponseHeaders) {
        guard !isFinished, !hasStartedResponse, let connection else { return }
        responseState = .streaming(connection.writeStreamingHead(self, status: status, headers: headers))
    }

    /// Sends a piece of the response body. With a declared `Content-Length`, bytes past it are dropped and the
    /// connection closes after the response, so they can never be read as the start of another response.
    package func write(_ bytes: UnsafeRawBufferPointer) {
        guard !isCancelled, case .streaming(let framing) = responseState, !bytes.isEmpty, let connection else { return }
        var piece = bytes
        if case .contentLength(let remaining) = framing {
            if bytes.count > remaining { connection.responseOverran() }
            piece = UnsafeRawBufferPointer(rebasing: bytes[0..<min(remaining, bytes.count)])
            responseState = .streaming(.contentLength(remaining: remaining - piece.count))
            if piece.isEmpty { return }
        }
        bodyBytesWritten += piece.count
        connection.writeBodyChunk(piece, framing: framing)
    }

    /// Sends a piece of the response body.
    package func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }

    /// Ends a streamed response.
    package func finish() {
        guard !isCancelled, case .streaming(let framing) = responseState, let connection else { return }
        if case .contentLength(let remaining) = framing, remaining > 0 {
            // Shorter than declared: only a close tells the client, instead of leaving it waiting for the rest.
            abort()
            return
        }
        responseState = .finished
        connection.finishStreamingResponse(self, framing: framing)
    }

    /// Ends the exchange without a proper end: the connection is closed, so the client sees a truncated response.
    package func abort() {
        guard !isFinished else { return }
        responseState = .finished
        connection?.abortResponse()
    }

    /// The connection answers this request itself (a refusal): the handler's callbacks are dropped and `onCancel`
    /// tells it to stop its own work, but the exchange stays open for the refusal.
    func handOverToConnection() {
        dropHandlerCallbacks()?()
    }

    /// The client is gone: nothing more can be written; `onCancel` tells the handler.
    func cancel() {
        guard !isFinished else { return }
        isCancelled = true
        dropHandlerCallbacks()?()
    }

    /// Forgets everything the handler registered and returns its `onCancel`, to be called last (it may re-enter).
    private func dropHandlerCallbacks() -> (() -> Void)? {
        let cancelled = onCancel
        pendingBody = []
        bodyChunkReceived = nil
        bodyEnded = nil
        onCancel = nil
        onWritable = nil
        onShutdown = nil
        return cancelled
    }
}
