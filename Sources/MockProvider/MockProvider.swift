import Dispatch
import EventLoop
import HTTP
import Synchronization

/// A mock AI provider on real HTTP, for the relay's integration tests and benchmarks (docs/testing.md).
///
/// It answers any method on any path (/v1/chat/completions, /v1/messages, /v1beta/models/x:streamGenerateContent,
/// /openai/v1/..., /api/v1/key, ...) and takes its behaviour from the query string, which the relay forwards
/// verbatim (for Google without `key`, perhaps with `alt=sse` appended; unknown parameters are ignored). Names and
/// values are percent-decoded once; `+` stays a plus sign; `&` or `;` separate parameters. When a test cannot choose
/// the query (key verification, deep probes), the same parameters may come as the first path segment after
/// `/_mock/`: `RELAY_UPSTREAM_OPENAI=http://127.0.0.1:<port>/_mock/mock=status&code=401`; the query is read after it.
///
/// Modes (`mock=`):
///
/// - none, `json`: 200 with `MockProvider.chatCompletionBody` (a small chat completion), `Content-Length` framed.
///   `contentEncoding=gzip`: `MockProvider.gzippedBody` with `content-encoding: gzip` instead (gzip of
///   `MockProvider.gzipPlainText`), to check the relay passes compressed bytes on untouched.
/// - `sse`: `text/event-stream`, chunked: `chunks` (5) events of `size` (16) content letters, then
///   `data: [DONE]\n\n`; the head and the first event at once, every later event (and `[DONE]`) `delay_ms` (0) after
///   the one before. The exact body is `MockProvider.sseBody(tag:chunks:size:)`, each event
///   `MockProvider.sseEvent(tag:index:size:)`: `data: {"id":"chatcmpl-mock-<tag>",...,"choices":[{"index":0,
///   "delta":{"content":"<letters>"},"finish_reason":null}],"mock_index":<i>}\n\n`.
/// - `status`: status `code` (500) with `MockProvider.errorBody(status:)`, an OpenAI-shaped JSON error.
/// - `break`: like `sse`, but after `after` (3) events (and one more `delay_ms`) the connection is closed without
///   the terminating chunk: the client sees a truncated chunked body (`sseBody(..., isComplete: false)`).
/// - `slow`: an event stream that never ends: an event every `interval_ms` (50) until the client closes; the close is
///   recorded with its monotonic time (`waitForClose`).
/// - `stall`: reads the request, never sends a head; the client's close is recorded.
/// - `bytes`: `application/octet-stream`, `total` (1048576) bytes of `MockProvider.patternByte(at:)` (offset % 251)
///   with `Content-Length` (`framing=chunked`: chunked instead), written as fast as the client reads and no faster
///   (backpressure). `break_after=N`: the connection is closed after N bytes.
/// - `echo`: 200 JSON describing the request: `method`, `target`, `path`, `query`, `headers` (`[[name, value], ...]`
///   in order), `body` (text, or null when not UTF-8), `body_base64`, `body_bytes`, `connection_id`, `peer_port`.
///
/// Parameters for every mode:
///
/// - `tag=<id>`: names the request for `requests(tag:)` and the waits; it is also in the stream events' `id`. Without
///   it the tag is the arrival number.
/// - `code=<status>`: the status (200-599) for `json`, `sse`, `bytes`, `echo`, `slow`, `break` too.
/// - `head_delay_ms=<n>`: answer n ms after the request body ended (not `stall`).
/// - `retry_after=<v>`, `retry_after_ms=<v>`: send `retry-after` / `retry-after-ms`.
/// - `h_<name>=<value>`: send this header; it replaces a default of the same name. `content-length`,
///   `transfer-encoding` and `connection` are ignored (framing stays the mock's).
///
/// Every answer carries `content-type`, `x-request-id: req-mock-<tag>`, `x-ratelimit-limit-requests: 1000`,
/// `x-ratelimit-remaining-requests: 999`, `set-cookie: mock_session=1; Path=/; HttpOnly` and `server: mock-provider`,
/// so a test sees which headers the relay forwards, renames and drops (CONTRACT.md §5.7); event streams add
/// `cache-control: no-cache`. A parameter the mock cannot read (`mock=nope`, `chunks=x`) gets 400 with the reason in
/// `x-mock-error`.
package final class MockProvider: Sendable {
    /// The port it listens on (chosen by the system when 0 was asked for).
    package let port: Int
    /// The address it listens on.
    package let host: String
    // The server before the workers: it must go (freeing its loops' watchers) while the loops still exist.
    private let server: HTTPServer
    private let workers: WorkerGroup
    private let recorder: MockRecorder
    private let stopped: MockStopSignal
    private let hasStopped = Atomic<Bool>(false)

    /// `http://<host>:<port>`, e.g. for `RELAY_UPSTREAM_<PROVIDER>`.
    package var baseURL: String { "http://\(host):\(port)" }

    private init(
        host: String,
        port: Int,
        server: HTTPServer,
        workers: WorkerGroup,
        recorder: MockRecorder,
        stopped: MockStopSignal
    ) {
        self.host = host
        self.port = port
        self.server = server
        self.workers = workers
        self.recorder = recorder
        self.stopped = stopped
    }

    /// Starts a mock listening on `host:port` (0: any free port) with `workers` loops of its own. It keeps the last
    /// `recordLimit` requests (0: records nothing, for benchmarks). Call `stop()` when done.
    package static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        workers: Int = 1,
        recordLimit: Int = 10_000
    ) throws(MockProviderError) -> MockProvider {
        let listener: ListeningSocket
        do {
            listener = try ListeningSocket.bind(host: host, port: port)
        } catch {
            throw .cannotListen(error.reason)
        }
        let group: WorkerGroup
        do {
            group = try WorkerGroup(count: workers)
        } catch {
            listener.close()
            throw .cannotStartLoops
        }
        let recorder = MockRecorder(limit: recordLimit)
        let stopped = MockStopSignal()
        let server = HTTPServer(
            listener: listener,
            workers: group,
            // A relay holding an upstream connection open between requests must not see the mock drop it early.
            configuration: HTTPServerConfiguration(
                parserLimits: HTTPParserLimits(maxBodyBytes: 1 << 30),
                keepAliveTimeoutMilliseconds: 120_000
            ),
            makeHandler: { _ in MockHandler(recorder: recorder) },
            stopped: { stopped.signal() }
        )
        group.start()
        server.start()
        return MockProvider(
            host: host,
            port: listener.port,
            server: server,
            workers: group,
            recorder: recorder,
            stopped: stopped
        )
    }

    /// Closes every connection (responses in progress are cut), stops the loops and wakes every waiter with nil.
    /// Safe to call twice.
    package func stop() {
        guard !hasStopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        server.forceShutdown()
        stopped.wait(timeoutSeconds: 5)
        workers.stop()
        workers.join()
        recorder.close()
    }

    // MARK: Recordings

    /// Every kept request with `tag`, oldest first.
    package func requests(tag: String) -> [RecordedRequest] { recorder.records(tag: tag) }

    /// Every kept request, oldest first.
    package func allRequests() -> [RecordedRequest] { recorder.allRecords() }

    /// The first request with `tag` once it has arrived whole (head and body), or once its client left mid-body;
    /// nil if none did within `timeout`.
    package func waitForRequest(tag: String, timeout: Duration = .seconds(5)) async -> RecordedRequest? {
        await recorder.firstRecord(tag: tag, timeout: timeout) { $0.isComplete || $0.closedAt != nil }
    }

    /// When the client closed the connection of the first request with `tag` (`MonotonicClock` nanoseconds), as
    /// soon as it has; nil if it did not within `timeout`.
    package func waitForClose(tag: String, timeout: Duration = .seconds(5)) async -> UInt64? {
        await recorder.firstRecord(tag: tag, timeout: timeout) { $0.closedAt != nil }?.closedAt
    }

    /// When `kind` first happened to the first request with `tag` that has it; nil if none within `timeout`.
    package func waitForEvent(
        _ kind: RecordedEvent.Kind,
        tag: String,
        timeout: Duration = .seconds(5)
    ) async -> UInt64? {
        await recorder.firstRecord(tag: tag, timeout: timeout) { $0.time(of: kind) != nil }?.time(of: kind)
    }
}

/// Why a mock could not start.
package enum MockProviderError: Error, Equatable {
    /// The address could not be bound (the system's reason).
    case cannotListen(String)
    /// The loops could not be created.
    case cannotStartLoops
}

/// The server's "stopped" callback, awaited by `stop()` on the caller's thread.
private final class MockStopSignal: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func signal() { semaphore.signal() }

    func wait(timeoutSeconds: Int) { _ = semaphore.wait(timeout: .now() + .seconds(timeoutSeconds)) }
}
