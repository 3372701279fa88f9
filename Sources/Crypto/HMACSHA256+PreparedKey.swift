import COpenSSL

extension HMACSHA256 {
    /// An HMAC-SHA-256 key set up once for many messages: the keyed context is made at `init`, and each code is
    /// computed on a duplicate of it (`EVP_MAC_CTX_dup`), which skips fetching the algorithm and hashing the key
    /// for every message. For hot paths that MAC every request (rate-limit keys, CONTRACT.md §7.2).
    // Sendable: the template context is written only in `init`; afterwards it is only read, by EVP_MAC_CTX_dup
    // (whose source is `const`), which OpenSSL allows from several threads at once. It is freed in `deinit`, when
    // no other reference can exist.
    package final class PreparedKey: @unchecked Sendable {
        private let template: OpaquePointer

        /// Prepares `key`. OpenSSL keeps its own copy of the key inside the context and cleanses it on free.
        package init(_ key: borrowing SecretBytes) throws(CryptoError) {
            guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw .keyDerivationFailed }
            defer { EVP_MAC_free(mac) }
            guard let context = EVP_MAC_CTX_new(mac) else { throw .keyDerivationFailed }
            let digestSet = OpenSSLParameter.setUTF8("digest", "SHA256") { list in
                EVP_MAC_CTX_set_params(context, list)
            }
            let keyed =
                digestSet
                && key.withUnsafeBytes { bytes in
                    EVP_MAC_init(context, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, nil)
                        == 1
                }
            guard keyed else {
                EVP_MAC_CTX_free(context)
                throw .keyDerivationFailed
            }
            template = context
        }

        deinit { EVP_MAC_CTX_free(template) }

        /// The 32-byte HMAC-SHA-256 of `message` under the prepared key.
        package func authenticationCode(for message: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
            guard let context = EVP_MAC_CTX_dup(template) else { throw .keyDerivationFailed }
            defer { EVP_MAC_CTX_free(context) }
            let absorbed = message.withContiguousBytes { bytes in
                bytes.isEmpty
                    || EVP_MAC_update(context, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
                        == 1
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
}
