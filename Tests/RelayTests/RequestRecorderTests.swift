import EventLoop
import Foundation
import Store
import Synchronization
import Testing

@testable import Relay

/// The batching of request records (CONTRACT.md §5.10): appends never write, batches are bounded, a full batch goes
/// at once, the rest every interval, failures drop only what failed, and the stop writes what is left.
@Suite struct RequestRecorderTests {
    /// One loop for the flush tasks, as the relay's first loop.
    static let workers: WorkerGroup = {
        let workers = try! WorkerGroup(count: 2)
        workers.start()
        return workers
    }()

    static func record(_ index: Int, model: String? = "gpt-4o-mini") -> RequestRecord {
        RequestRecord(
            userID: "00000000-0000-4000-8000-000000000000",
            appID: "app",
            provider: "openai",
            model: model,
            status: 200,
            latencyMilliseconds: index,
            createdAt: Int64(index)
        )
    }

    static func recorder(
        _ log: BatchLog,
        interval: Duration = .seconds(3600),
        batchSize: Int = 500,
        capacity: Int = 100_000
    ) -> RequestRecorder {
        RequestRecorder(
            interval: interval,
            batchSize: batchSize,
            capacity: capacity,
            logger: Logger(threshold: .silent)
        ) { (records) async throws(StoreError) -> Int in try await log.write(records) }
    }

    @Test func testAppendingWritesNothingAndAFlushWritesBatchesOfAtMostTheBatchSize() async {
        let log = BatchLog()
        let recorder = Self.recorder(log, batchSize: 3)
        for index in 0..<7 { recorder.record(Self.record(index)) }
        #expect(log.batchSizes == [])
        #expect(recorder.pendingCount == 7)
        await recorder.flush()
        #expect(log.batchSizes == [3, 3, 1])
        // In the order they were recorded.
        #expect(log.records.map(\.latencyMilliseconds) == Array(0..<7))
        #expect(recorder.pendingCount == 0 && recorder.droppedCount == 0)
        await recorder.flush()
        #expect(log.batchSizes.count == 3, "an empty buffer writes nothing")
    }

    @Test func testAFullBatchIsWrittenAtOnceWithoutWaitingForTheInterval() async {
        let log = BatchLog()
        let recorder = Self.recorder(log, interval: .seconds(3600), batchSize: 5)
        recorder.start(on: Self.workers.loops[0])
        defer { Task { await recorder.stop() } }
        for index in 0..<4 { recorder.record(Self.record(index)) }
        #expect(await log.waitUntil(within: .milliseconds(200)) { $0.count > 0 } == false, "4 < 5: no write yet")
        recorder.record(Self.record(4))
        #expect(await log.waitUntil(within: .seconds(2)) { $0.count == 5 })
        #expect(log.batchSizes == [5])
    }

    @Test func testPendingRecordsAreWrittenEveryInterval() async {
        let log = BatchLog()
        let recorder = Self.recorder(log, interval: .milliseconds(50))
        recorder.start(on: Self.workers.loops[0])
        defer { Task { await recorder.stop() } }
        recorder.record(Self.record(1))
        #expect(await log.waitUntil(within: .seconds(2)) { $0.count == 1 })
        recorder.record(Self.record(2))
        recorder.record(Self.record(3))
        #expect(await log.waitUntil(within: .seconds(2)) { $0.count == 3 })
        #expect(log.batchSizes.first == 1, "the first record went alone, before the others were recorded")
    }

    @Test func testTheBufferIsBoundedAndWhatItRefusesIsCounted() async {
        let log = BatchLog()
        let recorder = Self.recorder(log, batchSize: 4, capacity: 10)
        for index in 0..<15 { recorder.record(Self.record(index)) }
        #expect(recorder.pendingCount == 10)
        #expect(recorder.droppedCount == 5)
        await recorder.flush()
        #expect(log.records.map(\.latencyMilliseconds) == Array(0..<10))
        // Room again once written.
        recorder.record(Self.record(99))
        #expect(recorder.pendingCount == 1)
    }

    @Test func testABatchFailingForAnOutageIsDroppedAndTheNextOneIsWritten() async {
        let log = BatchLog(failing: { _ in .unavailable })
        let recorder = Self.recorder(log, batchSize: 3)
        for index in 0..<3 { recorder.record(Self.record(index)) }
        await recorder.flush()
        #expect(log.attempts == 1, "no record-by-record retry during an outage")
        #expect(recorder.droppedCount == 3)
        log.failing = nil
        recorder.record(Self.record(3))
        await recorder.flush()
        #expect(log.records.map(\.latencyMilliseconds) == [3])
    }

    @Test func testABatchTheDatabaseRefusesIsRetriedRecordByRecordAndOnlyTheBadOneIsLost() async {
        // The database refuses any write that carries the model "bad".
        let log = BatchLog(failing: { batch in batch.contains { $0.model == "bad" } ? .failed(code: "22021") : nil })
        let recorder = Self.recorder(log, batchSize: 10)
        for index in 0..<4 { recorder.record(Self.record(index, model: index == 2 ? "bad" : "good")) }
        await recorder.flush()
        #expect(log.records.map(\.latencyMilliseconds) == [0, 1, 3])
        #expect(recorder.droppedCount == 1)
    }

    @Test func testRecordByRecordRetryStopsWhenTheDatabaseGoesAway() async {
        // The batch is refused, then the database is gone: one attempt per record would wait out the outage each time.
        let log = BatchLog(failing: { batch in batch.count > 1 ? .failed(code: "22021") : .timeout })
        let recorder = Self.recorder(log, batchSize: 10)
        for index in 0..<10 { recorder.record(Self.record(index)) }
        await recorder.flush()
        #expect(log.attempts == 2)
        #expect(recorder.droppedCount == 10)
    }

    @Test func testStopWritesWhatIsPendingAndLaterRecordsAreDropped() async {
        let log = BatchLog()
        let recorder = Self.recorder(log, interval: .seconds(3600))
        recorder.start(on: Self.workers.loops[0])
        for index in 0..<3 { recorder.record(Self.record(index)) }
        await recorder.stop()
        #expect(log.records.count == 3)
        recorder.record(Self.record(4))
        #expect(recorder.pendingCount == 0 && recorder.droppedCount == 1)
    }

    @Test func testAFlushWaitsForTheOneUnderWayAndThenWritesWhatArrivedMeanwhile() async {
        let log = BatchLog()
        log.isHeld = true
        let recorder = Self.recorder(log, batchSize: 100)
        recorder.record(Self.record(0))
        let first = Task { await recorder.flush() }
        #expect(await log.waitUntil(within: .seconds(2)) { _ in log.attempts == 1 }, "the first write started")
        recorder.record(Self.record(1))
        let second = Task { await recorder.flush() }
        #expect(await log.waitUntil(within: .milliseconds(100)) { _ in log.attempts > 1 } == false, "one at a time")
        log.isHeld = false
        await second.value
        // The second flush returned only after both records were written, in two batches, one after the other.
        #expect(log.records.map(\.latencyMilliseconds) == [0, 1])
        await first.value
    }

    @Test func testRecordsAppendedFromManyThreadsAtOnceAreAllWritten() async {
        let log = BatchLog()
        let recorder = Self.recorder(log, interval: .milliseconds(20), batchSize: 100)
        recorder.start(on: Self.workers.loops[0])
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    for index in 0..<1000 { recorder.record(Self.record(thread * 1000 + index)) }
                }
            }
        }
        await recorder.stop()
        #expect(log.records.count == 8000)
        #expect(Set(log.records.map(\.latencyMilliseconds)).count == 8000)
        #expect(log.batchSizes.allSatisfy { $0 <= 100 })
    }

    /// CONTRACT.md §5.10: visible in the statistics within 2 s of the request ending, with the default interval.
    @Test func testARecordReachesTheStatisticsWithinTwoSeconds() async throws {
        let path = NSTemporaryDirectory() + "byok-relay-recorder-\(UUID().uuidString)/relay.db"
        let store = try SQLiteStore(path: path, timeout: .seconds(2))
        defer { store.close() }
        _ = try await store.migrate()
        let user = NewAccount(
            userID: UUID().uuidString.lowercased(),
            appID: "app",
            tokenDigest: "digest",
            tokenKeyID: "key",
            createdAt: 0,
            expiresAt: nil
        )
        try await store.register(user)
        let recorder = RequestRecorder(store: store, logger: Logger(threshold: .silent))
        recorder.start(on: Self.workers.loops[0])
        defer { Task { await recorder.stop() } }
        var record = Self.record(7)
        record.userID = user.userID
        let userID = user.userID
        // Polled from a loop of its own (not the cooperative pool, which other suites' blocking tests may hold), for
        // the contract's 2 s plus this 2-core machine's slack; the first read happens whatever the clock says.
        let total = try await Task(executorPreference: Self.workers.loops[1]) {
            let recorded = ContinuousClock.now
            recorder.record(record)
            var total = 0
            repeat {
                try await Task.sleep(for: .milliseconds(20))
                total = try await store.userStats(userID: userID, now: WallClock.nowMilliseconds()).total
            } while total == 0 && recorded.duration(to: .now) < .milliseconds(2_000 + 500)
            return total
        }.value
        #expect(total == 1, "not visible within 2 s")
    }
}

/// A fake store write: keeps every batch, may refuse some, and may hold writes until released.
final class BatchLog: Sendable {
    private struct State {
        var batches: [[RequestRecord]] = []
        var attempts = 0
        var failing: (@Sendable ([RequestRecord]) -> StoreError?)?
        var isHeld = false
    }

    private let state: Mutex<State>

    init(failing: (@Sendable ([RequestRecord]) -> StoreError?)? = nil) {
        state = Mutex(State(failing: failing))
    }

    /// Refuses a batch with the returned error; nil writes it.
    var failing: (@Sendable ([RequestRecord]) -> StoreError?)? {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    /// While true, writes wait (after counting their attempt).
    var isHeld: Bool {
        get { state.withLock { $0.isHeld } }
        set { state.withLock { $0.isHeld = newValue } }
    }

    var attempts: Int { state.withLock { $0.attempts } }
    var batchSizes: [Int] { state.withLock { $0.batches.map(\.count) } }
    var records: [RequestRecord] { state.withLock { $0.batches.flatMap { $0 } } }

    func write(_ batch: [RequestRecord]) async throws(StoreError) -> Int {
        state.withLock { $0.attempts += 1 }
        while isHeld { try? await Task.sleep(for: .milliseconds(5)) }
        if let error = state.withLock({ $0.failing?(batch) }) { throw error }
        state.withLock { $0.batches.append(batch) }
        return batch.count
    }

    /// Whether `condition` on the records written holds within `timeout`, checked every few milliseconds.
    func waitUntil(within timeout: Duration, _ condition: ([RequestRecord]) -> Bool) async -> Bool {
        let start = ContinuousClock.now
        while !condition(records) {
            guard start.duration(to: .now) < timeout else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}
