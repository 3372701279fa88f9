import COpenSSL

/// Bytes from OpenSSL's cryptographically secure generator (RAND_bytes), for nonces, tokens and keys.
package enum SecureRandom {
    /// `count` random bytes for values that are not secret once used (nonces) or are handed on at once (tokens).
    package static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        guard count >= 0 else { throw .invalidInput }
        var result = [UInt8](repeating: 0, count: count)
        let filled = result.withUnsafeMutableBytes { buffer in fill(buffer) }
        guard filled else { throw .randomUnavailable }
        return result
    }

    /// `count` random bytes of key material, never held outside `SecretBytes`.
    package static func secret(_ count: Int) throws(CryptoError) -> SecretBytes {
        guard count >= 0 else { throw .invalidInput }
        return try SecretBytes(count: count) { (buffer) throws(CryptoError) in
            guard fill(buffer) else { throw .randomUnavailable }
        }
    }

    /// RAND_bytes takes an `int` length; larger requests are refused rather than truncated.
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard buffer.count > 0 else { return true }
        guard let base = buffer.baseAddress, let length = Int32(exactly: buffer.count) else { return false }
        return RAND_bytes(base.assumingMemoryBound(to: UInt8.self), length) == 1
    }
}
