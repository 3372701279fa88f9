/// The last-use times of CONTRACT.md §8.1 on PostgreSQL.
extension PostgresStore {
    /// One statement for the whole batch. Neither `last_used_at` nor `last_seen_at` is watched by the invalidation
    /// triggers of migration 0001, so no replica's cache is emptied by it.
    package func touch(_ uses: [TokenUse], at time: Int64) async throws(StoreError) -> TouchCounts {
        let storable = uses.filter(\.isStorable)
        guard !storable.isEmpty else { return TouchCounts(tokens: 0, users: 0) }
        let rows = try await run(
            Statements.touch,
            [
                .textArray(Set(storable.map(\.tokenDigest)).sorted()), .textArray(Set(storable.map(\.userID)).sorted()),
                .integer(time), .integer(time - TokenUse.writeIntervalMilliseconds),
            ]
        )
        return TouchCounts(tokens: Int(rows.int64(0, 0) ?? 0), users: Int(rows.int64(0, 1) ?? 0))
    }

    package func tokenUsage(digest: String) async throws(StoreError) -> TokenUsage? {
        let rows = try await run(Statements.tokenUsage, [.text(digest)])
        guard rows.count > 0 else { return nil }
        return TokenUsage(lastUsedAt: rows.int64(0, 0), lastSeenAt: rows.int64(0, 1))
    }
}

extension Statements {
    /// Both updates in one statement. Rows are taken with `SKIP LOCKED`, so the batch never waits for (and never
    /// deadlocks with) a revocation, re-hash or user deletion holding them: such a row is skipped this time, which
    /// costs at most an hour's delay in its last-use time. `$4` is `$3` minus the write interval.
    static let touch = PreparedStatement(
        name: "byok_touch",
        sql: """
            WITH used_tokens AS (
                UPDATE tokens SET last_used_at = $3::bigint WHERE digest IN (
                    SELECT digest FROM tokens WHERE digest = ANY ($1::text[])
                    AND (last_used_at IS NULL OR last_used_at < $4::bigint)
                    FOR NO KEY UPDATE SKIP LOCKED)
                RETURNING 1),
            seen_users AS (
                UPDATE users SET last_seen_at = $3::bigint WHERE id IN (
                    SELECT id FROM users WHERE id = ANY ($2::uuid[])
                    AND (last_seen_at IS NULL OR last_seen_at < $4::bigint)
                    FOR NO KEY UPDATE SKIP LOCKED)
                RETURNING 1)
            SELECT (SELECT count(*) FROM used_tokens), (SELECT count(*) FROM seen_users)
            """
    )
    static let tokenUsage = PreparedStatement(
        name: "byok_token_usage",
        sql: """
            SELECT t.last_used_at, u.last_seen_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = $1
            """
    )
}
