import EventLoop

/// One client connection: bytes in → parser → exchanges handed to the handler, responses out with the right framing
/// and keep-alive. Pipelined requests are answered in order (the parser stops after each request's end until its
/// response is done); reading goes on while a response is pending, so a client close is seen at once
/// (CONTRACT.md §1.7). Loop thread only.
final class HTTPConnection: SocketConnectionDelegate {
    /// Where the connection is. Next: `.open` → `.closing` (a refusal or a last response is being flushed) →
    /// `.closed`; or `.open` → `.closed` when the peer leaves.
    private enum Phase {
        case open
        case closing
        case closed
    }

    private enum TimerPurpose {
        case head
        case body
    }

    private let socket: SocketConnection
    /// Which connection this is, and the client's address.
    let info: HTTPConnectionInfo
    private let loop: Loop
    private unowned let server: HTTPLoopServer
    private let configuration: HTTPServerConfiguration
    private var parser: HTTPRequestParser
    private var inbound: [UInt8] = []
    private var events: [HTTPRequestParser.Event] = []
    private var exchange: HTTPExchange?
    private var timer: LoopTimer?
    private var timerPurpose = TimerPurpose.head
    private var waitStartedAt: UInt64 = 0
    private var hasServedRequest = false
    private var phase = Phase.open
    private var isDriving = false
    private var needsDrive = false
    /// Close after the current response: a refusal, `Connection: close`, HTTP/1.0 without keep-alive, a drain.
    private var mustClose = false
    private var hasSentContinue = false
    private var isReadingPaused = false

    init(descriptor: Int32, id: UInt64, loop: Loop, server: HTTPLoopServer) {
        let socket = SocketConnection(loop: loop, descriptor: descriptor)
        self.socket = socket
        self.info = HTTPConnectionInfo(id: id, peer: socket.peerAddress)
        self.loop = loop
        self.server = server
        self.configuration = server.configuration
        self.parser = HTTPRequestParser(limits: server.configuration.parserLimits)
    }

    func start() {
        socket.delegate = self
        timer = LoopTimer(loop: loop) { [unowned self] in timerFired() }
        socket.startReading()
        awaitHead()
    }

    var isBelowHighWaterMark: Bool { socket.queuedByteCount < configuration.responseHighWaterMark }

    // MARK: Socket events

    func socketReceived(_ bytes: UnsafeRawBufferPointer) {
        guard phase == .open else { return }
        inbound.append(contentsOf: bytes)
        // Body bytes are arriving even when the handler is not reading yet: the client is not the slow one.
        if let exchange, exchange.head.framing != .none, !exchange.isRequestComplete, !exchange.declaresOversizedBody {
            armTimer(.body, afterMilliseconds: configuration.bodyTimeoutMilliseconds)
        }
        drive()
    }

    func socketClosedByPeer() { close(byPeer: true) }

    func socketDrained() {
        if let exchange, exchange.hasStartedResponse, !exchange.isFinished {
            exchange.onWritable?()
        } else if phase == .open, !isDriving {
            drive()  // pipelined requests wait while earlier responses sit unsent (canParse)
        }
    }

    func socketClosed() { close() }

    // MARK: Parsing

    /// Parses what can be parsed now. Re-entrant calls (a handler answering synchronously) only mark more work.
    private func drive() {
        guard !isDriving else {
            needsDrive = true
            return
        }
        isDriving = true
        repeat {
            needsDrive = false
            parseAvailable()
        } while needsDrive && phase == .open
        isDriving = false
        updateReadInterest()
    }

    private var canParse: Bool {
        guard phase == .open, !inbound.isEmpty else { return false }
        // A client that pipelines requests without reading the answers must not make us queue answers without
        // bound: the next request waits until the earlier responses have drained.
        guard let exchange else { return isBelowHighWaterMark }
        if exchange.isRequestComplete { return false }  // pipelined bytes wait for this response
        if exchange.declaresOversizedBody { return false }  // never read; the connection closes after the answer
        return exchange.hasAskedForBody || exchange.isFinished
            || exchange.pendingBodyCount < configuration.pendingBodyLimit
    }

    private func parseAvailable() {
        guard canParse else { return }
        events.removeAll(keepingCapacity: true)
        var failure: HTTPParseError?
        // `inbound` is not modified until the closure returns: handlers reached from `deliver` never touch it
        // (close() leaves it alone; socketReceived is only called from the loop's read callback).
        let consumed = inbound.withUnsafeBytes { input -> Int in
            do throws(HTTPParseError) {
                let consumed = try parser.parse(input, into: &events)
                deliver(from: input)
                return consumed
            } catch {
                failure = error
                deliver(from: input)
                return 0
            }
        }
        if phase == .closed { return }
        if consumed > 0 { inbound.removeFirst(consumed) }
        if let failure { refuse(.malformed(failure)) } else if consumed > 0 { needsDrive = true }
    }

    private func deliver(from input: UnsafeRawBufferPointer) {
        for event in events {
            guard phase == .open else { return }
            switch event {
            case .head(let head):
                headReceived(head)
                // An over-limit body is never read: what the parser took of it is dropped (the connection closes).
                if exchange?.declaresOversizedBody == true { return }
            case .body(let range):
                armTimer(.body, afterMilliseconds: configuration.bodyTimeoutMilliseconds)
                exchange?.bodyReceived(UnsafeRawBufferPointer(rebasing: input[range]))
            case .end: requestEnded()
            }
        }
    }

    private func updateReadInterest() {
        guard phase == .open else { return }
        // Hold at most a head and a pending body's worth of bytes the handler is not ready for; the kernel buffer
        // then pushes back on the client. Otherwise keep reading, so a close is noticed while a response is pending.
        let shouldPause = inbound.count > configuration.parserLimits.maxHeadBytes + configuration.pendingBodyLimit
        if shouldPause != isReadingPaused {
            isReadingPaused = shouldPause
            if shouldPause { socket.pauseReading() } else { socket.startReading() }
        }
    }

    private func headReceived(_ head: HTTPRequestHead) {
        timer?.cancel()
        hasServedRequest = true
        hasSentContinue = false
        let exchange = HTTPExchange(requestHead: head, loop: loop, connection: self)
        self.exchange = exchange
        if case .contentLength(let length) = head.framing, length > configuration.parserLimits.maxBodyBytes {
            // CONTRACT.md §1.1: answered before the body is read, then the connection closes. The handler still sees
            // the request: 404, 405, 503 while starting and the global limit come first (§5.2 steps 3–6).
            exchange.declaresOversizedBody = true
            mustClose = true
        } else if head.framing != .none {
            armTimer(.body, afterMilliseconds: configuration.bodyTimeoutMilliseconds)
        }
        server.handler.requestReceived(exchange)
    }

    private func requestEnded() {
        guard let exchange else { return }
        timer?.cancel()
        exchange.requestCompleted()
        if exchange.isFinished { exchangeCompleted() }
    }

    func bodyRequested(by exchange: HTTPExchange) {
        guard exchange === self.exchange, phase == .open else { return }
        if exchange.declaresOversizedBody {
            refuse(.bodyTooLarge)
            return
        }
        if exchange.expectsContinue, exchange.head.framing != .none, !exchange.isRequestComplete,
            !exchange.hasStartedResponse, !hasSentContinue
        {
            hasSentContinue = true
            socket.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        if !isDriving { drive() }
    }

    // MARK: Responses

    private func shouldKeepAlive(_ exchange: HTTPExchange) -> Bool {
        guard phase == .open, !mustClose, !server.isDraining, exchange.asksForKeepAlive
        else { return false }
        // The client waits for 100 Continue before sending the body; without it, the body may or may not follow.
        if exchange.expectsContinue, exchange.head.framing != .none, !exchange.isRequestComplete,
            !hasSentContinue
        {
            return false
        }
        return true
    }

    private func appendHead(
        to output: inout [UInt8],
        exchange: HTTPExchange,
        status: Int,
        headers: HTTPResponseHeaders,
        framingHeader: String?
    ) {
        let keepAlive = shouldKeepAlive(exchange)
        if !keepAlive { mustClose = true }
        output.append(contentsOf: "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(status))\r\n".utf8)
        output.append(contentsOf: headers.bytes)
        output.append(contentsOf: server.dateHeader.currentLine)
        if let framingHeader { output.append(contentsOf: framingHeader.utf8) }
        if !keepAlive {
            output.append(contentsOf: "Connection: close\r\n".utf8)
        } else if exchange.head.version == .http1_0 {
            output.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        output.append(contentsOf: "\r\n".utf8)
    }

    func writeCompleteResponse(_ exchange: HTTPExchange, status: Int, headers: HTTPResponseHeaders, body: [UInt8]) {
        let hasBody = !HTTPStatus.forbidsBody(status)
        var output: [UInt8] = []
        output.reserveCapacity(96 + headers.bytes.count + body.count)
        appendHead(
            to: &output,
            exchange: exchange,
            status: status,
            headers: headers,
            framingHeader: hasBody ? "Content-Length: \(body.count)\r\n" : nil
        )
        if hasBody && exchange.head.method != "HEAD" { output.append(contentsOf: body) }
        socket.write(output)
        responseFinished(exchange)
    }

    func writeStreamingHead(_ exchange: HTTPExchange, status: Int, headers: HTTPResponseHeaders)
        -> HTTPExchange
        .ResponseFraming
    {
        let framing: HTTPExchange.ResponseFraming
        var framingHeader: String?
        let declaredLength = headers.contentLength
        if HTTPStatus.forbidsBody(status) {
            framing = .none
        } else if let declaredLength {
            framing = exchange.head.method == "HEAD" ? .none : .contentLength(remaining: declaredLength)
        } else if exchange.head.method == "HEAD" {
            framing = .none
        } else if exchange.head.version == .http1_0 {
            framing = .closeDelimited  // CONTRACT.md §1.7: no chunked encoding to HTTP/1.0
            mustClose = true
        } else {
            framing = .chunked
            framingHeader = "Transfer-Encoding: chunked\r\n"
        }
        var output: [UInt8] = []
        appendHead(to: &output, exchange: exchange, status: status, headers: headers, framingHeader: framingHeader)
        socket.write(output)
        return framing
    }

    func writeBodyChunk(_ bytes: UnsafeRawBufferPointer, framing: HTTPExchange.ResponseFraming) {
        switch framing {
        case .none: return
        case .contentLength, .closeDelimited: socket.write(bytes)
        case .chunked:
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 16)
            output.append(contentsOf: String(bytes.count, radix: 16).utf8)
            output.append(contentsOf: [0x0D, 0x0A])
            output.append(contentsOf: bytes)
            output.append(contentsOf: [0x0D, 0x0A])
            socket.write(output)
        }
    }

    func finishStreamingResponse(_ exchange: HTTPExchange, framing: HTTPExchange.ResponseFraming) {
        if case .chunked = framing { socket.write(Array("0\r\n\r\n".utf8)) }
        responseFinished(exchange)
    }

    func abortResponse() { close() }

    /// A handler wrote past its declared `Content-Length`; the excess was dropped. Close after this response.
    func responseOverran() { mustClose = true }

    private func responseFinished(_ exchange: HTTPExchange) {
        guard exchange === self.exchange, phase != .closed else { return }
        if exchange.isRequestComplete {
            exchangeCompleted()
        } else if mustClose || !shouldKeepAlive(exchange) {
            // The rest of the body will not be read: flush, then linger so the close does not reset the response.
            closeAfterFlush()
        } else if !isDriving {
            drive()  // discard the rest of the body, then serve the next request
        }
    }

    private func exchangeCompleted() {
        guard phase != .closed else { return }
        if mustClose || phase == .closing {
            closeAfterFlush()
            return
        }
        exchange = nil
        awaitHead()
        if isDriving { needsDrive = true } else { drive() }
    }

    private func awaitHead() {
        waitStartedAt = MonotonicClock.nowNanoseconds()
        armTimer(.head, afterMilliseconds: headWaitMilliseconds())
    }

    /// How long an idle connection waits: a fresh one gets the head timeout, a kept-alive or draining one at most
    /// the keep-alive timeout (CONTRACT.md §1.7, E7 step 3).
    private func headWaitMilliseconds() -> Int {
        let header = configuration.headerTimeoutMilliseconds
        if hasServedRequest || server.isDraining { return min(header, configuration.keepAliveTimeoutMilliseconds) }
        return header
    }

    // MARK: Timers, refusals, drain, close

    private func armTimer(_ purpose: TimerPurpose, afterMilliseconds milliseconds: Int) {
        timerPurpose = purpose
        timer?.schedule(afterMilliseconds: milliseconds)
    }

    private func timerFired() {
        guard phase == .open else { return }
        switch timerPurpose {
        case .head:
            guard exchange == nil else { return }
            if inbound.isEmpty && !parser.hasStartedRequest {
                close()  // idle: close silently (CONTRACT.md §1.7)
                return
            }
            let elapsed = Int((MonotonicClock.nowNanoseconds() - waitStartedAt) / 1_000_000)
            let remaining = configuration.headerTimeoutMilliseconds - elapsed
            if remaining > 0 {
                armTimer(.head, afterMilliseconds: remaining)
            } else {
                refuse(.timedOut)
            }
        case .body:
            guard let exchange, !exchange.isRequestComplete else { return }
            if exchange.hasStartedResponse { close() } else { refuse(.timedOut) }
        }
    }

    /// Answers with the handler's error response for `refusal`, then closes.
    private func refuse(_ refusal: HTTPRefusal) {
        guard phase == .open else { return }
        mustClose = true
        timer?.cancel()
        let target: HTTPExchange
        if let exchange {
            guard !exchange.isFinished, !exchange.hasStartedResponse else {
                // This request was already answered (its body was being read or discarded): a second answer would
                // be taken as the next request's, so cut the connection instead (CONTRACT.md §1.1).
                close()
                return
            }
            target = exchange
            target.handOverToConnection()
            guard phase == .open, !target.isFinished else { return }
        } else {
            target = HTTPExchange(requestHead: nil, loop: loop, connection: self)
            exchange = target
        }
        phase = .closing
        server.handler.requestRefused(refusal, exchange: target)
        if !target.isFinished { close() }
    }

    private func closeAfterFlush() {
        guard phase != .closed else { return }
        phase = .closing
        timer?.cancel()
        socket.closeAfterFlush()
    }

    func drainStarted() {
        guard phase == .open, exchange == nil, inbound.isEmpty, !parser.hasStartedRequest else { return }
        let elapsed = Int((MonotonicClock.nowNanoseconds() - waitStartedAt) / 1_000_000)
        armTimer(.head, afterMilliseconds: max(0, headWaitMilliseconds() - elapsed))
    }

    /// The drain timed out (CONTRACT.md E7 step 5).
    func shutdownNow() {
        guard phase != .closed else { return }
        if let exchange, !exchange.isFinished, phase == .open {
            if let shutdown = exchange.onShutdown {
                mustClose = true
                shutdown()
            } else if exchange.hasStartedResponse {
                close()
            } else {
                refuse(.shuttingDown)
            }
        } else {
            close()
        }
    }

    /// Closes at once. Reached from the peer, a timer, a refusal and a shutdown, sometimes twice in one turn.
    func close(byPeer: Bool = false) {
        guard phase != .closed else { return }
        phase = .closed
        timer?.close()
        socket.close()
        if let exchange, !exchange.isFinished { exchange.cancel() }
        exchange = nil
        server.connectionClosed(self, byPeer: byPeer)
    }
}
