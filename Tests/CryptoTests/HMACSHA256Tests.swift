import Testing

@testable import Crypto

@Suite struct HMACSHA256Tests {
    // RFC 4231 §4.2, §4.3 and §4.7.
    @Test(arguments: [
        (
            [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func rfc4231(key: [UInt8], message: [UInt8], expected: String) throws {
        let secret = SecretBytes(copying: key)
        let code = try HMACSHA256.authenticationCode(for: message, key: secret)
        #expect(hexString(code) == expected)
    }

    @Test func nonContiguousMessageGivesTheSameCode() throws {
        let secret = SecretBytes(copying: Array("Jefe".utf8))
        let message = "what do ya want for nothing?"
        let contiguous = try HMACSHA256.authenticationCode(for: Array(message.utf8), key: secret)
        let lazy = try HMACSHA256.authenticationCode(for: message.utf8.lazy.map { $0 }, key: secret)
        #expect(lazy == contiguous)
    }
}
