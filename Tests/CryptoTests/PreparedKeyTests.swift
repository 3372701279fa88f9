import Testing

@testable import Crypto

/// `HMACSHA256.PreparedKey` gives the same codes as the one-shot function, again and again and from many threads
/// at once (its contexts are pooled and re-initialised).
@Suite struct PreparedKeyTests {
    @Test func testPreparedKeyMatchesTheOneShotCode() throws {
        let bytes = [UInt8](repeating: 0xaa, count: 131)
        let prepared = try HMACSHA256.PreparedKey(SecretBytes(copying: bytes))
        for message in ["", "Hi There", "192.0.2.1", String(repeating: "x", count: 1000)] {
            let expected = try HMACSHA256.authenticationCode(for: Array(message.utf8), key: SecretBytes(copying: bytes))
            for _ in 0..<3 { #expect(try prepared.authenticationCode(for: message.utf8) == expected) }
        }
    }

    @Test func testConcurrentCallersGetCorrectCodes() async throws {
        let secret = Array("Jefe".utf8)
        let prepared = try HMACSHA256.PreparedKey(SecretBytes(copying: secret))
        let expected = try (0..<100).map { index in
            try HMACSHA256.authenticationCode(for: Array("message \(index)".utf8), key: SecretBytes(copying: secret))
        }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<200 {
                        let index = (worker * 31 + round) % 100
                        if (try? prepared.authenticationCode(for: "message \(index)".utf8)) != expected[index] {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}
