import Crypto

/// Makes relay tokens and the keyed digests that are all the database ever holds of them (CONTRACT.md §2.1, §2.4,
/// E9). Immutable after `init`; shared by every loop.
package final class TokenDigester: Sendable {
    /// One HMAC key and the short id stored next to each digest it made (CONTRACT.md §8.1).
    package final class DigestKey: Sendable {
        /// The first 8 bytes of HMAC(key, "byok-relay/token-key-id") in hex: names the key without revealing it.
        package let id: String
        private let key: SecretBytes

        init(secret: String) throws(CryptoError) {
            key = SecretBytes(copying: secret.utf8)
            id = HexBytes.lowercase(
                try HMACSHA256.authenticationCode(for: "byok-relay/token-key-id".utf8, key: key).prefix(8)
            )
        }

        /// HMAC-SHA-256(key, token) in lower-case hex.
        package func digest(_ token: some Collection<UInt8>) throws(CryptoError) -> String {
            HexBytes.lowercase(try HMACSHA256.authenticationCode(for: token, key: key))
        }
    }

    /// The key new digests are made with: `TOKEN_HMAC_SECRET`, else `ENCRYPTION_SECRET`.
    package let current: DigestKey
    /// Keys tried, in order, when no digest under `current` matches (§2.4 step 5).
    package let fallbacks: [DigestKey]

    /// The token key and its fallbacks per §2.4 step 5: `ENCRYPTION_SECRET` when a different `TOKEN_HMAC_SECRET` is
    /// set; `ENCRYPTION_SECRET_PREVIOUS` when `TOKEN_HMAC_SECRET` is unset.
    package init(
        tokenHMACSecret: String?,
        encryptionSecret: String,
        previousEncryptionSecret: String?
    ) throws(CryptoError) {
        if let tokenHMACSecret {
            current = try DigestKey(secret: tokenHMACSecret)
            fallbacks = tokenHMACSecret == encryptionSecret ? [] : [try DigestKey(secret: encryptionSecret)]
        } else {
            current = try DigestKey(secret: encryptionSecret)
            fallbacks =
                try previousEncryptionSecret.map { (secret) throws(CryptoError) in [try DigestKey(secret: secret)] }
                ?? []
        }
    }

    /// A fresh token: `br_` and 43 base64url characters of 32 random bytes (§2.1).
    package static func makeToken() throws(CryptoError) -> String {
        "br_" + Base64URL.encode(try SecureRandom.bytes(32))
    }
}
