import Foundation
import Testing

@testable import Store

/// Request records and the statistics over them (CONTRACT.md §5.10, §9.4) on both backends.
@Suite struct RequestRecordTests {
    /// A fixed "now" for the windows: 2033-05-18.
    static let now: Int64 = 2_000_000_000_000
    static let day: Int64 = 86_400_000

    static func record(
        _ user: NewAccount,
        provider: String = "openai",
        model: String? = "gpt-4o-mini",
        status: Int = 200,
        at createdAt: Int64 = now - 1000
    ) -> RequestRecord {
        RequestRecord(
            userID: user.userID,
            appID: user.appID,
            provider: provider,
            model: model,
            status: status,
            latencyMilliseconds: 42,
            createdAt: createdAt
        )
    }

    /// A registered user of `appID`.
    static func user(_ store: any AccountStore, appID: String = "app.example") async throws -> NewAccount {
        var account = AccountStoreTests.newAccount()
        account.appID = appID
        try await store.register(account)
        return account
    }

    @Test(arguments: Backend.allCases)
    func testBatchDropsTheRecordsOfADeletedUserAndKeepsTheOthers(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let kept = try await Self.user(store)
            let gone = try await Self.user(store)
            try await store.deleteUser(gone.userID)
            let batch = [
                Self.record(kept), Self.record(gone), Self.record(kept, status: 500), Self.record(gone),
                Self.record(kept, model: nil),
            ]
            #expect(try await store.insertRecords(batch) == 3)
            #expect(try await store.userStats(userID: kept.userID, now: Self.now).total == 3)
            #expect(try await store.userStats(userID: gone.userID, now: Self.now) == .empty)
            #expect(try await store.appStats(appID: "app.example", now: Self.now).userCount == 1)
            #expect(try await store.insertRecords([]) == 0)
            // Erasing the user takes its records along (§2.3).
            try await store.deleteUser(kept.userID)
            #expect(try await store.appStats(appID: "app.example", now: Self.now) == .empty)
        }
    }

    /// Deletions on another connection (another replica) while batches are written: the foreign key never fails a
    /// batch, and no record outlives its user.
    @Test(arguments: Backend.allCases)
    func testBatchesRacingUserDeletionsNeverFailAndLeaveNoRecordBehind(backend: Backend) async throws {
        try await backend.withTwoStores { (writer, deleter) async throws -> Void in
            var registered: [NewAccount] = []
            for _ in 0..<40 { registered.append(try await Self.user(writer)) }
            let users = registered
            let batch = users.map { Self.record($0) }
            let inserted = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask(executorPreference: Backend.workers.loops[0]) {
                    for user in users { try await deleter.deleteUser(user.userID) }
                    return 0
                }
                group.addTask(executorPreference: Backend.workers.loops[0]) {
                    var inserted = 0
                    for _ in 0..<40 { inserted += try await writer.insertRecords(batch) }
                    return inserted
                }
                return try await group.reduce(0, +)
            }
            #expect(inserted > 0, "the batches overlapped no deletion")
            #expect(try await writer.appStats(appID: "app.example", now: Self.now) == .empty)
        }
    }

    @Test(arguments: Backend.allCases)
    func testUnstorableRecordsAreDroppedWithoutFailingTheirBatch(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let user = try await Self.user(store)
            var notAUUID = Self.record(user)
            notAUUID.userID = "not-a-uuid"
            let batch = [
                Self.record(user, model: "nul\u{0}inside"), notAUUID,
                Self.record(user, model: #"quote " back \ {x,y}"#),
                Self.record(user, model: "ünïcode 模型"),
            ]
            #expect(try await store.insertRecords(batch) == 2)
            let stats = try await store.userStats(userID: user.userID, now: Self.now)
            #expect(stats.topModels.map(\.model) == [#"quote " back \ {x,y}"#, "ünïcode 模型"])
            // Values outside the 32-bit columns are clamped, not refused.
            var huge = Self.record(user, status: 200)
            huge.latencyMilliseconds = Int.max
            #expect(try await store.insertRecords([huge]) == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func testUserStatsCountWindowsErrorsProvidersAndTheLastRequest(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let user = try await Self.user(store)
            let other = try await Self.user(store)
            let now = Self.now
            let batch = [
                Self.record(user, provider: "anthropic", status: 200, at: now - 1),
                Self.record(user, provider: "anthropic", status: 299, at: now - 7 * Self.day),  // 7-day window's edge
                Self.record(user, provider: "anthropic", status: 199, at: now - 7 * Self.day - 1),
                Self.record(user, provider: "openai", status: 300, at: now - 30 * Self.day),  // 30-day window's edge
                Self.record(user, provider: "openai", status: 499, at: now - 30 * Self.day - 1),
                Self.record(user, provider: "groq", status: 502, at: now - 90 * Self.day),
                Self.record(other, provider: "mistral", status: 500, at: now + 5),
            ]
            #expect(try await store.insertRecords(batch) == 7)
            let stats = try await store.userStats(userID: user.userID, now: now)
            #expect(stats.total == 6)
            #expect(stats.last7Days == 2)
            #expect(stats.last30Days == 4)
            #expect(stats.errorCount == 4)
            #expect(
                stats.providers == [
                    ProviderUsage(name: "anthropic", total: 3, errors: 1),
                    ProviderUsage(name: "groq", total: 1, errors: 1),
                    ProviderUsage(name: "openai", total: 2, errors: 2),
                ]
            )
            #expect(stats.topModels == [ModelUsage(model: "gpt-4o-mini", total: 6)])
            #expect(stats.lastRequestAt == now - 1)
            #expect(stats.userCount == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func testTopModelsAreTheTenMostUsedByTotalThenModelInByteOrder(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let user = try await Self.user(store)
            // Twelve models: "m-01" used once ... "m-12" twelve times, except two ties; uppercase sorts before
            // lowercase in byte order (a locale collation would put "a" first).
            var batch: [RequestRecord] = []
            for index in 1...12 {
                batch += Array(repeating: Self.record(user, model: String(format: "m-%02d", index)), count: index)
            }
            batch += Array(repeating: Self.record(user, model: "a-tie"), count: 12)
            batch += Array(repeating: Self.record(user, model: "B-tie"), count: 12)
            batch += Array(repeating: Self.record(user, model: nil), count: 50)
            #expect(try await store.insertRecords(batch) == batch.count)
            let stats = try await store.userStats(userID: user.userID, now: Self.now)
            #expect(
                stats.topModels.map(\.model) == [
                    "B-tie", "a-tie", "m-12", "m-11", "m-10", "m-09", "m-08", "m-07", "m-06", "m-05",
                ]
            )
            #expect(stats.topModels.map(\.total) == [12, 12, 12, 11, 10, 9, 8, 7, 6, 5])
            #expect(stats.total == batch.count)
        }
    }

    @Test(arguments: Backend.allCases)
    func testAppStatsCoverEveryUserOfTheAppAndNoOtherApp(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let first = try await Self.user(store, appID: "my-app")
            let second = try await Self.user(store, appID: "my-app")
            _ = try await Self.user(store, appID: "my-app")  // without records: not counted in user_count
            let stranger = try await Self.user(store, appID: "other-app")
            let batch = [
                Self.record(first, provider: "openai", model: "gpt-4o", status: 200, at: Self.now - 40 * Self.day),
                Self.record(second, provider: "openai", model: "gpt-4o", status: 429),
                Self.record(second, provider: "anthropic", model: nil, status: 200, at: Self.now - 2000),
                Self.record(stranger, provider: "openai", status: 500),
            ]
            #expect(try await store.insertRecords(batch) == 4)
            let stats = try await store.appStats(appID: "my-app", now: Self.now)
            #expect(stats.userCount == 2)
            #expect(stats.total == 3 && stats.last7Days == 2 && stats.last30Days == 2 && stats.errorCount == 1)
            #expect(
                stats.providers == [
                    ProviderUsage(name: "anthropic", total: 1, errors: 0),
                    ProviderUsage(name: "openai", total: 2, errors: 1),
                ]
            )
            #expect(stats.topModels == [ModelUsage(model: "gpt-4o", total: 2)])
            #expect(stats.lastRequestAt == Self.now - 1000)
            #expect(try await store.appStats(appID: "no-such-app", now: Self.now) == .empty)
            #expect(try await store.appStats(appID: "MY-APP", now: Self.now) == .empty)  // app ids are exact
        }
    }

    @Test(arguments: Backend.allCases)
    func testUserWithoutRecordsGetsZeros(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let user = try await Self.user(store)
            #expect(try await store.userStats(userID: user.userID, now: Self.now) == .empty)
        }
    }

    @Test(arguments: Backend.allCases)
    func testAFullBatchLandsInOneCallAndRetentionPurgesOldRecords(backend: Backend) async throws {
        try await backend.withStore { (store) async throws -> Void in
            let user = try await Self.user(store)
            let batch = (0..<500).map { Self.record(user, at: Int64($0)) }
            #expect(try await store.insertRecords(batch) == 500)
            let counts = try await store.purge(recordsBefore: 100, usersBefore: nil, limit: 1000)
            #expect(counts == PurgeCounts(records: 100, users: 0))
            #expect(try await store.userStats(userID: user.userID, now: Self.now).total == 400)
        }
    }
}
