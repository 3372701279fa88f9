import EventLoop

/// Everything the relay asks of its database (CONTRACT.md §2, §3, §5.10, §8, §9.4), implemented by `SQLiteStore` and
/// `PostgresStore`, which pass one shared test suite.
///
/// Every operation is atomic on its own: a registration writes the user and its token together, a user deletion
/// removes tokens, keys and records in one transaction, and nothing is half-written on a failure. Times are
/// milliseconds since the Unix epoch. Calls may come from any task; the PostgreSQL store uses the connection of the
/// loop the calling task runs on.
package protocol AccountStore: AnyObject, Sendable {
    /// `postgres` or `sqlite`, as `/readyz` names it (E6).
    var backendName: String { get }

    /// Creates the schema or brings it up to date; returns the versions applied. Serialised between processes.
    func migrate() async throws(StoreError) -> [Int]
    /// The highest applied migration (0 for an empty database).
    func schemaVersion() async throws(StoreError) -> Int

    /// Writes a new user and its first token, or nothing.
    func register(_ account: NewAccount) async throws(StoreError)
    /// The user and keys behind an unrevoked token digest; nil when none matches. Expiry is the caller's check.
    func account(tokenDigest: String) async throws(StoreError) -> Account?
    /// Replaces a stored digest by one under another key (the lazy re-hash of §2.4 step 5); false when `old` is gone.
    func replaceTokenDigest(_ old: String, with new: String, keyID: String) async throws(StoreError) -> Bool
    /// Marks an unrevoked token revoked; false when it was not found or already revoked.
    func revokeToken(digest: String, at time: Int64) async throws(StoreError) -> Bool
    /// Deletes the user with its tokens, keys and request records.
    func deleteUser(_ userID: String) async throws(StoreError)

    /// Stores or replaces the user's key for `key.provider`.
    func putKey(_ key: StoredKey, userID: String, at time: Int64) async throws(StoreError) -> KeyWrite
    /// Removes the user's key for `provider`, if any.
    func deleteKey(provider: String, userID: String) async throws(StoreError)

    /// Up to `limit` keys whose version is not `version`, ordered by user and provider, starting after `position`
    /// (exclusive) when given: `rotate-secret` walks them in batches and can skip rows it cannot decrypt.
    func keys(notUnder version: String, after position: KeyPosition?, limit: Int) async throws(StoreError) -> [OwnedKey]
    /// Replaces `old` by `new` only if the row still holds exactly `old` (a user's own write meanwhile wins).
    func replaceKey(_ old: OwnedKey, with new: StoredKey, at time: Int64) async throws(StoreError) -> Bool

    /// The secret-check record, if one is stored.
    func secretCheck() async throws(StoreError) -> SecretCheck?
    /// Stores `check` unless a record exists; returns the record stored afterwards (ours or the earlier one).
    func insertSecretCheck(_ check: SecretCheck) async throws(StoreError) -> SecretCheck
    /// Replaces the record (the last step of `rotate-secret`).
    func replaceSecretCheck(_ check: SecretCheck) async throws(StoreError)

    /// How many token digests are under `currentKeyID` (CONTRACT.md §10.3 `token-hmac-status`).
    func tokenDigestCounts(currentKeyID: String) async throws(StoreError) -> TokenDigestCounts

    /// Writes a batch of request records (CONTRACT.md §5.10) in one statement or transaction; returns how many were
    /// written. A record whose user no longer exists is dropped (an erased account leaves no record behind), as is
    /// one that cannot be stored (`RequestRecord.isStorable`); neither fails the others.
    func insertRecords(_ records: [RequestRecord]) async throws(StoreError) -> Int
    /// Writes successful token checks (CONTRACT.md §8.1): `last_used_at` of each token and `last_seen_at` of each
    /// user become `time`, except where the stored time is less than `TokenUse.writeIntervalMilliseconds` before
    /// `time` (written within the hour, by this process or another replica). One statement (PostgreSQL) or
    /// transaction (SQLite) per call; a token or user that no longer exists is skipped, as is a use that is not
    /// storable. Changes nothing a cached lookup depends on, so no replica's cache is invalidated (no notification).
    /// On PostgreSQL a row another transaction holds locked (being revoked or deleted) is skipped, never waited for.
    func touch(_ uses: [TokenUse], at time: Int64) async throws(StoreError) -> TouchCounts
    /// The stored last-use times of the token with `digest` (revoked or not) and its user; nil when there is none.
    func tokenUsage(digest: String) async throws(StoreError) -> TokenUsage?

    /// `GET /stats` for one user over its retained records (§9.4); the 7- and 30-day windows end at `now` (ms).
    func userStats(userID: String, now: Int64) async throws(StoreError) -> RequestStats
    /// `GET /stats/:app_id` for one app over its retained records (§9.4); the windows end at `now` (ms).
    func appStats(appID: String, now: Int64) async throws(StoreError) -> RequestStats

    /// The retention purge of CONTRACT.md §8.3, one bounded batch: deletes up to `limit` request records created
    /// before `recordsBefore` and up to `limit` users whose every token was revoked or expired before `usersBefore`
    /// (each user with everything of theirs); nil skips that part. Returns how many of each went. On PostgreSQL a
    /// batch runs on one replica at a time (a transaction-level advisory lock); another replica's batch deletes
    /// nothing meanwhile.
    func purge(recordsBefore: Int64?, usersBefore: Int64?, limit: Int) async throws(StoreError) -> PurgeCounts

    /// A cheap query proving the database answers (for `/health` and `/readyz`).
    func ping() async throws(StoreError)

    /// Reports changes made by other processes (CONTRACT.md §8.5): `changed` with a user id whose cached lookups
    /// are stale, `resynchronise` when notifications may have been missed (the cache must be emptied). Both run on
    /// `loop`. A backend only one process uses reports nothing.
    func watchChanges(
        on loop: Loop,
        changed: @escaping @Sendable (String) -> Void,
        resynchronise: @escaping @Sendable () -> Void
    )

    /// Releases connections and threads. Further calls fail with `.unavailable`.
    func close()
}
