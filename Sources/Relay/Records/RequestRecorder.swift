import EventLoop
import Store
import Synchronization

/// The request records of CONTRACT.md §5.10, written off the request path: any loop appends to one buffer (a few
/// instructions under a lock, never a database call), and a task on the first loop writes what is pending in batches
/// every second, or at once when a full batch is waiting, so a record is in `GET /stats` within 2 s of its response
/// ending. Once more at shutdown, before the loops stop (DESIGN.md §4 step 7). Each flush also writes the token uses
/// noted since the last one (`TokenUseLog`, the `last_used_at`/`last_seen_at` of §8.1), after the records it took.
///
/// - A batch that fails because the database is unreachable or slow is logged and dropped (the buffer must not grow
///   while the database is down); one the database refuses for another reason is written again record by record,
///   so only the record that cannot be written is lost (§5.10).
/// - The buffer holds at most `capacity` records; beyond that new records are dropped, counted and logged.
final class RequestRecorder: Sendable {
    /// Writes one batch and answers how many records were written (the store's `insertRecords`).
    typealias Writer = @Sendable ([RequestRecord]) async throws(StoreError) -> Int
    /// Writes one batch of token uses stamped with a time (the store's `touch`).
    typealias UseWriter = @Sendable ([TokenUse], Int64) async throws(StoreError) -> TouchCounts

    /// The most records one write carries, and the pending count that starts a write before the next tick.
    static let defaultBatchSize = 500
    /// The most records waiting at once (tens of megabytes while the database is down: a record is a few hundred
    /// bytes with its strings).
    static let defaultCapacity = 100_000

    private struct State {
        var pending: [RequestRecord] = []
        /// Records a flush has taken and not yet written; they count against `capacity` too.
        var inFlight = 0
        /// Whether a flush is writing; the others wait for it instead of writing concurrently.
        var isFlushing = false
        var flushWaiters: [CheckedContinuation<Void, Never>] = []
        /// After `stop()`: the final flush has been asked for; later records have nowhere to go.
        var isStopped = false
        /// Records lost since the last log line about them: buffer full, or appended after the stop.
        var unreportedOverflow = 0
        /// Every record lost so far, for any reason.
        var droppedTotal = 0
        /// Where a flush runs (the store's PostgreSQL connection belongs to a loop); nil until `start(on:)`.
        var loop: Loop?
        var ticker: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let write: Writer
    private let uses: TokenUseLog?
    private let touch: UseWriter?
    private let logger: Logger
    private let interval: Duration
    private let batchSize: Int
    private let capacity: Int

    /// A recorder writing through `write`: every `interval`, in batches of at most `batchSize`, holding at most
    /// `capacity` records; with `uses` and `touch`, the token uses pending in `uses` too, in batches of the same size.
    init(
        interval: Duration = .seconds(1),
        batchSize: Int = defaultBatchSize,
        capacity: Int = defaultCapacity,
        logger: Logger,
        uses: TokenUseLog? = nil,
        touch: UseWriter? = nil,
        write: @escaping Writer
    ) {
        self.interval = interval
        self.batchSize = max(1, batchSize)
        self.capacity = max(1, capacity)
        self.logger = logger
        self.uses = uses
        self.touch = touch
        self.write = write
    }

    /// A recorder writing records, and the token uses of `uses` when given, to `store`.
    convenience init(store: any AccountStore, uses: TokenUseLog? = nil, logger: Logger) {
        self.init(
            logger: logger,
            uses: uses,
            touch: { (batch, time) async throws(StoreError) -> TouchCounts in try await store.touch(batch, at: time) },
            write: { (records) async throws(StoreError) -> Int in try await store.insertRecords(records) }
        )
    }

    // MARK: Appending

    /// Appends one record. Any thread; never waits for the database. Starts a write at once when a full batch is
    /// pending and none is under way (a write under way takes the new records along before it ends).
    func record(_ record: RequestRecord) {
        let flushLoop = state.withLock { state -> Loop? in
            guard !state.isStopped, state.pending.count + state.inFlight < capacity else {
                state.unreportedOverflow += 1
                state.droppedTotal += 1
                return nil
            }
            state.pending.append(record)
            return state.pending.count == batchSize && !state.isFlushing ? state.loop : nil
        }
        if let flushLoop {
            Task(executorPreference: flushLoop) { [self] in await flush() }
        }
    }

    /// Records waiting to be written.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Records lost so far: dropped when the buffer was full or after the stop, or in a batch that failed.
    var droppedCount: Int { state.withLock { $0.droppedTotal } }

    // MARK: Flushing

    /// Starts the periodic flush on `loop` (once the database is ready; records appended before wait for it).
    func start(on loop: Loop) {
        let interval = interval
        let ticker = Task(executorPreference: loop) { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await flush()
            }
        }
        state.withLock { state in
            state.loop = loop
            state.ticker?.cancel()
            state.ticker = ticker
        }
    }

    /// Ends the periodic flush and writes whatever is pending; returns when that write is done. Records appended
    /// afterwards are dropped. Call before the loops stop: a store may need one to answer.
    func stop() async {
        let ticker = state.withLock { state in
            state.isStopped = true
            return state.ticker.take()
        }
        ticker?.cancel()
        await flush()
    }

    /// Writes every record and token use pending when called, in batches, and returns when they are written or
    /// dropped. A flush already under way is waited for first, then whatever it left is written.
    func flush() async {
        while !(await becomeFlusher()) {}
        repeat {
            while let taken = takePending() {
                if taken.overflow > 0 {
                    logger.warn(
                        "request records dropped",
                        [("records", .int(taken.overflow)), ("reason", .string("buffer_full"))]
                    )
                }
                var start = 0
                while start < taken.records.count {
                    let end = min(start + batchSize, taken.records.count)
                    await writeBatch(Array(taken.records[start..<end]))
                    state.withLock { $0.inFlight -= end - start }
                    start = end
                }
            }
            // Taken after the records: a use is noted before its request's record is appended, so once a record is
            // written, the use of the same request has been taken by this flush or an earlier one.
            await writeUses()
        } while !finishFlush()
    }

    /// True when the caller is now the one flush under way; false after waiting for another to finish.
    private func becomeFlusher() async -> Bool {
        let isFlusher = state.withLock { state in
            if state.isFlushing { return false }
            state.isFlushing = true
            return true
        }
        if isFlusher { return true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isWaiting = state.withLock { state in
                guard state.isFlushing else { return false }
                state.flushWaiters.append(continuation)
                return true
            }
            if !isWaiting { continuation.resume() }
        }
        return false
    }

    /// Everything pending (possibly nothing) with the overflow to report, or nil when there is neither. The buffer is
    /// swapped, not copied, so appends never wait for long.
    private func takePending() -> (records: [RequestRecord], overflow: Int)? {
        state.withLock { state in
            guard !state.pending.isEmpty || state.unreportedOverflow > 0 else { return nil }
            defer {
                state.pending = []
                state.unreportedOverflow = 0
            }
            state.inFlight += state.pending.count
            return (state.pending, state.unreportedOverflow)
        }
    }

    /// Ends the flush and resumes its waiters when nothing arrived meanwhile; false (the flush goes on) otherwise.
    private func finishFlush() -> Bool {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
            guard state.pending.isEmpty && state.unreportedOverflow == 0 else { return nil }
            state.isFlushing = false
            defer { state.flushWaiters = [] }
            return state.flushWaiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume() }
        return true
    }

    /// Writes the token uses noted since the last flush, in batches stamped with the current time. A failed batch is
    /// logged and dropped: those tokens are queued again on their first use an hour or more after this one.
    private func writeUses() async {
        guard let uses, let touch else { return }
        let taken = uses.takePending()
        guard !taken.isEmpty else { return }
        let now = WallClock.nowMilliseconds()
        var start = 0
        while start < taken.count {
            let end = min(start + batchSize, taken.count)
            do throws(StoreError) {
                _ = try await touch(Array(taken[start..<end]), now)
            } catch {
                logger.warn(
                    "token uses dropped",
                    [("uses", .int(end - start)), ("reason", .string(Self.code(of: error)))]
                )
            }
            start = end
        }
    }

    private func writeBatch(_ batch: [RequestRecord]) async {
        do throws(StoreError) {
            _ = try await write(batch)
        } catch {
            // Record by record would only wait out the same outage `batch.count` times.
            guard error != .unavailable, error != .timeout, batch.count > 1 else {
                dropped(batch.count, error: error)
                return
            }
            var failed = 0
            var lastError = error
            for (index, record) in batch.enumerated() {
                do throws(StoreError) {
                    _ = try await write([record])
                } catch {
                    lastError = error
                    // The database went away meanwhile: the rest would each wait for it too.
                    if error == .unavailable || error == .timeout {
                        failed += batch.count - index
                        break
                    }
                    failed += 1
                }
            }
            if failed > 0 { dropped(failed, error: lastError) }
        }
    }

    /// Logs lost records: a count and the error's code, never a record's content (a model string is client input).
    private func dropped(_ count: Int, error: StoreError) {
        state.withLock { $0.droppedTotal += count }
        logger.warn("request records dropped", [("records", .int(count)), ("reason", .string(Self.code(of: error)))])
    }

    /// The error's short code for a log line: never a value.
    private static func code(of error: StoreError) -> String {
        switch error {
        case .unavailable: "unavailable"
        case .timeout: "timeout"
        case .failed(let sqlState): sqlState
        case .cannotOpen: "cannot_open"
        case .schemaBehind: "schema_behind"
        case .secretMismatch: "secret_mismatch"
        }
    }
}
