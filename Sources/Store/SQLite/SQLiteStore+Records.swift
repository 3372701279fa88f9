/// Request records and the statistics of CONTRACT.md §5.10 and §9.4 on SQLite.
extension SQLiteStore {
    /// One `BEGIN IMMEDIATE` transaction: each row is inserted only where its user exists, and no user can be deleted
    /// between that check and the insert (the write lock is held throughout).
    package func insertRecords(_ records: [RequestRecord]) async throws(StoreError) -> Int {
        let storable = records.filter(\.isStorable)
        guard !storable.isEmpty else { return 0 }
        return try await run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> Int in
                let statement = try connection.statement(
                    """
                    INSERT INTO request_records (user_id, app_id, provider, model, status, latency_ms, created_at)
                    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)
                    """
                )
                var inserted = 0
                for record in storable {
                    statement.reset()
                    try statement.bind(
                        .text(record.userID),
                        .text(record.appID),
                        .text(record.provider),
                        record.model.map { .text($0) } ?? .null,
                        .integer(record.storedStatus),
                        .integer(record.storedLatency),
                        .integer(record.createdAt)
                    )
                    try statement.run()
                    inserted += connection.changes
                }
                return inserted
            }
        }
    }

    package func userStats(userID: String, now: Int64) async throws(StoreError) -> RequestStats {
        try await stats(Self.userStatsSQL, scope: userID, now: now)
    }

    package func appStats(appID: String, now: Int64) async throws(StoreError) -> RequestStats {
        try await stats(Self.appStatsSQL, scope: appID, now: now)
    }

    private func stats(_ sql: String, scope: String, now: Int64) async throws(StoreError) -> RequestStats {
        let windows = RequestStats.windowStarts(now: now)
        return try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(sql)
            try statement.bind(.text(scope), .integer(windows.last7Days), .integer(windows.last30Days))
            var rows: [StatsRow] = []
            while try statement.step() {
                rows.append(
                    StatsRow(
                        kind: statement.text(0) ?? "",
                        name: statement.text(1),
                        total: Int(statement.integer(2) ?? 0),
                        last7Days: Int(statement.integer(3) ?? 0),
                        last30Days: Int(statement.integer(4) ?? 0),
                        errors: Int(statement.integer(5) ?? 0),
                        lastRequestAt: statement.integer(6),
                        userCount: Int(statement.integer(7) ?? 0)
                    )
                )
            }
            return RequestStats(rows: rows)
        }
    }

    private static let userStatsSQL = statsSQL(where: "user_id = ?1")
    private static let appStatsSQL = statsSQL(where: "app_id = ?1")

    /// CONTRACT.md §9.4 in one statement (one read snapshot), like the PostgreSQL store's: a `summary` row, a row
    /// per provider and the top ten models (ties in byte order, SQLite's default BINARY collation). `?2` and `?3`
    /// are the starts of the 7- and 30-day windows.
    private static func statsSQL(where filter: String) -> String {
        let isError = "status NOT BETWEEN 200 AND 299"
        return """
            SELECT 'summary', NULL, count(*), coalesce(sum(created_at >= ?2), 0), coalesce(sum(created_at >= ?3), 0),
                coalesce(sum(\(isError)), 0), max(created_at), count(DISTINCT user_id)
            FROM request_records WHERE \(filter)
            UNION ALL
            SELECT 'provider', provider, count(*), 0, 0, sum(\(isError)), NULL, 0
            FROM request_records WHERE \(filter) GROUP BY provider
            UNION ALL
            SELECT * FROM (
                SELECT 'model', model, count(*), 0, 0, 0, NULL, 0 FROM request_records
                WHERE \(filter) AND model IS NOT NULL
                GROUP BY model ORDER BY count(*) DESC, model LIMIT \(RequestStats.topModelLimit))
            """
    }
}
