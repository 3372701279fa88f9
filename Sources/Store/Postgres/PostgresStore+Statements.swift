/// The statements of `PostgresStore`, prepared once per connection. Parameters are text unless cast; bytea
/// parameters travel in binary and need their `::bytea`.
enum Statements {
    static let migrationTableExists = PreparedStatement(
        name: "byok_migration_table_exists",
        sql: "SELECT to_regclass('schema_migrations') IS NOT NULL"
    )
    static let schemaVersion = PreparedStatement(
        name: "byok_schema_version",
        sql: "SELECT coalesce(max(version), 0) FROM schema_migrations"
    )
    /// The user and its first token in one statement, so neither exists without the other.
    static let register = PreparedStatement(
        name: "byok_register",
        sql: """
            WITH new_user AS (
                INSERT INTO users (id, app_id, created_at) VALUES ($1::uuid, $2, $3::bigint) RETURNING id)
            INSERT INTO tokens (digest, hmac_key_id, user_id, created_at, expires_at)
            SELECT $4, $5, new_user.id, $3::bigint, $6::bigint FROM new_user
            """
    )
    static let account = PreparedStatement(
        name: "byok_account",
        sql: """
            SELECT t.user_id::text, u.app_id, t.expires_at, k.provider, k.ciphertext, k.nonce, k.key_version
            FROM tokens t JOIN users u ON u.id = t.user_id
            LEFT JOIN provider_keys k ON k.user_id = t.user_id
            WHERE t.digest = $1 AND t.revoked_at IS NULL
            """
    )
    static let replaceTokenDigest = PreparedStatement(
        name: "byok_replace_token_digest",
        sql: "UPDATE tokens SET digest = $1, hmac_key_id = $2 WHERE digest = $3"
    )
    static let revokeToken = PreparedStatement(
        name: "byok_revoke_token",
        sql: "UPDATE tokens SET revoked_at = $2::bigint WHERE digest = $1 AND revoked_at IS NULL"
    )
    static let deleteUser = PreparedStatement(
        name: "byok_delete_user",
        sql: "DELETE FROM users WHERE id = $1::uuid"
    )
    /// `xmax` is non-zero only on a row the upsert updated: whether a key existed, judged in the same statement.
    static let putKey = PreparedStatement(
        name: "byok_put_key",
        sql: """
            INSERT INTO provider_keys (user_id, provider, ciphertext, nonce, key_version, created_at, updated_at)
            VALUES ($1::uuid, $2, $3::bytea, $4::bytea, $5, $6::bigint, $6::bigint)
            ON CONFLICT (user_id, provider) DO UPDATE SET
                ciphertext = EXCLUDED.ciphertext, nonce = EXCLUDED.nonce,
                key_version = EXCLUDED.key_version, updated_at = EXCLUDED.updated_at
            RETURNING xmax <> 0
            """
    )
    static let deleteKey = PreparedStatement(
        name: "byok_delete_key",
        sql: "DELETE FROM provider_keys WHERE user_id = $1::uuid AND provider = $2"
    )
    static let keysNotUnder = PreparedStatement(
        name: "byok_keys_not_under",
        sql: """
            SELECT user_id::text, provider, ciphertext, nonce, key_version FROM provider_keys
            WHERE key_version <> $1 AND ($2::uuid IS NULL OR (user_id, provider) > ($2::uuid, $3::text))
            ORDER BY user_id, provider LIMIT $4::bigint
            """
    )
    static let replaceKey = PreparedStatement(
        name: "byok_replace_key",
        sql: """
            UPDATE provider_keys SET ciphertext = $1::bytea, nonce = $2::bytea, key_version = $3, updated_at = $4::bigint
            WHERE user_id = $5::uuid AND provider = $6 AND nonce = $7::bytea AND ciphertext = $8::bytea
            """
    )
    static let secretCheck = PreparedStatement(
        name: "byok_secret_check",
        sql: "SELECT ciphertext, nonce, key_version FROM secret_check WHERE id = 1"
    )
    static let insertSecretCheck = PreparedStatement(
        name: "byok_insert_secret_check",
        sql: """
            INSERT INTO secret_check (id, ciphertext, nonce, key_version) VALUES (1, $1::bytea, $2::bytea, $3)
            ON CONFLICT (id) DO NOTHING
            """
    )
    static let replaceSecretCheck = PreparedStatement(
        name: "byok_replace_secret_check",
        sql: "UPDATE secret_check SET ciphertext = $1::bytea, nonce = $2::bytea, key_version = $3 WHERE id = 1"
    )
    static let tokenDigestCounts = PreparedStatement(
        name: "byok_token_digest_counts",
        sql: "SELECT count(*), count(*) FILTER (WHERE hmac_key_id = $1) FROM tokens"
    )
    /// A batch of request records as one array per column, unnested into rows. Only rows whose user exists are
    /// inserted; `FOR KEY SHARE` locks those users until the statement commits, so a user deleted meanwhile is either
    /// skipped here (its row is re-checked after the deleter commits) or deleted afterwards with these records, and
    /// the foreign key never fails the batch.
    static let insertRecords = PreparedStatement(
        name: "byok_insert_records",
        sql: """
            INSERT INTO request_records (user_id, app_id, provider, model, status, latency_ms, created_at)
            SELECT r.user_id, r.app_id, r.provider, r.model, r.status, r.latency_ms, r.created_at
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::bigint[])
                AS r (user_id, app_id, provider, model, status, latency_ms, created_at)
            JOIN users u ON u.id = r.user_id
            FOR KEY SHARE OF u
            """
    )
    static let userStats = PreparedStatement(name: "byok_user_stats", sql: stats(where: "user_id = $1::uuid"))
    static let appStats = PreparedStatement(name: "byok_app_stats", sql: stats(where: "app_id = $1"))

    /// CONTRACT.md §9.4 in one statement, so every number comes from the same snapshot: a `summary` row, a row per
    /// provider and the top ten models (`COLLATE "C"` orders ties in byte order, as the SQLite store does). `$2` and
    /// `$3` are the starts of the 7- and 30-day windows. Columns as `StatsRow` reads them.
    private static func stats(where filter: String) -> String {
        let isError = "status NOT BETWEEN 200 AND 299"
        return """
            SELECT 'summary' AS kind, NULL::text AS name, count(*) AS total,
                count(*) FILTER (WHERE created_at >= $2::bigint) AS last_7d,
                count(*) FILTER (WHERE created_at >= $3::bigint) AS last_30d,
                count(*) FILTER (WHERE \(isError)) AS errors, max(created_at) AS last_request,
                count(DISTINCT user_id) AS users
            FROM request_records WHERE \(filter)
            UNION ALL
            SELECT 'provider', provider, count(*), 0, 0, count(*) FILTER (WHERE \(isError)), NULL, 0
            FROM request_records WHERE \(filter) GROUP BY provider
            UNION ALL
            SELECT * FROM (
                SELECT 'model', model, count(*), 0, 0, 0, NULL::bigint, 0 FROM request_records
                WHERE \(filter) AND model IS NOT NULL
                GROUP BY model ORDER BY count(*) DESC, model COLLATE "C" LIMIT \(RequestStats.topModelLimit)) AS top
            """
    }

    /// `pg_try_advisory_xact_lock` is held until the statement's own transaction ends: a replica that does not get it
    /// deletes nothing, so purge batches run on one replica at a time (CONTRACT.md §8.3).
    static let purgeRecords = PreparedStatement(
        name: "byok_purge_records",
        sql: """
            WITH turn AS (SELECT pg_try_advisory_xact_lock(\(purgeLockKey)) AS held)
            DELETE FROM request_records WHERE (SELECT held FROM turn) AND id IN (
                SELECT id FROM request_records WHERE created_at < $1::bigint LIMIT $2::bigint)
            """
    )
    /// A token stops being valid at the earlier of its revocation and its expiry (`least` skips NULLs); one with
    /// neither never does. Tokens, keys and records go with the user (ON DELETE CASCADE), and the triggers tell
    /// every replica to drop the user from its cache.
    static let purgeUsers = PreparedStatement(
        name: "byok_purge_users",
        sql: """
            WITH turn AS (SELECT pg_try_advisory_xact_lock(\(purgeLockKey)) AS held)
            DELETE FROM users WHERE (SELECT held FROM turn) AND id IN (
                SELECT u.id FROM users u WHERE NOT EXISTS (
                    SELECT 1 FROM tokens t WHERE t.user_id = u.id
                    AND coalesce(least(t.revoked_at, t.expires_at), $1::bigint) >= $1::bigint)
                LIMIT $2::bigint)
            """
    )
    /// Names the purge's advisory lock among the database's (the migrations use another).
    static let purgeLockKey = 0x6279_6f6b_7075_7267  // "byokpurg"

    static let ping = PreparedStatement(name: "byok_ping", sql: "SELECT 1")
}
