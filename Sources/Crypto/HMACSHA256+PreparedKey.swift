import COpenSSL
import Synchronization

extension HMACSHA256 {
    /// An HMAC-SHA-256 key set up once for many messages, for hot paths that MAC every request (rate-limit keys,
    /// CONTRACT.md §7.2). The keyed context is made at `init`; each message is MACed on a context from a small pool,
    /// re-initialised with the key it already holds (`EVP_MAC_init` with a NULL key), so after warm-up a code costs
    /// neither an algorithm fetch, nor hashing the key, nor an allocation.
    // Sendable: the template context is written only in `init`, then only read by EVP_MAC_CTX_dup (whose source is
    // `const`, which OpenSSL allows from several threads at once); a pooled context is used by one thread at a time,
    // handed over under the pool's Mutex. Everything is freed in `deinit`, when no other reference can exist.
    package final class PreparedKey: @unchecked Sendable {
        /// Contexts kept for reuse at most; more concurrent callers than this get a fresh duplicate each.
        private static let poolLimit = 64
        private let template: OpaquePointer
        private let pool = Mutex<[PooledContext]>([])

        /// A context in the pool. Sendable: only the thread that took it from the pool uses it.
        private struct PooledContext: @unchecked Sendable {
            let pointer: OpaquePointer
        }

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

        deinit {
            for context in pool.withLock({ $0 }) { EVP_MAC_CTX_free(context.pointer) }
            EVP_MAC_CTX_free(template)
        }

        /// The 32-byte HMAC-SHA-256 of `message` under the prepared key.
        package func authenticationCode(for message: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
            try withAuthenticationCode(for: message) { Array($0) }
        }

        /// Lends the 32-byte HMAC-SHA-256 of `message` to `body` from a stack buffer (no allocation); the pointer
        /// must not outlive the call.
        package func withAuthenticationCode<Result>(
            for message: some Collection<UInt8>,
            _ body: (UnsafeRawBufferPointer) -> Result
        ) throws(CryptoError) -> Result {
            guard let context = pool.withLock({ $0.popLast()?.pointer }) ?? EVP_MAC_CTX_dup(template) else {
                throw .keyDerivationFailed
            }
            defer {
                let returned = PooledContext(pointer: context)
                let kept = pool.withLock { contexts in
                    guard contexts.count < Self.poolLimit else { return false }
                    contexts.append(returned)
                    return true
                }
                if !kept { EVP_MAC_CTX_free(context) }
            }
            // A NULL key re-initialises with the key the context holds (EVP_MAC_init(3)).
            guard EVP_MAC_init(context, nil, 0, nil) == 1 else { throw .keyDerivationFailed }
            let absorbed = message.withContiguousBytes { bytes in
                bytes.isEmpty
                    || EVP_MAC_update(context, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
                        == 1
            }
            guard absorbed else { throw .keyDerivationFailed }
            return try withUnsafeTemporaryAllocation(byteCount: codeCount, alignment: 1) {
                (code) throws(CryptoError) -> Result in
                var written = 0
                let finished =
                    EVP_MAC_final(context, code.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, code.count)
                    == 1
                guard finished, written == codeCount else { throw .keyDerivationFailed }
                return body(UnsafeRawBufferPointer(code))
            }
        }
    }
}
