import Testing

@testable import Crypto

@Suite struct AES256GCMTests {
    private static let aad = Array("byok-relay/v1\u{0}user-1\u{0}openai".utf8)

    private func cipher(_ key: [UInt8] = [UInt8](repeating: 0x42, count: 32)) throws -> AES256GCM {
        try AES256GCM(key: SecretBytes(copying: key))
    }

    private func bytes(_ secret: borrowing SecretBytes) -> [UInt8] {
        secret.withUnsafeBytes { Array($0) }
    }

    @Test func roundTrip() throws {
        let gcm = try cipher()
        for text in ["", "k", "sk-proj-0123456789abcdefghijklmnopqrstuvwxyz"] {
            let box = try gcm.seal(SecretBytes(copying: text.utf8), additionalData: Self.aad)
            #expect(box.nonce.count == 12)
            #expect(box.ciphertextAndTag.count == text.utf8.count + 16)
            // A one-byte ciphertext equals its plaintext by chance once in 256 seals: only long texts are compared.
            #expect(box.ciphertextAndTag.prefix(text.utf8.count) != Array(text.utf8)[...] || text.utf8.count < 8)
            let opened = try gcm.open(box, additionalData: Self.aad)
            #expect(bytes(opened) == Array(text.utf8))
        }
    }

    // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 13, 14 and 16 (AES-256, 96-bit IV).
    @Test(arguments: [
        (
            String(repeating: "00", count: 32), String(repeating: "00", count: 12), "", "",
            "530f8afbc74536b9a963b4f1c4cb738b"
        ),
        (
            String(repeating: "00", count: 32), String(repeating: "00", count: 12), String(repeating: "00", count: 16),
            "", "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"
        ),
        (
            "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" + "76fc6ece0f4e1768cddf8853bb2d551b"
        ),
    ])
    func knownAnswer(key: String, nonce: String, plaintext: String, aad: String, expected: String) throws {
        let gcm = try cipher(hex(key))
        let box = try gcm.seal(SecretBytes(copying: hex(plaintext)), additionalData: hex(aad), nonce: hex(nonce))
        #expect(hexString(box.ciphertextAndTag) == expected)
        let opened = try gcm.open(
            AES256GCM.SealedBox(nonce: hex(nonce), ciphertextAndTag: hex(expected)),
            additionalData: hex(aad)
        )
        #expect(bytes(opened) == hex(plaintext))
    }

    @Test func freshNonceEverySeal() throws {
        let gcm = try cipher()
        let first = try gcm.seal(SecretBytes(copying: "same".utf8), additionalData: Self.aad)
        let second = try gcm.seal(SecretBytes(copying: "same".utf8), additionalData: Self.aad)
        #expect(first.nonce != second.nonce)
        #expect(first.ciphertextAndTag != second.ciphertextAndTag)
    }

    @Test func anySingleBitFlipFailsAuthentication() throws {
        let gcm = try cipher()
        let box = try gcm.seal(SecretBytes(copying: "sk-ant-secret".utf8), additionalData: Self.aad)
        // Ciphertext bits and tag bits are both inside ciphertextAndTag; every bit of every part is tried.
        for bit in 0..<(box.nonce.count * 8) {
            var tampered = box
            tampered.nonce[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: CryptoError.authenticationFailed) { _ = try gcm.open(tampered, additionalData: Self.aad) }
        }
        for bit in 0..<(box.ciphertextAndTag.count * 8) {
            var tampered = box
            tampered.ciphertextAndTag[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: CryptoError.authenticationFailed) { _ = try gcm.open(tampered, additionalData: Self.aad) }
        }
        for bit in 0..<(Self.aad.count * 8) {
            var aad = Self.aad
            aad[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: CryptoError.authenticationFailed) { _ = try gcm.open(box, additionalData: aad) }
        }
        #expect(try bytes(gcm.open(box, additionalData: Self.aad)) == Array("sk-ant-secret".utf8))
    }

    @Test func truncatedOrMissingAADFailsAuthentication() throws {
        let gcm = try cipher()
        let box = try gcm.seal(SecretBytes(copying: "value".utf8), additionalData: Self.aad)
        #expect(throws: CryptoError.authenticationFailed) { _ = try gcm.open(box, additionalData: []) }
        var short = box
        short.ciphertextAndTag.removeLast()
        #expect(throws: CryptoError.authenticationFailed) { _ = try gcm.open(short, additionalData: Self.aad) }
        var tiny = box
        tiny.ciphertextAndTag = Array(box.ciphertextAndTag.prefix(15))
        #expect(throws: CryptoError.authenticationFailed) { _ = try gcm.open(tiny, additionalData: Self.aad) }
        var longNonce = box
        longNonce.nonce.append(0)
        #expect(throws: CryptoError.authenticationFailed) { _ = try gcm.open(longNonce, additionalData: Self.aad) }
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let box = try cipher().seal(SecretBytes(copying: "value".utf8), additionalData: Self.aad)
        var otherKey = [UInt8](repeating: 0x42, count: 32)
        otherKey[31] ^= 1
        #expect(throws: CryptoError.authenticationFailed) {
            _ = try cipher(otherKey).open(box, additionalData: Self.aad)
        }
    }

    @Test(arguments: [0, 16, 31, 33, 64])
    func keyMustBe32Bytes(count: Int) {
        #expect(throws: CryptoError.invalidInput) {
            _ = try AES256GCM(key: SecretBytes(copying: [UInt8](repeating: 1, count: count)))
        }
    }

    @Test func internalSealRefusesWrongNonceLength() throws {
        let gcm = try cipher()
        #expect(throws: CryptoError.invalidInput) {
            _ = try gcm.seal(SecretBytes(copying: "x".utf8), additionalData: [], nonce: [0, 1, 2])
        }
    }

    @Test func secretCheckRecordMatchesIndependentImplementation() throws {
        // Sealed under HKDF(…) with a fixed nonce, as the start-up secret check does (CONTRACT.md §3.5).
        let secret = SecretBytes(copying: "correct horse battery staple".utf8)
        let key = try HKDFSHA256.deriveKey(
            from: secret,
            salt: Array("byok-relay-salt".utf8),
            info: Array("byok-relay/provider-key/v1".utf8),
            count: 32
        )
        let gcm = try AES256GCM(key: key)
        let box = try gcm.seal(
            SecretBytes(copying: "byok-relay secret check".utf8),
            additionalData: Array("byok-relay/v1\u{0}secret-check".utf8),
            nonce: hex("000102030405060708090a0b")
        )
        #expect(hexString(box.ciphertextAndTag) == Self.secretCheckVector)
    }

    /// Computed with Python's `cryptography` package (HKDF + AESGCM), independently of OpenSSL's EVP glue here.
    private static let secretCheckVector =
        "ee6c5cb5581b6f74c3f07c16a1c9c0f657a8373167c6c42864a5985943b9ed3df5a3d4b356d3a6"
}
