import Crypto

/// The key material of one identity (CONTRACT.md §7.2): the first 16 bytes of HMAC-SHA-256(K_rl, identity). Rate
/// limit state holds only this, never an IP address or a token. Two words, so the in-process store hashes and
/// compares it without allocating.
package struct RateLimitKey: Hashable, Sendable {
    package let high: UInt64
    package let low: UInt64

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The first 16 bytes of `code`, big-endian into the two words.
    init(code: UnsafeRawBufferPointer) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 { high = high << 8 | UInt64(code[index]) }
        for index in 8..<16 { low = low << 8 | UInt64(code[index]) }
        self.init(high: high, low: low)
    }

    /// Lower-case hex of the 16 bytes (§7.2), as Redis key names carry it.
    package var hex: String {
        String(unsafeUninitializedCapacity: 32) { text in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { digits in
                for (offset, word) in [high, low].enumerated() {
                    for nibble in 0..<16 {
                        text[offset * 16 + nibble] = digits[Int(word >> UInt64(60 - 4 * nibble) & 0xF)]
                    }
                }
            }
            return 32
        }
    }
}

/// Makes `RateLimitKey`s under K_rl = HKDF-SHA-256(IKM `ENCRYPTION_SECRET`, salt `ENCRYPTION_SALT`, info
/// `byok-relay/rate-limit/v1`, L = 32), all UTF-8 (§7.2). Replicas sharing the secret share counters; a new secret
/// starts fresh ones. Immutable; shared by every loop.
package final class RateLimitKeyMaker: Sendable {
    /// The HKDF info of §7.2.
    package static let info = "byok-relay/rate-limit/v1"

    private let key: HMACSHA256.PreparedKey

    package init(encryptionSecret: String, salt: String) throws(CryptoError) {
        let secret = SecretBytes(copying: encryptionSecret.utf8)
        let derived = try HKDFSHA256.deriveKey(
            from: secret,
            salt: Array(salt.utf8),
            info: Array(Self.info.utf8),
            count: 32
        )
        key = try HMACSHA256.PreparedKey(derived)
    }

    /// The key material of `identity`: a client IP's identity text (`ClientAddress`) or a token's stored digest.
    package func key(for identity: String) -> RateLimitKey {
        // HMAC cannot fail once its key is prepared but for memory exhaustion; an all-zero key then shares one
        // counter, which limits more, never less.
        let made = try? key.withAuthenticationCode(for: identity.utf8) { RateLimitKey(code: $0) }
        return made ?? RateLimitKey(high: 0, low: 0)
    }
}
