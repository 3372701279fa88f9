import COpenSSL

/// AES-256-GCM with a fresh 12-byte nonce per seal (RAND_bytes) and a 16-byte tag; AAD supplied by the caller.
///
/// Encrypts provider keys at rest (CONTRACT.md §3.5). Each call makes and frees its own EVP_CIPHER_CTX, so the
/// value holds no C handle and may be used from any thread.
package struct AES256GCM: ~Copyable, Sendable {
    /// The key length AES-256 requires.
    package static let keyCount = 32
    /// GCM's recommended 96-bit nonce: used as the counter's initial block directly, with no extra GHASH pass.
    package static let nonceCount = 12
    /// The full 128-bit tag; shorter tags weaken authentication.
    package static let tagCount = 16

    /// An encrypted value as stored: the nonce and the ciphertext with the tag appended.
    package struct SealedBox: Equatable, Sendable {
        /// The 12-byte nonce this box was sealed with.
        package var nonce: [UInt8]
        /// The ciphertext (as long as the plaintext) followed by the 16-byte tag.
        package var ciphertextAndTag: [UInt8]

        /// Wraps stored parts; nothing is checked until `open`.
        package init(nonce: [UInt8], ciphertextAndTag: [UInt8]) {
            self.nonce = nonce
            self.ciphertextAndTag = ciphertextAndTag
        }
    }

    /// The 32-byte key, wiped when this value goes away.
    private let key: SecretBytes

    /// Takes ownership of `key`, which must be 32 bytes, else `.invalidInput` (and the key is wiped).
    package init(key: consuming SecretBytes) throws(CryptoError) {
        guard key.count == Self.keyCount else { throw .invalidInput }
        self.key = key
    }

    /// Encrypts `plaintext` under a fresh random nonce, authenticating `additionalData` with it.
    package func seal(_ plaintext: borrowing SecretBytes, additionalData: [UInt8]) throws(CryptoError) -> SealedBox {
        let nonce = try SecureRandom.bytes(Self.nonceCount)
        return try seal(plaintext, additionalData: additionalData, nonce: nonce)
    }

    /// Encrypts with a given nonce. Internal: reusing a nonce under one key breaks GCM, so only
    /// `seal(_:additionalData:)` (and known-answer tests) may choose it.
    func seal(
        _ plaintext: borrowing SecretBytes,
        additionalData: [UInt8],
        nonce: [UInt8]
    ) throws(CryptoError) -> SealedBox {
        guard nonce.count == Self.nonceCount, Int32(exactly: additionalData.count) != nil,
            let plaintextLength = Int32(exactly: plaintext.count)
        else { throw .invalidInput }
        guard let context = EVP_CIPHER_CTX_new() else { throw .encryptionFailed }
        // Freeing the context cleanses the expanded key schedule.
        defer { EVP_CIPHER_CTX_free(context) }
        guard start(context, encrypting: true, nonce: nonce), absorb(additionalData, into: context) else {
            throw .encryptionFailed
        }
        var output = [UInt8](repeating: 0, count: plaintext.count + Self.tagCount)
        let sealed = plaintext.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return false }
                var written: Int32 = 0
                if plaintextLength > 0 {
                    let updated = EVP_EncryptUpdate(
                        context,
                        base,
                        &written,
                        input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        plaintextLength
                    )
                    guard updated == 1, written == plaintextLength else { return false }
                }
                var finalWritten: Int32 = 0
                guard EVP_EncryptFinal_ex(context, base + Int(written), &finalWritten) == 1, finalWritten == 0 else {
                    return false
                }
                let tag = base + Int(plaintextLength)
                return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagCount), tag) == 1
            }
        }
        guard sealed else { throw .encryptionFailed }
        return SealedBox(nonce: nonce, ciphertextAndTag: output)
    }

    /// Decrypts `box` and checks its tag over the ciphertext and `additionalData`. Any tampering, truncation, other
    /// key or other additional data gives `.authenticationFailed`, and no plaintext byte is released.
    package func open(_ box: SealedBox, additionalData: [UInt8]) throws(CryptoError) -> SecretBytes {
        // A box of the wrong shape was not made by `seal`: it fails authentication like any other tampering.
        guard box.nonce.count == Self.nonceCount, box.ciphertextAndTag.count >= Self.tagCount,
            let ciphertextLength = Int32(exactly: box.ciphertextAndTag.count - Self.tagCount),
            Int32(exactly: additionalData.count) != nil
        else { throw .authenticationFailed }
        guard let context = EVP_CIPHER_CTX_new() else { throw .authenticationFailed }
        defer { EVP_CIPHER_CTX_free(context) }
        guard start(context, encrypting: false, nonce: box.nonce), absorb(additionalData, into: context) else {
            throw .authenticationFailed
        }
        // The plaintext is written straight into SecretBytes, which wipes it if the tag check below fails.
        return try SecretBytes(count: Int(ciphertextLength)) { (output) throws(CryptoError) in
            let opened = box.ciphertextAndTag.withUnsafeBufferPointer { input in
                guard let inputBase = input.baseAddress,
                    let outputBase = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
                else { return false }
                var written: Int32 = 0
                if ciphertextLength > 0 {
                    let updated = EVP_DecryptUpdate(context, outputBase, &written, inputBase, ciphertextLength)
                    guard updated == 1, written == ciphertextLength else { return false }
                }
                // OpenSSL's ctrl takes a non-const pointer but only reads the expected tag from it.
                let tag = UnsafeMutableRawPointer(mutating: inputBase + Int(ciphertextLength))
                guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagCount), tag) == 1 else {
                    return false
                }
                var finalWritten: Int32 = 0
                return EVP_DecryptFinal_ex(context, outputBase + Int(written), &finalWritten) == 1
            }
            guard opened else { throw .authenticationFailed }
        }
    }

    /// Selects AES-256-GCM, sets the 12-byte nonce length, then installs key and nonce.
    private func start(_ context: OpaquePointer, encrypting: Bool, nonce: [UInt8]) -> Bool {
        let initialise = encrypting ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        guard initialise(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceCount), nil) == 1
        else { return false }
        return key.withUnsafeBytes { keyBytes in
            nonce.withUnsafeBufferPointer { nonceBytes in
                initialise(
                    context,
                    nil,
                    nil,
                    keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    nonceBytes.baseAddress
                ) == 1
            }
        }
    }

    /// Feeds the additional authenticated data: an update with no output buffer is how OpenSSL takes AAD.
    private func absorb(_ additionalData: [UInt8], into context: OpaquePointer) -> Bool {
        guard !additionalData.isEmpty else { return true }
        return additionalData.withUnsafeBufferPointer { bytes in
            var written: Int32 = 0
            // EVP_EncryptUpdate and EVP_DecryptUpdate behave alike for AAD; the length was checked to fit an int.
            return EVP_CipherUpdate(context, nil, &written, bytes.baseAddress, Int32(bytes.count)) == 1
        }
    }
}
