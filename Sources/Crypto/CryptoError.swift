/// Why a cryptographic operation failed. The cases carry no payload, so no key byte, plaintext or OpenSSL error
/// string can travel inside an error value (STYLE.md §6); OpenSSL's reason stays in its own error queue.
package enum CryptoError: Error, Equatable, Sendable {
    /// The system's secure random generator did not deliver (RAND_bytes failed).
    case randomUnavailable
    /// OpenSSL refused an HMAC or HKDF computation (algorithm unavailable, context or parameter failure).
    case keyDerivationFailed
    /// AES-256-GCM sealing failed inside OpenSSL.
    case encryptionFailed
    /// A sealed box did not authenticate: tampered, truncated, made under another key or other additional data.
    case authenticationFailed
    /// A size or length outside what the operation accepts (wrong key length, negative or oversized count).
    case invalidInput
}
