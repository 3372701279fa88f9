/// What a valid token leads to: its user and every key that user stored (CONTRACT.md §2.4). This is the unit the
/// lookup cache holds, so a relay request usually needs no database round trip.
package struct Account: Equatable, Sendable {
    /// The user's random UUID; never shown to clients.
    package var userID: String
    /// The label given at registration.
    package var appID: String
    /// The digest the token was found under.
    package var tokenDigest: String
    /// Milliseconds since the epoch after which the token is invalid; nil for a token that never expires.
    package var expiresAt: Int64?
    /// The user's stored keys, sorted by provider name in byte order.
    package var keys: [StoredKey]

    /// Assembles a lookup result; `keys` are sorted here so every backend yields the same order.
    package init(userID: String, appID: String, tokenDigest: String, expiresAt: Int64?, keys: [StoredKey]) {
        self.userID = userID
        self.appID = appID
        self.tokenDigest = tokenDigest
        self.expiresAt = expiresAt
        self.keys = keys.sorted { $0.provider.utf8.lexicographicallyPrecedes($1.provider.utf8) }
    }

    /// Whether the token is still valid at `now` (ms): valid while now ≤ `expires_at` (§2.1).
    package func isValid(at now: Int64) -> Bool {
        guard let expiresAt else { return true }
        return now <= expiresAt
    }

    /// The stored key for `provider`, if any.
    package func key(for provider: String) -> StoredKey? {
        keys.first { $0.provider == provider }
    }
}

/// A registration: a new user and its first token, written together or not at all.
package struct NewAccount: Equatable, Sendable {
    /// A fresh UUID v4.
    package var userID: String
    /// The validated `app_id`.
    package var appID: String
    /// HMAC of the token under the current token key.
    package var tokenDigest: String
    /// The id of that key (CONTRACT.md §8.1).
    package var tokenKeyID: String
    /// Milliseconds since the epoch.
    package var createdAt: Int64
    /// Milliseconds since the epoch, or nil when tokens never expire.
    package var expiresAt: Int64?

    /// Groups the fields of a registration.
    package init(
        userID: String,
        appID: String,
        tokenDigest: String,
        tokenKeyID: String,
        createdAt: Int64,
        expiresAt: Int64?
    ) {
        self.userID = userID
        self.appID = appID
        self.tokenDigest = tokenDigest
        self.tokenKeyID = tokenKeyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// What storing a key did (CONTRACT.md §3.1, §3.6 `rotated`).
package enum KeyWrite: Equatable, Sendable {
    /// There was no key for that provider.
    case inserted
    /// A key was replaced.
    case replaced
    /// The user no longer exists (deleted meanwhile); nothing was written.
    case userMissing
}

/// Counts for `token-hmac-status` (CONTRACT.md §10.3).
package struct TokenDigestCounts: Equatable, Sendable {
    /// Every stored token.
    package var total: Int
    /// Tokens whose digest is under the current token key.
    package var current: Int

    /// Groups the counts.
    package init(total: Int, current: Int) {
        self.total = total
        self.current = current
    }
}

/// What one purge batch deleted (CONTRACT.md §8.3).
package struct PurgeCounts: Equatable, Sendable {
    /// Request records past `REQUEST_LOG_RETENTION_DAYS`.
    package var records: Int
    /// Users without a valid token for longer than `EXPIRED_USER_RETENTION_DAYS`.
    package var users: Int

    /// Groups the counts.
    package init(records: Int, users: Int) {
        self.records = records
        self.users = users
    }
}
