import Crypto

/// A provider key as stored: its ciphertext, nonce and the version of the key that sealed it (CONTRACT.md §3.5).
package struct StoredKey: Equatable, Sendable {
    /// The provider name (one of CONTRACT.md §4's ten).
    package var provider: String
    /// Nonce and ciphertext with tag.
    package var sealed: AES256GCM.SealedBox
    /// 16 lower-case hex characters naming the encryption key (§3.5).
    package var keyVersion: String

    /// Wraps stored parts.
    package init(provider: String, sealed: AES256GCM.SealedBox, keyVersion: String) {
        self.provider = provider
        self.sealed = sealed
        self.keyVersion = keyVersion
    }
}

/// The secret-check record (CONTRACT.md §3.5): proves at start-up that `ENCRYPTION_SECRET` is the database's.
package struct SecretCheck: Equatable, Sendable {
    /// Nonce and ciphertext with tag of the check text.
    package var sealed: AES256GCM.SealedBox
    /// The version of the key that sealed it.
    package var keyVersion: String
}

/// A stored key with its owner, as `rotate-secret` walks them.
package struct OwnedKey: Equatable, Sendable {
    /// The user the key belongs to.
    package var userID: String
    /// The stored key.
    package var key: StoredKey
}

/// Where a walk over stored keys stands: the last (user, provider) seen.
package struct KeyPosition: Equatable, Sendable {
    /// The user id of the last key seen.
    package var userID: String
    /// Its provider.
    package var provider: String

    /// A position after `key`.
    package init(after key: OwnedKey) {
        userID = key.userID
        provider = key.key.provider
    }
}
