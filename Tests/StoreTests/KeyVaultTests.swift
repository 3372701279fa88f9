import Crypto
import Testing

@testable import Store

@Suite struct KeyVaultTests {
    static let secret = "vault-test-secret-0123456789abcdef0123456789"
    static let otherSecret = "vault-other-secret-0123456789abcdef012345678"
    let vault = try! KeyVault(secret: Self.secret, previousSecret: nil, salt: "salt")

    func plaintext(_ text: String = "sk-test-key-123456") -> SecretBytes { SecretBytes(copying: text.utf8) }

    func opened(_ key: StoredKey, userID: String, vault: KeyVault? = nil) throws -> String {
        let bytes = try (vault ?? self.vault).open(key, userID: userID)
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test func testSealedKeyOpensForItsOwnUserAndProvider() throws {
        let key = try vault.seal(plaintext(), userID: "user-1", provider: "openai")
        #expect(key.provider == "openai" && key.keyVersion == vault.currentVersion)
        #expect(key.sealed.nonce.count == 12)
        #expect(try opened(key, userID: "user-1") == "sk-test-key-123456")
    }

    @Test func testEverySealUsesAFreshNonce() throws {
        let first = try vault.seal(plaintext(), userID: "u", provider: "openai")
        let second = try vault.seal(plaintext(), userID: "u", provider: "openai")
        #expect(first.sealed.nonce != second.sealed.nonce)
        #expect(first.sealed.ciphertextAndTag != second.sealed.ciphertextAndTag)
    }

    @Test func testCiphertextMovedToAnotherUserOrProviderDoesNotOpen() throws {
        let key = try vault.seal(plaintext(), userID: "user-1", provider: "openai")
        #expect(throws: VaultError.undecryptable) { _ = try vault.open(key, userID: "user-2") }
        var moved = key
        moved.provider = "anthropic"
        #expect(throws: VaultError.undecryptable) { _ = try vault.open(moved, userID: "user-1") }
    }

    @Test func testTamperedCiphertextNonceOrVersionDoesNotOpen() throws {
        let key = try vault.seal(plaintext(), userID: "u", provider: "openai")
        var flipped = key
        flipped.sealed.ciphertextAndTag[0] ^= 1
        #expect(throws: VaultError.undecryptable) { _ = try vault.open(flipped, userID: "u") }
        var nonce = key
        nonce.sealed.nonce[11] ^= 0x80
        #expect(throws: VaultError.undecryptable) { _ = try vault.open(nonce, userID: "u") }
        var version = key
        version.keyVersion = "0000000000000000"
        #expect(throws: VaultError.undecryptable) { _ = try vault.open(version, userID: "u") }
    }

    @Test func testKeyVersionIsSixteenHexDigitsAndDependsOnSecretAndSalt() throws {
        #expect(vault.currentVersion.wholeMatch(of: /[0-9a-f]{16}/) != nil)
        let same = try KeyVault(secret: Self.secret, previousSecret: nil, salt: "salt")
        let otherSalt = try KeyVault(secret: Self.secret, previousSecret: nil, salt: "salt2")
        let otherSecret = try KeyVault(secret: Self.otherSecret, previousSecret: nil, salt: "salt")
        #expect(same.currentVersion == vault.currentVersion)
        #expect(otherSalt.currentVersion != vault.currentVersion)
        #expect(otherSecret.currentVersion != vault.currentVersion)
    }

    @Test func testRotationVaultReadsBothAndResealsUnderTheNewKey() throws {
        let old = try vault.seal(plaintext(), userID: "u", provider: "groq")
        let rotating = try KeyVault(secret: Self.otherSecret, previousSecret: Self.secret, salt: "salt")
        #expect(rotating.previousVersion == vault.currentVersion)
        #expect(try opened(old, userID: "u", vault: rotating) == "sk-test-key-123456")
        let resealed = try rotating.reseal(old, userID: "u")
        #expect(resealed.keyVersion == rotating.currentVersion)
        #expect(try opened(resealed, userID: "u", vault: rotating) == "sk-test-key-123456")
        // The old vault no longer reads the re-encrypted key, and a vault without the previous secret cannot read
        // the old one.
        #expect(throws: VaultError.undecryptable) { _ = try vault.open(resealed, userID: "u") }
        let newOnly = try KeyVault(secret: Self.otherSecret, previousSecret: nil, salt: "salt")
        #expect(throws: VaultError.undecryptable) { _ = try newOnly.open(old, userID: "u") }
    }

    @Test func testSecretCheckVerifiesOnlyUnderTheSameSecretAndSalt() throws {
        let check = try vault.makeSecretCheck()
        #expect(vault.verifies(check))
        #expect(!(try KeyVault(secret: Self.otherSecret, previousSecret: nil, salt: "salt")).verifies(check))
        #expect(!(try KeyVault(secret: Self.secret, previousSecret: nil, salt: "other")).verifies(check))
        #expect(try KeyVault(secret: Self.otherSecret, previousSecret: Self.secret, salt: "salt").verifies(check))
        var tampered = check
        tampered.sealed.ciphertextAndTag[3] ^= 4
        #expect(!vault.verifies(tampered))
    }

    @Test func testAdditionalDataFollowsTheContract() {
        #expect(KeyVault.keyAdditionalData("u1", "openai") == Array("byok-relay/v1\u{0}u1\u{0}openai".utf8))
    }
}

@Suite struct TokenDigesterTests {
    static let encryption = "encryption-secret-0123456789abcdef012345"
    static let previous = "previous-secret-0123456789abcdef0123456789"
    static let dedicated = "token-hmac-secret-0123456789abcdef0123456"

    @Test func testTokensAreRecognisableAndRandom() throws {
        let first = try TokenDigester.makeToken()
        let second = try TokenDigester.makeToken()
        #expect(first.wholeMatch(of: /br_[A-Za-z0-9_-]{43}/) != nil)
        #expect(first != second)
    }

    @Test func testDigestIsHexHMACUnderTheCurrentKey() throws {
        let digester = try TokenDigester(
            tokenHMACSecret: nil,
            encryptionSecret: Self.encryption,
            previousEncryptionSecret: nil
        )
        let digest = try digester.current.digest("br_abc".utf8)
        #expect(digest.wholeMatch(of: /[0-9a-f]{64}/) != nil)
        let expected = HexBytes.lowercase(
            try HMACSHA256.authenticationCode(for: "br_abc".utf8, key: SecretBytes(copying: Self.encryption.utf8))
        )
        #expect(digest == expected)
        #expect(digester.current.id.wholeMatch(of: /[0-9a-f]{16}/) != nil)
    }

    @Test func testFallbacksFollowSection2Point4Step5() throws {
        let hmacOnly = try TokenDigester(
            tokenHMACSecret: Self.dedicated,
            encryptionSecret: Self.encryption,
            previousEncryptionSecret: Self.previous
        )
        let plain = try TokenDigester(
            tokenHMACSecret: nil,
            encryptionSecret: Self.encryption,
            previousEncryptionSecret: nil
        )
        let rotating = try TokenDigester(
            tokenHMACSecret: nil,
            encryptionSecret: Self.encryption,
            previousEncryptionSecret: Self.previous
        )
        let previousOnly = try TokenDigester(
            tokenHMACSecret: nil,
            encryptionSecret: Self.previous,
            previousEncryptionSecret: nil
        )
        // A dedicated HMAC secret falls back to ENCRYPTION_SECRET (not to the previous secret).
        #expect(hmacOnly.fallbacks.map(\.id) == [plain.current.id])
        // Without one, a rotation falls back to the previous secret.
        #expect(rotating.fallbacks.map(\.id) == [previousOnly.current.id])
        #expect(plain.fallbacks.isEmpty)
        let same = try TokenDigester(
            tokenHMACSecret: Self.encryption,
            encryptionSecret: Self.encryption,
            previousEncryptionSecret: nil
        )
        #expect(same.fallbacks.isEmpty)
    }

    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ])
    func testBase64URLMatchesRFC4648(input: String, encoded: String) {
        #expect(Base64URL.encode(Array(input.utf8)) == encoded)
    }

    @Test func testBase64URLUsesTheURLSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
    }
}
