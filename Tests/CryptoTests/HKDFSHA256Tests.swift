import Testing

@testable import Crypto

@Suite struct HKDFSHA256Tests {
    private func derive(_ ikm: [UInt8], salt: [UInt8], info: [UInt8], count: Int) throws -> [UInt8] {
        let secret = SecretBytes(copying: ikm)
        let key = try HKDFSHA256.deriveKey(from: secret, salt: salt, info: info, count: count)
        return key.withUnsafeBytes { Array($0) }
    }

    // RFC 5869 Appendix A.1.
    @Test func rfc5869Case1() throws {
        let okm = try derive(
            [UInt8](repeating: 0x0b, count: 22),
            salt: hex("000102030405060708090a0b0c"),
            info: hex("f0f1f2f3f4f5f6f7f8f9"),
            count: 42
        )
        #expect(
            hexString(okm)
                == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        )
    }

    // RFC 5869 Appendix A.3: empty salt and info.
    @Test func rfc5869Case3() throws {
        let okm = try derive([UInt8](repeating: 0x0b, count: 22), salt: [], info: [], count: 42)
        #expect(
            hexString(okm)
                == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        )
    }

    @Test(arguments: [0, -1, 255 * 32 + 1])
    func refusesCountsOutsideRFCLimits(count: Int) {
        #expect(throws: CryptoError.invalidInput) {
            _ = try derive([1, 2, 3], salt: [], info: [], count: count)
        }
    }
}
