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
                var counts = TouchCounts(tokens: 0, users: 0)
                let token = try connection.statement(
                    "UPDATE tokens SET last_used_at = ?1 WHERE digest = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)"
                )
                for digest in digests {
                    token.reset()
                    try token.bind(.integer(time), .text(digest), .integer(before))
                    try token.run()
                    counts.tokens += connection.changes
                }
                let user = try connection.statement(
                    "UPDATE users SET last_seen_at = ?1 WHERE id = ?2 AND (last_seen_at IS NULL OR last_seen_at < ?3)"
                )
                for userID in userIDs {
                    user.reset()
                    try user.bind(.integer(time), .text(userID), .integer(before))
                    try user.run()
                    counts.users += connection.changes
                }
                return counts
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
