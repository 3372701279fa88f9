import Crypto

/// Encrypts provider keys at rest and recognises the secret a database was set up with (CONTRACT.md §3.5).
///
/// `K = HKDF-SHA-256(ENCRYPTION_SECRET, ENCRYPTION_SALT, "byok-relay/provider-key/v1")`, computed once. Every
/// ciphertext records the version of the key that made it, so a reader picks K or K_previous by that value and never
/// tries keys one after another. Immutable after `init`, so it is shared by every loop.
package final class KeyVault: Sendable {
    /// One derived key and the version string that names it.
    private final class VersionedKey: Sendable {
        let version: String
        let cipher: AES256GCM

        init(secret: String, salt: String) throws(CryptoError) {
            let master = SecretBytes(copying: secret.utf8)
            let derived = try HKDFSHA256.deriveKey(
                from: master,
                salt: Array(salt.utf8),
                info: Array("byok-relay/provider-key/v1".utf8),
                count: AES256GCM.keyCount
            )
            let versionCode = try HMACSHA256.authenticationCode(for: "byok-relay/key-version".utf8, key: derived)
            version = HexBytes.lowercase(versionCode.prefix(8))
            cipher = try AES256GCM(key: derived)
        }
    }

    private let current: VersionedKey
    private let previous: VersionedKey?

    /// Derives K from `secret` and, during a rotation, K_previous from `previousSecret`; both with `salt`.
    package init(secret: String, previousSecret: String?, salt: String) throws(CryptoError) {
        current = try VersionedKey(secret: secret, salt: salt)
        previous = try previousSecret.map { (secret) throws(CryptoError) in try VersionedKey(secret: secret, salt: salt)
        }
    }

    /// The version new ciphertexts are written under.
    package var currentVersion: String { current.version }

    /// The version of the previous secret's key, when one is configured.
    package var previousVersion: String? { previous?.version }

    /// Encrypts `plaintext` for `provider` of `userID` under K with a fresh nonce.
    package func seal(_ plaintext: borrowing SecretBytes, userID: String, provider: String) throws(VaultError)
        -> StoredKey
    {
        do {
            let box = try current.cipher.seal(plaintext, additionalData: Self.keyAdditionalData(userID, provider))
            return StoredKey(provider: provider, sealed: box, keyVersion: current.version)
        } catch {
            throw .encryptionFailed
        }
    }

    /// Decrypts a stored key of `userID`. A tampered or swapped row, or one made under a secret no longer configured,
    /// fails with `.undecryptable` and releases no byte.
    package func open(_ key: StoredKey, userID: String) throws(VaultError) -> SecretBytes {
        guard let versioned = versionedKey(key.keyVersion) else { throw .undecryptable }
        do {
            return try versioned.cipher.open(key.sealed, additionalData: Self.keyAdditionalData(userID, key.provider))
        } catch {
            throw .undecryptable
        }
    }

    /// Re-encrypts a key stored under K_previous (or K) under K, for `rotate-secret`.
    package func reseal(_ key: StoredKey, userID: String) throws(VaultError) -> StoredKey {
        let plaintext = try open(key, userID: userID)
        return try seal(plaintext, userID: userID, provider: key.provider)
    }

    /// A new secret-check record under K.
    package func makeSecretCheck() throws(VaultError) -> SecretCheck {
        do {
            let box = try current.cipher.seal(
                SecretBytes(copying: Self.secretCheckText.utf8),
                additionalData: Self.secretCheckAdditionalData
            )
            return SecretCheck(sealed: box, keyVersion: current.version)
        } catch {
            throw .encryptionFailed
        }
    }

    /// Whether `check` decrypts to the expected text under the key its version names.
    package func verifies(_ check: SecretCheck) -> Bool {
        guard let versioned = versionedKey(check.keyVersion),
            let opened = try? versioned.cipher.open(check.sealed, additionalData: Self.secretCheckAdditionalData)
        else { return false }
        return opened.withUnsafeBytes { bytes in bytes.elementsEqual(Self.secretCheckText.utf8) }
    }

    private func versionedKey(_ version: String) -> VersionedKey? {
        if version == current.version { return current }
        if let previous, version == previous.version { return previous }
        return nil
    }

    private static let secretCheckText = "byok-relay secret check"
    private static let secretCheckAdditionalData = Array("byok-relay/v1\u{0}secret-check".utf8)

    /// `byok-relay/v1`, 0x00, the user id, 0x00, the provider name: a ciphertext moved to another row fails.
    static func keyAdditionalData(_ userID: String, _ provider: String) -> [UInt8] {
        var data = Array("byok-relay/v1".utf8)
        data.append(0)
        data.append(contentsOf: userID.utf8)
        data.append(0)
        data.append(contentsOf: provider.utf8)
        return data
    }
}

/// Why the vault could not do its work. No payload: nothing about a key can travel in an error.
package enum VaultError: Error, Equatable, Sendable {
    /// OpenSSL could not encrypt (random generator or cipher failure).
    case encryptionFailed
    /// The stored ciphertext did not authenticate under the key its version names, or that key is not configured.
    case undecryptable
}
