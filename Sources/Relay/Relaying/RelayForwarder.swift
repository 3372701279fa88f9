import EventLoop
import HTTP
import Store
import Upstream

/// One relayed request from the start of its upstream transfer to the end of the response: the bridge between the
/// browser's exchange and the provider's transfer (CONTRACT.md §5.7–5.9). Loop thread only.
///
/// Each chunk the provider delivers is written to the browser at once. When the browser's socket buffer is above
/// its high-water mark the chunk is refused, curl pauses the transfer, and the exchange's `onWritable` resumes it,
/// so the relay never holds more of a response than the water marks allow. When the browser leaves, the transfer
/// is cancelled at once, which closes the provider connection.
final class RelayForwarder: UpstreamTransferDelegate {
    private let application: RelayApplication
    private let request: RelayRequest
    private let account: Account
    private let provider: String
    /// The model for the request record (CONTRACT.md §5.10): known up front (unified route, Google path), or
    /// noted from the JSON body as it streams through.
    private var model: String?
    private var modelNotes: ModelNotes?
    private var transfer: UpstreamTransfer?
    private var isEventStream = false
    /// Whether a failure after the head may be told with an SSE error frame (event stream, no content encoding).
    private var endsWithErrorFrame = false
    private var boundary = EventBoundaryTracker()
    private var status = 0
    private var isComplete = false
    /// The upstream request started (for latency and timeouts).
    private let startedAt = MonotonicClock.nowNanoseconds()
    /// The `provider` label's index (CONTRACT.md E6), resolved once.
    private let metricsProvider: Int
    /// Whether this relay counts in `byok_relay_open_streams` now.
    private var isOpenStream = false

    init(application: RelayApplication, request: RelayRequest, account: Account, provider: String, model: String?) {
        self.application = application
        self.request = request
        self.account = account
        self.provider = provider
        self.model = model
        metricsProvider = Metrics.provider(provider)
        if model == nil, JSONRequestBody.isJSONMediaType(request.exchange.head.headers["content-type"] ?? "") {
            modelNotes = ModelNotes()
        }
    }

    /// Starts the transfer on this loop's client and wires the exchange to it: body upstream as it arrives,
    /// resume on drain, cancel on disconnect, error frame or abort on shutdown.
    func start(_ upstream: UpstreamRequest, client: UpstreamClient) {
        let exchange = request.exchange
        guard exchange.canReadBody else { return }  // the client left while the key or address was looked up
        let transfer = client.start(upstream, delegate: self)
        self.transfer = transfer
        exchange.onCancel = { [self] in clientLeft() }
        exchange.onWritable = { [self] in self.transfer?.resume() }
        exchange.onShutdown = { [self] in fail(.relayShuttingDown) }
        let metrics = application.context.metrics
        if case .complete(let body) = upstream.body {
            modelNotes?.observe(whole: body)
            metrics.bytesRelayed(body.count, provider: metricsProvider, direction: .upstream)
        }
        if case .streamed = upstream.body {
            exchange.readBody(
                chunk: { [self] bytes in
                    metrics.bytesRelayed(bytes.count, provider: metricsProvider, direction: .upstream)
                    modelNotes?.observe(bytes)
                    transfer.appendBody(bytes)
                },
                ended: { transfer.endBody() }
            )
        }
    }

    // MARK: UpstreamTransferDelegate

    func upstreamHeadReceived(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        let metrics = application.context.metrics
        metrics.upstreamHeadReceived(
            provider: metricsProvider,
            nanoseconds: MonotonicClock.nowNanoseconds() - startedAt
        )
        metrics.streamOpened(provider: metricsProvider)
        isOpenStream = true
        let shaped = ResponseHeaders(upstream: headers)
        isEventStream = shaped.isEventStream
        endsWithErrorFrame = shaped.acceptsErrorFrame
        let context = application.context
        var response = isEventStream ? context.eventStreamSecurityHeaders : context.securityHeaders
        for (name, value) in context.cors.responseHeaders(origin: request.origin, relaying: shaped) {
            response.add(name, value)
        }
        response.add("x-request-id", request.requestID)
        for (name, value) in shaped.forwarded { response.add(name, value) }
        // §5.7: the relay limit's headers, never the relay's own Retry-After (the provider's may be forwarded).
        if let verdict = request.rateLimit {
            RelayApplication.addRateLimitHeaders(verdict, to: &response, retryAfter: false)
        }
        request.exchange.startResponse(status: status, headers: response)
    }

    func upstreamBodyReceived(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let exchange = request.exchange
        guard !exchange.isFinished else { return true }  // curl is told to stop by cancel(); drop the bytes
        guard exchange.isWritable else { return false }
        if endsWithErrorFrame { boundary.bytesSent(bytes) }
        application.context.metrics.bytesRelayed(bytes.count, provider: metricsProvider, direction: .downstream)
        exchange.write(bytes)
        return true
    }

    func upstreamFinished(_ failure: UpstreamFailure?, headReceived: Bool) {
        transfer = nil
        guard let failure else {
            request.exchange.finish()
            complete(status: status, label: nil, recordedStatus: status)
            return
        }
        application.context.metrics.upstreamFailed(
            provider: metricsProvider,
            kind: Self.errorKind(failure, headReceived)
        )
        if !headReceived {
            let error: RelayError =
                switch failure {
                case .connectTimedOut: .upstreamTimedOut(application.context.configuration.upstreamConnectTimeout)
                case .headTimedOut: .upstreamTimedOut(application.context.configuration.upstreamTimeout)
                case .blockedAddress: .baseURLResolvesToBlockedAddress
                case .idleTimedOut, .unreachable: .upstreamUnreachable
                }
            if failure == .blockedAddress {
                // Refused at connect time (§5.5 check 10, step 15): not an upstream request, so not recorded.
                detach()
                isComplete = true
                application.respond(request, error: error)
                return
            }
            let status = ErrorResponse(error).status
            complete(status: status, label: nil, recordedStatus: status) { [self] in
                application.respond(request, error: error)
            }
            return
        }
        fail(failure == .idleTimedOut ? .idleTimedOut : .providerFailed)
    }

    // MARK: Endings

    /// `kind` of `byok_relay_upstream_errors_total` (CONTRACT.md E6).
    private static func errorKind(_ failure: UpstreamFailure, _ headReceived: Bool) -> Metrics.UpstreamErrorKind {
        switch failure {
        case .blockedAddress: .ssrf
        case .idleTimedOut: .idleTimeout
        case _ where headReceived: .stream
        case .connectTimedOut, .headTimedOut: .timeout
        case .unreachable: .connect
        }
    }

    private func clientLeft() {
        application.context.metrics.clientAborted(provider: metricsProvider)
        transfer?.cancel()
        transfer = nil
        complete(status: status == 0 ? 499 : status, label: "client_closed", recordedStatus: status == 0 ? 499 : status)
    }

    /// After the head: an SSE error frame then a clean end, or a truncated response (CONTRACT.md §5.8).
    private func fail(_ cause: StreamFailure) {
        transfer?.cancel()
        transfer = nil
        let exchange = request.exchange
        if !exchange.hasStartedResponse {
            // Shutdown while waiting for the provider (E7 step 5).
            complete(status: 503, label: nil, recordedStatus: 503) { [self] in
                application.respond(request, error: .refused(.shuttingDown))
            }
            return
        }
        if endsWithErrorFrame {
            exchange.write(cause.errorFrame(after: boundary))
            exchange.finish()
        } else {
            exchange.abort()
        }
        // §5.10: a provider failure after the head is recorded as 502; the client already has the provider's status.
        complete(status: status, label: cause.label, recordedStatus: cause == .relayShuttingDown ? status : 502)
    }

    /// The end of the relay: the request record (when the request reached the provider stage), then the answer
    /// `respond` gives (if any) or the log line.
    private func complete(status: Int, label: String?, recordedStatus: Int?, respond: (() -> Void)? = nil) {
        guard !isComplete else { return }
        isComplete = true
        detach()
        let metrics = application.context.metrics
        if isOpenStream {
            isOpenStream = false
            metrics.streamClosed(provider: metricsProvider)
        }
        metrics.relayCompleted(provider: metricsProvider, status: status)
        if let recordedStatus {
            let latency = Int((MonotonicClock.nowNanoseconds() - startedAt) / 1_000_000)
            let model = self.model ?? modelNotes?.model
            application.context.recordRequest(
                account,
                provider: provider,
                model: model,
                status: recordedStatus,
                latencyMilliseconds: latency
            )
        }
        if let respond {
            respond()
        } else {
            application.logCompletion(request, status: status, label: label)
        }
    }

    /// Breaks the exchange → forwarder references so both can go.
    private func detach() {
        let exchange = request.exchange
        exchange.onCancel = nil
        exchange.onWritable = nil
        exchange.onShutdown = nil
    }
}
