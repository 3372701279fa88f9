/// Compares a presented secret with the configured one in time independent of where they differ and of their
/// lengths (CONTRACT.md §1.3): HMAC both under a per-process random key, then ConstantTime.equals the digests.
///
/// Only the digest of the expected secret is kept, never the secret itself; the random key is made when the
/// comparator is (once per process, at start-up), so the digests mean nothing outside this process.
package final class SecretComparator: Sendable {
    /// The random HMAC key; lives as long as the comparator.
    private let key: SecretBytes
    /// HMAC-SHA-256 of the expected secret under `key`: always 32 bytes, whatever the secret's length.
    private let expectedCode: [UInt8]

    /// Makes the per-process key and digests `expected` (its UTF-8 bytes).
    package init(expected: String) throws(CryptoError) {
        let key = try SecureRandom.secret(HMACSHA256.codeCount)
        expectedCode = try HMACSHA256.authenticationCode(for: expected.utf8, key: key)
        self.key = key
    }

    /// True when `presented` equals the expected secret. Both sides are compared as fixed-length digests, so
    /// neither the position of the first difference nor the presented length shows in the timing. A failure inside
    /// OpenSSL counts as no match: an unverifiable credential is refused.
    package func matches(_ presented: some Collection<UInt8>) -> Bool {
        guard let code = try? HMACSHA256.authenticationCode(for: presented, key: key) else { return false }
        return ConstantTime.equals(code, expectedCode)
    }
}
