import COpenSSL

/// HMAC-SHA-256 through OpenSSL 3's EVP_MAC interface ("HMAC" with digest "SHA256"), not the deprecated HMAC().
package enum HMACSHA256 {
    /// The length of an authentication code in bytes.
    package static let codeCount = 32

    /// The 32-byte HMAC-SHA-256 of `message` under `key`.
    package static func authenticationCode(
        for message: some Collection<UInt8>,
        key: borrowing SecretBytes
    ) throws(CryptoError) -> [UInt8] {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw .keyDerivationFailed }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { throw .keyDerivationFailed }
        // Freeing the context also cleanses the copy of the key OpenSSL made in EVP_MAC_init.
        defer { EVP_MAC_CTX_free(context) }
        let digestSet = OpenSSLParameter.setUTF8("digest", "SHA256") { list in
            EVP_MAC_CTX_set_params(context, list)
        }
        guard digestSet else { throw .keyDerivationFailed }
        let keyed = key.withUnsafeBytes { keyBytes in
            EVP_MAC_init(context, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), keyBytes.count, nil) == 1
        }
        guard keyed else { throw .keyDerivationFailed }
        let absorbed = message.withContiguousBytes { bytes in
            bytes.isEmpty
                || EVP_MAC_update(context, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count) == 1
        }
        guard absorbed else { throw .keyDerivationFailed }
        var code = [UInt8](repeating: 0, count: codeCount)
        var written = 0
        let finished = code.withUnsafeMutableBufferPointer { buffer in
            EVP_MAC_final(context, buffer.baseAddress, &written, buffer.count) == 1
        }
        guard finished, written == codeCount else { throw .keyDerivationFailed }
        return code
    }
}
