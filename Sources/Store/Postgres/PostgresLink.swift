import CPostgres
import EventLoop
import Glibc

/// Owns one `PGconn *` from `PQconnectStartParams` to `PQfinish`, and the watchers on its socket (STYLE.md §2).
/// Loop thread only. A link never reconnects: `PostgresConnection` closes a broken one and makes another. Raw libpq
/// pointers stay in this file.
final class PostgresLink {
    /// What the link reports to its owner, on the loop thread.
    enum Event {
        /// `PQconnectPoll` finished: the connection is up and non-blocking.
        case connected
        /// The connect attempt failed; the owner closes the link.
        case connectFailed
        /// Connected, and the socket has something to read.
        case readable
        /// Connected, and the socket can take the rest of the output.
        case writable
    }

    /// One step of a statement's answer, from `PQgetResult`.
    enum ResultEvent {
        /// `PGRES_TUPLES_OK` or `PGRES_COMMAND_OK`.
        case rows(PostgresRows)
        /// `PGRES_FATAL_ERROR`, mapped.
        case failed(PostgresError)
        /// `PGRES_PIPELINE_SYNC`: the end of one request's pipeline segment.
        case pipelineSync
        /// `PGRES_PIPELINE_ABORTED`: skipped because an earlier statement of the segment failed.
        case pipelineAborted
        /// A null result: one statement's results are over (or, outside pipeline mode, the whole query's).
        case end
    }

    /// `PQflush`'s answer.
    enum FlushOutcome {
        case done, pending, failed
    }

    /// `PQtransactionStatus`, as far as callers care.
    enum TransactionStatus {
        case idle, inTransaction, unknown
    }

    private var connection: OpaquePointer?
    private let loop: Loop
    private let report: (Event) -> Void
    private var reader: FileDescriptorWatcher?
    private var writer: FileDescriptorWatcher?
    private var watchedDescriptor: Int32 = -1
    private var isConnecting = true

    /// Starts a connection (`PQconnectStartParams`, `expand_dbname` off: `PostgresConfiguration` expanded the URL
    /// already). Nil when libpq refuses at once (out of memory, bad parameters). Call `start()` next.
    init?(loop: Loop, keywords: [String], values: [String], report: @escaping (Event) -> Void) {
        self.loop = loop
        self.report = report
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                PQconnectStartParams(keywordPointers, valuePointers, 0)
            }
        }
        guard let connection else { return nil }
        self.connection = connection
        // libpq's default notice processor writes NOTICE/WARNING text to stderr, outside our JSON log lines
        // (CONTRACT.md §9.5); the server's chatter ("drop cascades to ...") is dropped instead.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        if PQstatus(connection) == CONNECTION_BAD {
            PQfinish(connection)
            self.connection = nil
            return nil
        }
    }

    /// Begins polling. libpq: "just after PQconnectStart, behave as if it last returned PGRES_POLLING_WRITING".
    func start() { watch(writable: true, readable: false) }

    /// Frees the connection and the watchers. Safe to call twice; also called from `deinit`.
    func close() {
        reader?.close()
        writer?.close()
        reader = nil
        writer = nil
        watchedDescriptor = -1
        if let connection {
            PQfinish(connection)
            self.connection = nil
        }
    }

    deinit { close() }

    /// libpq's last error text, for debug logs only: it can name hosts and users (never the password).
    var errorMessage: String {
        guard let connection, let message = PQerrorMessage(connection) else { return "" }
        return String(cString: message).trimmingTrailingNewlines()
    }

    /// Whether libpq has given up on the connection.
    var isBroken: Bool { connection.map { PQstatus($0) == CONNECTION_BAD } ?? true }

    /// Whether a transaction block is open (or failed) on the session.
    var transactionStatus: TransactionStatus {
        guard let connection else { return .unknown }
        switch PQtransactionStatus(connection) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_INTRANS, PQTRANS_INERROR: return .inTransaction
        default: return .unknown
        }
    }

    // MARK: Sending

    /// `PQenterPipelineMode`.
    func enterPipelineMode() -> Bool { connection.map { PQenterPipelineMode($0) == 1 } ?? false }

    /// `PQexitPipelineMode`; only possible once every pipelined answer has been read.
    func exitPipelineMode() -> Bool {
        guard let connection else { return false }
        if PQexitPipelineMode(connection) == 1 { return true }
        // After the last PGRES_PIPELINE_SYNC libpq may still hold a null result to hand out before it is idle.
        if PQisBusy(connection) == 0, PQgetResult(connection) == nil { return PQexitPipelineMode(connection) == 1 }
        return false
    }

    /// `PQsendPrepare` with parameter types left to the server.
    func sendPrepare(_ statement: PreparedStatement) -> Bool {
        guard let connection else { return false }
        return PQsendPrepare(connection, statement.name, statement.sql, 0, nil) == 1
    }

    /// `PQsendQueryPrepared`: text parameters in text format, bytea in binary; results in text format.
    func sendQueryPrepared(_ statement: PreparedStatement, _ parameters: [PostgresValue?]) -> Bool {
        guard let connection else { return false }
        // Every value back to back in one buffer (text NUL-terminated), then pointers into it. A trailing byte keeps
        // the buffer non-empty, so an empty bytea still gets a non-null pointer (null means SQL NULL).
        var buffer: [UInt8] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for parameter in parameters {
            switch parameter {
            case nil:
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let text)?:
                offsets.append(buffer.count)
                buffer.append(contentsOf: text.utf8)
                buffer.append(0)
                lengths.append(0)
                formats.append(0)
            case .bytea(let bytes)?:
                offsets.append(buffer.count)
                buffer.append(contentsOf: bytes)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        buffer.append(0)
        return buffer.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.flatMap { base?.advanced(by: $0).assumingMemoryBound(to: CChar.self) }
            }
            return PQsendQueryPrepared(
                connection,
                statement.name,
                Int32(parameters.count),
                pointers,
                lengths,
                formats,
                0
            ) == 1
        }
    }

    /// `PQpipelineSync`: ends one request's segment, so an error in it aborts nothing after it.
    func pipelineSync() -> Bool { connection.map { PQpipelineSync($0) == 1 } ?? false }

    /// `PQsendQuery`, outside pipeline mode: the simple protocol, so `sql` may hold several statements.
    func sendSimpleQuery(_ sql: String) -> Bool { connection.map { PQsendQuery($0, sql) == 1 } ?? false }

    /// `PQflush`; watches writability while output is left over (libpq: "wait for write-ready, then flush again").
    func flush() -> FlushOutcome {
        guard let connection else { return .failed }
        switch PQflush(connection) {
        case 0:
            writer?.disarm()
            return .done
        case 1:
            writer?.arm()
            return .pending
        default:
            return .failed
        }
    }

    // MARK: Receiving

    /// `PQconsumeInput`; false when the connection broke.
    func consumeInput() -> Bool { connection.map { PQconsumeInput($0) == 1 } ?? false }

    /// The next result without blocking, or nil when libpq needs more input first (`PQisBusy`).
    func nextResult() -> ResultEvent? {
        guard let connection, PQisBusy(connection) == 0 else { return nil }
        guard let result = PQgetResult(connection) else { return .end }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return .rows(PostgresRows(copying: result))
        case PGRES_PIPELINE_SYNC:
            return .pipelineSync
        case PGRES_PIPELINE_ABORTED:
            return .pipelineAborted
        case PGRES_FATAL_ERROR:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? ""
            return .failed(.failedResult(sqlState: sqlState, message: message))
        default:
            // COPY, single-row mode and the rest are never asked for.
            return .failed(.protocolViolation)
        }
    }

    /// Every notification received so far (`PQnotifies`), as channel and payload.
    func notifications() -> [(channel: String, payload: String)] {
        guard let connection else { return [] }
        var received: [(String, String)] = []
        while let notification = PQnotifies(connection) {
            received.append(
                (String(cString: notification.pointee.relname), String(cString: notification.pointee.extra))
            )
            PQfreemem(notification)
        }
        return received
    }

    // MARK: Watching the socket

    private func pollConnect() {
        guard let connection else { return }
        switch PQconnectPoll(connection) {
        case PGRES_POLLING_READING:
            watch(writable: false, readable: true)
        case PGRES_POLLING_WRITING:
            watch(writable: true, readable: false)
        case PGRES_POLLING_OK:
            guard PQsetnonblocking(connection, 1) == 0 else { return report(.connectFailed) }
            isConnecting = false
            watch(writable: false, readable: true)  // always: answers, notifications, and a peer closing
            report(.connected)
        default:
            watch(writable: false, readable: false)
            report(.connectFailed)
        }
    }

    /// Arms the watchers asked for. libpq may open a new socket while connecting (next address, next host, SSL
    /// fallback), so the watchers follow `PQsocket`.
    private func watch(writable: Bool, readable: Bool) {
        guard let connection else { return }
        let descriptor = PQsocket(connection)
        if descriptor != watchedDescriptor {
            reader?.close()
            writer?.close()
            reader = nil
            writer = nil
            watchedDescriptor = descriptor
            if descriptor >= 0 {
                reader = FileDescriptorWatcher(loop: loop, descriptor: descriptor, interest: .readable) {
                    [unowned self] in self.socketReady(.readable)
                }
                writer = FileDescriptorWatcher(loop: loop, descriptor: descriptor, interest: .writable) {
                    [unowned self] in self.socketReady(.writable)
                }
            }
        }
        if readable { reader?.arm() } else { reader?.disarm() }
        if writable { writer?.arm() } else { writer?.disarm() }
    }

    private func socketReady(_ interest: FileDescriptorWatcher.Interest) {
        if isConnecting { return pollConnect() }
        report(interest == .readable ? .readable : .writable)
    }

    /// Calls `body` with NUL-terminated copies of `strings` and a terminating null pointer, as libpq's arrays need.
    private static func withCStrings<Result>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("array has at least the terminator") }
            return body(base)
        }
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
