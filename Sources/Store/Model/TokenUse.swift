/// A successful token check, to be written as the token's `last_used_at` and its user's `last_seen_at` (CONTRACT.md
/// §8.1): batched with the request records, never on the request path.
package struct TokenUse: Hashable, Sendable {
    /// The digest the token was found under.
    package var tokenDigest: String
    /// The token's user (a UUID v4).
    package var userID: String

    /// The shortest time between two writes of one token's or one user's last use: §8.1's "at most once an hour".
    package static let writeIntervalMilliseconds: Int64 = 3_600_000

    /// Groups the fields of a use.
    package init(tokenDigest: String, userID: String) {
        self.tokenDigest = tokenDigest
        self.userID = userID
    }

    /// Whether both backends can match the use as it is (a canonical UUID, no NUL in the digest); `touch` skips one
    /// that is not, without failing the others.
    var isStorable: Bool {
        RequestRecord.isCanonicalUUID(userID) && !tokenDigest.utf8.contains(0)
    }
}

/// What `touch` wrote: how many tokens got a new `last_used_at` and users a new `last_seen_at`.
package struct TouchCounts: Equatable, Sendable {
    /// Tokens written.
    package var tokens: Int
    /// Users written.
    package var users: Int

    /// Groups the counts.
    package init(tokens: Int, users: Int) {
        self.tokens = tokens
        self.users = users
    }
}

/// The stored last-use times of a token and its user (CONTRACT.md §8.1), in milliseconds since the epoch; nil until
/// first written.
package struct TokenUsage: Equatable, Sendable {
    /// The token's `last_used_at`.
    package var lastUsedAt: Int64?
    /// The user's `last_seen_at`.
    package var lastSeenAt: Int64?

    /// Groups the times.
    package init(lastUsedAt: Int64?, lastSeenAt: Int64?) {
        self.lastUsedAt = lastUsedAt
        self.lastSeenAt = lastSeenAt
    }
}
