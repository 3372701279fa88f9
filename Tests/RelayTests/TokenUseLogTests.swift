import EventLoop
import Foundation
import Store
import Synchronization
import Testing

@testable import Relay

/// Token uses for the last-use times of CONTRACT.md §8.1: noted on every successful token check without the
/// database, queued once an hour per token, bounded in memory, and written by the recorder's flush and its stop.
@Suite struct TokenUseLogTests {
    static func account(_ index: Int, user: String = "00000000-0000-4000-8000-000000000000") -> Account {
        Account(userID: user, appID: "app", tokenDigest: "digest-\(index)", expiresAt: nil, keys: [])
    }

    @Test func testATokenIsQueuedOnceAnHourHoweverOftenItIsUsed() {
        let log = TokenUseLog()
        for _ in 0..<5 {
            log.noteUse(of: Self.account(1))
            log.noteUse(of: Self.account(2))
        }
        #expect(Set(log.takePending().map(\.tokenDigest)) == ["digest-1", "digest-2"])
        log.noteUse(of: Self.account(1))
        #expect(log.takePending() == [], "taken once: not again within the hour")
        #expect(log.rememberedCount == 2)
    }

    @Test func testATokenIsQueuedAgainOnceItsIntervalHasPassed() {
        let log = TokenUseLog(interval: .zero)
        log.noteUse(of: Self.account(1))
        log.noteUse(of: Self.account(1))
        #expect(log.takePending().count == 2)
    }

    @Test func testMemoryStaysBoundedWhateverTheNumberOfTokens() {
        let log = TokenUseLog(capacity: 64)  // 4 per shard
        for index in 0..<10_000 {
            log.noteUse(of: Self.account(index))
            if index % 16 == 15 { _ = log.takePending() }
        }
        #expect(log.rememberedCount <= 64 + 16)
        for index in 10_000..<20_000 { log.noteUse(of: Self.account(index)) }
        #expect(log.pendingCount <= 64, "without takes, at most `capacity` uses wait")
    }

    // MARK: Noted by the token check

    @Test func testEverySuccessfulTokenCheckIsNotedAndNoRefusalIs() async throws {
        let fixture = AccountServiceTests()
        let service = try fixture.service()
        _ = try await service.store.migrate()
        let now = WallClock.nowMilliseconds()
        let valid = try await fixture.register(service, expiresAt: now + 60_000)
        let expired = try await fixture.register(service, expiresAt: now - 1)
        #expect(await service.authenticate(.presented(expired)) == .failure(.invalidToken))
        #expect(await service.authenticate(.presented("br_unknown")) == .failure(.invalidToken))
        #expect(await service.authenticate(.missing) == .failure(.tokenRequired))
        #expect(service.uses.pendingCount == 0)

        // From the database, then from the cache (the relay's hot path): one use queued.
        let account = try await service.authenticate(.presented(valid)).get()
        #expect(try service.cachedAuthentication(.presented(valid))?.get() == account)
        #expect(service.uses.takePending() == [TokenUse(tokenDigest: account.tokenDigest, userID: account.userID)])

        // A cached check is noted as well (interval zero: every use is queued).
        let eager = AccountService(
            store: service.store,
            cache: service.cache,
            vault: service.vault,
            digester: service.digester,
            tokenExpiryDays: 90,
            uses: TokenUseLog(interval: .zero),
            logger: Logger(threshold: .silent)
        )
        #expect(try eager.cachedAuthentication(.presented(valid))?.get() == account)
        #expect(eager.uses.pendingCount == 1)
        #expect(eager.cachedAuthentication(.presented(expired)) != nil)
        #expect(eager.uses.pendingCount == 1, "an expired token found in the cache is no use")
    }

    // MARK: Written by the recorder

    static func recorder(_ records: BatchLog, _ touches: TouchLog, uses: TokenUseLog) -> RequestRecorder {
        RequestRecorder(
            interval: .seconds(3600),
            logger: Logger(threshold: .silent),
            uses: uses,
            touch: { (batch, time) async throws(StoreError) -> TouchCounts in try await touches.write(batch, time) },
            write: { (batch) async throws(StoreError) -> Int in try await records.write(batch) }
        )
    }

    @Test func testAFlushWritesTheQueuedUsesAfterTheRecordsStampedWithTheCurrentTime() async {
        let records = BatchLog()
        let touches = TouchLog()
        let uses = TokenUseLog()
        let recorder = Self.recorder(records, touches, uses: uses)
        await recorder.flush()
        #expect(touches.batches.isEmpty, "nothing queued: no statement")
        uses.noteUse(of: Self.account(1))
        uses.noteUse(of: Self.account(2))
        recorder.record(RequestRecorderTests.record(1))
        let before = WallClock.nowMilliseconds()
        await recorder.flush()
        #expect(records.records.count == 1)
        #expect(touches.batches.map { Set($0.uses.map(\.tokenDigest)) } == [["digest-1", "digest-2"]])
        let time = touches.batches.first?.time ?? 0
        #expect(time >= before && time <= WallClock.nowMilliseconds())
        #expect(uses.pendingCount == 0)
    }

    @Test func testStopWritesThePendingUses() async {
        let records = BatchLog()
        let touches = TouchLog()
        let uses = TokenUseLog()
        let recorder = Self.recorder(records, touches, uses: uses)
        recorder.start(on: RequestRecorderTests.workers.loops[0])
        uses.noteUse(of: Self.account(1))
        await recorder.stop()
        #expect(touches.batches.map { $0.uses.map(\.tokenDigest) } == [["digest-1"]])
    }

    @Test func testAFailedTouchLosesOnlyItsUsesAndTheRecordsAreWritten() async {
        let records = BatchLog()
        let touches = TouchLog(failing: .unavailable)
        let uses = TokenUseLog()
        let recorder = Self.recorder(records, touches, uses: uses)
        uses.noteUse(of: Self.account(1))
        recorder.record(RequestRecorderTests.record(1))
        await recorder.flush()
        #expect(records.records.count == 1 && recorder.droppedCount == 0)
        #expect(touches.attempts == 1 && uses.pendingCount == 0)
    }
}

/// A fake `touch`: keeps every batch with its time, or refuses every one.
final class TouchLog: Sendable {
    private struct State {
        var batches: [(uses: [TokenUse], time: Int64)] = []
        var attempts = 0
    }

    private let state = Mutex(State())
    private let failing: StoreError?

    init(failing: StoreError? = nil) { self.failing = failing }

    var batches: [(uses: [TokenUse], time: Int64)] { state.withLock { $0.batches } }
    var attempts: Int { state.withLock { $0.attempts } }

    func write(_ uses: [TokenUse], _ time: Int64) async throws(StoreError) -> TouchCounts {
        state.withLock { $0.attempts += 1 }
        if let failing { throw failing }
        state.withLock { $0.batches.append((uses, time)) }
        return TouchCounts(tokens: uses.count, users: 1)
    }
}
