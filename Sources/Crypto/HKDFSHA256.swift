import COpenSSL

/// HKDF-SHA-256 (RFC 5869) through OpenSSL 3's EVP_KDF interface ("HKDF"), used to derive the provider-key
/// encryption key from ENCRYPTION_SECRET (CONTRACT.md §3.5).
package enum HKDFSHA256 {
    /// RFC 5869 §2.3: at most 255 blocks of the hash's output length.
    package static let maximumCount = 255 * 32

    /// Extracts from `secret` with `salt`, then expands with `info` to `count` bytes written straight into the
    /// returned `SecretBytes`, so no other buffer ever holds the derived key.
    package static func deriveKey(
        from secret: borrowing SecretBytes,
        salt: [UInt8],
        info: [UInt8],
        count: Int
    ) throws(CryptoError) -> SecretBytes {
        guard count > 0, count <= maximumCount else { throw .invalidInput }
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { throw .keyDerivationFailed }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { throw .keyDerivationFailed }
        // Freeing the context cleanses OpenSSL's copies of the secret, salt and info.
        defer { EVP_KDF_CTX_free(context) }
        let apply = { (list: UnsafePointer<OSSL_PARAM>) -> Int32 in EVP_KDF_CTX_set_params(context, list) }
        guard OpenSSLParameter.setUTF8("digest", "SHA256", apply) else { throw .keyDerivationFailed }
        let keySet = secret.withUnsafeBytes { bytes in OpenSSLParameter.setOctets("key", bytes, apply) }
        guard keySet else { throw .keyDerivationFailed }
        // An empty salt or info is simply not set: OpenSSL then uses RFC 5869's defaults (zero salt, empty info).
        if !salt.isEmpty {
            let saltSet = salt.withUnsafeBytes { bytes in OpenSSLParameter.setOctets("salt", bytes, apply) }
            guard saltSet else { throw .keyDerivationFailed }
        }
        if !info.isEmpty {
            let infoSet = info.withUnsafeBytes { bytes in OpenSSLParameter.setOctets("info", bytes, apply) }
            guard infoSet else { throw .keyDerivationFailed }
        }
        return try SecretBytes(count: count) { (output) throws(CryptoError) in
            let derived = EVP_KDF_derive(
                context,
                output.baseAddress?.assumingMemoryBound(to: UInt8.self),
                output.count,
                nil
            )
            guard derived == 1 else { throw .keyDerivationFailed }
        }
    }
}
