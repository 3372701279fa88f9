/// The last-use times of CONTRACT.md §8.1 on SQLite.
extension SQLiteStore {
    /// One `BEGIN IMMEDIATE` transaction with a prepared statement per token and per user; each row is written only
    /// when its stored time is older than the write interval.
    package func touch(_ uses: [TokenUse], at time: Int64) async throws(StoreError) -> TouchCounts {
        let storable = uses.filter(\.isStorable)
        guard !storable.isEmpty else { return TouchCounts(tokens: 0, users: 0) }
        let digests = Set(storable.map(\.tokenDigest)).sorted()
        let userIDs = Set(storable.map(\.userID)).sorted()
        let before = time - TokenUse.writeIntervalMilliseconds
        return try await run { connection throws(SQLiteError) in
            try connection.transaction { () throws(SQLiteError) -> TouchCounts in
                /// Runs `sql` once per key (`?1` time, `?2` key, `?3` the cut-off); the rows it changed.
                func touchEach(_ sql: String, _ keys: [String]) throws(SQLiteError) -> Int {
                    let statement = try connection.statement(sql)
                    var changed = 0
                    for key in keys {
                        statement.reset()
                        try statement.bind(.integer(time), .text(key), .integer(before))
                        try statement.run()
                        changed += connection.changes
                    }
                    return changed
                }
                return TouchCounts(
                    tokens: try touchEach(
                        "UPDATE tokens SET last_used_at = ?1 WHERE digest = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)",
                        digests
                    ),
                    users: try touchEach(
                        "UPDATE users SET last_seen_at = ?1 WHERE id = ?2 AND (last_seen_at IS NULL OR last_seen_at < ?3)",
                        userIDs
                    )
                )
            }
        }
    }

    package func tokenUsage(digest: String) async throws(StoreError) -> TokenUsage? {
        try await run { connection throws(SQLiteError) in
            let statement = try connection.statement(
                "SELECT t.last_used_at, u.last_seen_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = ?"
            )
            try statement.bind(.text(digest))
            guard try statement.step() else { return nil }
            return TokenUsage(lastUsedAt: statement.integer(0), lastSeenAt: statement.integer(1))
        }
    }
}
