import EventLoop
import Store

/// The retention purge of CONTRACT.md §8.3: request records older than `REQUEST_LOG_RETENTION_DAYS` and users with
/// no valid token for longer than `EXPIRED_USER_RETENTION_DAYS` (each erased like `DELETE /users`). Runs on the
/// first loop a minute after start-up and then hourly, in batches of 500 rows so no statement nears `DB_TIMEOUT_MS`;
/// with PostgreSQL one replica at a time does the work (the store's advisory lock).
struct PurgeJob: Sendable {
    let store: any AccountStore
    let recordRetentionDays: Int
    let userRetentionDays: Int
    let logger: Logger

    private static let batch = 500
    private static let day: Int64 = 86_400_000

    /// Starts the hourly purge; does nothing when both retentions are 0 (keep forever).
    func start(on loop: Loop) {
        guard recordRetentionDays > 0 || userRetentionDays > 0 else { return }
        Task(executorPreference: loop) { [self] in
            try? await Task.sleep(for: .seconds(60))
            while true {
                let succeeded = await runOnce(now: WallClock.nowMilliseconds())
                // A failed run (database down) is retried sooner than the next regular one.
                try? await Task.sleep(for: succeeded ? .seconds(3600) : .seconds(300))
            }
        }
    }

    /// Purges until a batch comes back short; false when the database failed.
    func runOnce(now: Int64) async -> Bool {
        let recordsBefore = recordRetentionDays > 0 ? now - Int64(recordRetentionDays) * Self.day : nil
        let usersBefore = userRetentionDays > 0 ? now - Int64(userRetentionDays) * Self.day : nil
        var total = PurgeCounts(records: 0, users: 0)
        do throws(StoreError) {
            while true {
                let counts = try await store.purge(
                    recordsBefore: recordsBefore,
                    usersBefore: usersBefore,
                    limit: Self.batch
                )
                total.records += counts.records
                total.users += counts.users
                if counts.records < Self.batch && counts.users < Self.batch { break }
            }
        } catch {
            logger.warn("purge failed", [("error", .string("\(error)"))])
            return false
        }
        if total.records > 0 || total.users > 0 {
            logger.info("purged", [("request_records", .int(total.records)), ("users", .int(total.users))])
        }
        return true
    }
}
