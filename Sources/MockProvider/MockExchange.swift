import EventLoop
import HTTP

/// One request to the mock, from its body to the end of its response. The exchange's callbacks keep it alive until
/// the response ends, the mock cuts it, or the client leaves; `done()` lets go of them. Loop thread only.
final class MockExchange {
    private let exchange: HTTPExchange
    private let behavior: MockBehavior
    private let tag: String
    private let sequence: Int
    private var recorder: MockRecorder?
    private var body: [UInt8] = []
    private var hasBodyEnded = false
    private var hasAnswered = false
    private var isDone = false
    /// Pieces written: stream events (`[DONE]` counts as one) or byte blocks.
    private var step = 0
    /// Whether the gap before the next piece has passed.
    private var isStepDue = true
    private var bytesSent = 0
    private var timer: LoopTimer?
    private var isTimerArmed = false
    private lazy var eventPrefix = SSEEventPrefix(tag: tag)

    init(exchange: HTTPExchange, behavior: MockBehavior, tag: String, sequence: Int) {
        self.exchange = exchange
        self.behavior = behavior
        self.tag = tag
        self.sequence = sequence
    }

    /// Reads the body (recording it), then answers as `behavior` says.
    func begin(recorder: MockRecorder) {
        self.recorder = recorder
        exchange.onCancel = { [self] in clientLeft() }
        exchange.onShutdown = { [self] in cut(isDeliberate: false) }
        let keepsBody = recorder.isRecording || behavior.mode == .echo
        exchange.readBody(
            chunk: { [self] bytes in if keepsBody { body.append(contentsOf: bytes) } },
            ended: { [self] in bodyEnded() }
        )
    }

    /// Answers 400 for a query the mock does not understand; the body is not read.
    func refuse(_ message: String, recorder: MockRecorder) {
        self.recorder = recorder
        note(.responseStarted)
        exchange.respond(
            status: 400,
            headers: responseHeaders(contentType: "application/json", extra: [("x-mock-error", message)]),
            body: JSONValue.object([
                ("error", .object([("message", .string("mock: " + message)), ("type", .string("mock_query_error"))]))
            ]).bytes
        )
        note(.responseFinished)
    }

    // MARK: Request

    private func bodyEnded() {
        hasBodyEnded = true
        if let recorder, recorder.isRecording {
            let now = MonotonicClock.nowNanoseconds()
            recorder.update(sequence) { [body] record in
                record.body = body
                record.events.append(RecordedEvent(kind: .bodyEnded, nanoseconds: now))
            }
        }
        if behavior.mode != .echo { body = [] }
        if behavior.mode == .stall { return }  // until the client leaves or the mock stops
        if behavior.headDelayMilliseconds > 0 {
            armTimer(afterMilliseconds: behavior.headDelayMilliseconds)
        } else {
            answer()
        }
    }

    private func clientLeft() {
        if !hasBodyEnded, let recorder, recorder.isRecording {
            recorder.update(sequence) { [body] record in record.body = body }
        }
        done()
    }

    // MARK: Response

    private func answer() {
        hasAnswered = true
        switch behavior.mode {
        case .json:
            respond(
                status: behavior.status ?? 200,
                headers: responseHeaders(
                    contentType: "application/json",
                    extra: behavior.isGzip ? [("content-encoding", "gzip")] : []
                ),
                body: behavior.isGzip ? MockProvider.gzippedBody : MockProvider.chatCompletionBody
            )
        case .status:
            let status = behavior.status ?? 500
            respond(
                status: status,
                headers: responseHeaders(contentType: "application/json"),
                body: MockProvider.errorBody(status: status)
            )
        case .echo:
            respond(
                status: behavior.status ?? 200,
                headers: responseHeaders(contentType: "application/json"),
                body: echoBody()
            )
        case .sse, .break, .slow:
            startStreaming(
                headers: responseHeaders(
                    contentType: "text/event-stream; charset=utf-8",
                    extra: [("cache-control", "no-cache")]
                )
            )
        case .bytes:
            let length: [(String, String)] = behavior.isChunked ? [] : [("content-length", String(behavior.total))]
            startStreaming(headers: responseHeaders(contentType: "application/octet-stream", extra: length))
        case .stall:
            return
        }
    }

    private func respond(status: Int, headers: HTTPResponseHeaders, body: [UInt8]) {
        note(.responseStarted)
        exchange.respond(status: status, headers: headers, body: body)
        note(.responseFinished)
        done()
    }

    private func startStreaming(headers: HTTPResponseHeaders) {
        note(.responseStarted)
        exchange.startResponse(status: behavior.status ?? 200, headers: headers)
        exchange.onWritable = { [self] in pump() }
        pump()
    }

    /// Writes pieces while they are due and the client keeps up; a timer or `onWritable` calls again.
    private func pump() {
        while !isDone, !isTimerArmed {
            guard isStepDue else {
                armTimer(afterMilliseconds: gapBeforeNextStep)
                return
            }
            guard exchange.isWritable else { return }
            writeStep()
            step += 1
            isStepDue = gapBeforeNextStep == 0
        }
    }

    private var gapBeforeNextStep: Int {
        switch behavior.mode {
        case .slow: behavior.intervalMilliseconds
        case .sse, .break: behavior.delayMilliseconds
        default: 0
        }
    }

    private func writeStep() {
        switch behavior.mode {
        case .sse:
            if step < behavior.chunks {
                writeEvent(step)
            } else {
                exchange.write(MockProvider.sseDoneEvent)
                finish()
            }
        case .break:
            if step < behavior.after { writeEvent(step) } else { cut(isDeliberate: true) }
        case .slow:
            writeEvent(step)
        case .bytes:
            writeBytes()
        default:
            preconditionFailure("\(behavior.mode) does not stream")
        }
    }

    private func writeEvent(_ index: Int) {
        var event = eventPrefix.bytes
        MockProvider.appendEventRest(index: index, size: behavior.size, to: &event)
        exchange.write(event)
    }

    private func writeBytes() {
        let end = min(behavior.total, behavior.breakAfter ?? behavior.total)
        let count = min(end - bytesSent, MockProvider.patternPieceBytes)
        if count > 0 {
            let start = bytesSent % MockProvider.patternPeriod
            MockProvider.patternBlock.withUnsafeBytes { block in
                exchange.write(UnsafeRawBufferPointer(rebasing: block[start..<start + count]))
            }
            bytesSent += count
        }
        guard bytesSent == end else { return }
        if end < behavior.total { cut(isDeliberate: true) } else { finish() }
    }

    private func finish() {
        exchange.finish()
        note(.responseFinished)
        done()
    }

    /// Ends the response without a proper end: the client sees a truncated body. `isDeliberate`: the behaviour
    /// asked for it (recorded), rather than the mock stopping.
    private func cut(isDeliberate: Bool) {
        if isDeliberate { note(.responseAborted) }
        exchange.abort()
        done()
    }

    private func done() {
        guard !isDone else { return }
        isDone = true
        timer?.close()
        timer = nil
        exchange.onCancel = nil
        exchange.onWritable = nil
        exchange.onShutdown = nil
    }

    private func armTimer(afterMilliseconds milliseconds: Int) {
        let timer =
            self.timer
            ?? LoopTimer(loop: exchange.loop) { [weak self] in
                guard let self else { return }
                isTimerArmed = false
                if hasAnswered {
                    isStepDue = true
                    pump()
                } else {
                    answer()
                }
            }
        self.timer = timer
        isTimerArmed = true
        timer.schedule(afterMilliseconds: milliseconds)
    }

    // MARK: Headers and bodies

    /// The headers every answer carries (some of which a relay must drop, CONTRACT.md §5.7), then `extra`, the
    /// retry hints, and the `h_` headers, which replace defaults of the same name. Framing stays the mock's.
    private func responseHeaders(contentType: String, extra: [(String, String)] = []) -> HTTPResponseHeaders {
        var fields: [(String, String)] = [
            ("content-type", contentType),
            ("x-request-id", "req-mock-" + tag),
            ("x-ratelimit-limit-requests", "1000"),
            ("x-ratelimit-remaining-requests", "999"),
            ("set-cookie", "mock_session=1; Path=/; HttpOnly"),
            ("server", "mock-provider"),
        ]
        fields += extra
        if let retryAfter = behavior.retryAfter { fields.append(("retry-after", retryAfter)) }
        if let milliseconds = behavior.retryAfterMilliseconds { fields.append(("retry-after-ms", milliseconds)) }
        if !behavior.headers.isEmpty {
            let replaced = Set(behavior.headers.map { $0.name.lowercased() })
            fields.removeAll { replaced.contains($0.0.lowercased()) }
            for header in behavior.headers where !Self.framingHeaders.contains(header.name.lowercased()) {
                fields.append((header.name, header.value))
            }
        }
        return HTTPResponseHeaders(fields)
    }

    private static let framingHeaders: Set<String> = ["content-length", "transfer-encoding", "connection"]

    private func echoBody() -> [UInt8] {
        let head = exchange.head
        let connection = exchange.connectionInfo
        return JSONValue.object([
            ("method", .string(head.method)),
            ("target", .string(head.target)),
            ("path", .string(String(head.path))),
            ("query", head.query.map { .string(String($0)) } ?? .null),
            ("headers", .array(head.headers.map { .array([.string($0.name), .string($0.value)]) })),
            ("body", String(validating: body, as: UTF8.self).map { .string($0) } ?? .null),
            ("body_base64", .string(Base64.encoded(body))),
            ("body_bytes", .int(body.count)),
            ("connection_id", .int(Int(connection.id))),
            ("peer_port", connection.peer.map { .int($0.port) } ?? .null),
        ]).bytes
    }

    private func note(_ kind: RecordedEvent.Kind) {
        guard let recorder, recorder.isRecording else { return }
        recorder.record(kind, at: MonotonicClock.nowNanoseconds(), for: sequence)
    }
}

/// Standard base64 (RFC 4648 §4) with padding, for the echo body.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encoded(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let first = UInt32(bytes[index])
            let second = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let third = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = first << 16 | second << 8 | third
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(index + 1 < bytes.count ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
