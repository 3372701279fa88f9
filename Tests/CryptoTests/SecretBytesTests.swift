import Testing

@testable import Crypto

@Suite struct SecretBytesTests {
    @Test func copyingKeepsBytesAndCount() {
        let secret = SecretBytes(copying: "key-material".utf8)
        #expect(secret.count == 12)
        #expect(secret.withUnsafeBytes { Array($0) } == Array("key-material".utf8))
    }

    @Test func emptySecretHasAPointer() {
        let secret = SecretBytes(copying: [UInt8]())
        #expect(secret.count == 0)
        #expect(secret.withUnsafeBytes { $0.baseAddress != nil })
    }

    @Test func fillWritesTheBytes() throws {
        let secret = try SecretBytes(count: 4) { buffer in
            for index in buffer.indices { buffer[index] = UInt8(index + 1) }
        }
        #expect(secret.withUnsafeBytes { Array($0) } == [1, 2, 3, 4])
    }

    @Test func fillErrorIsRethrown() {
        #expect(throws: CryptoError.randomUnavailable) {
            _ = try SecretBytes(count: 8) { (_) throws(CryptoError) in throw .randomUnavailable }
        }
    }

    @Test func negativeCountIsRefused() {
        #expect(throws: CryptoError.invalidInput) {
            _ = try SecretBytes(count: -1) { _ in }
        }
    }

    // The wipe used by deinit and by every temporary buffer: it must leave only zeros.
    @Test func wipeZeroesTheBuffer() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 1)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xa5)
        SecretBytes.wipe(buffer)
        #expect(buffer.allSatisfy { $0 == 0 })
    }

    @Test func randomSecretsDiffer() throws {
        let first = try SecureRandom.secret(32)
        let second = try SecureRandom.secret(32)
        #expect(first.count == 32)
        let firstBytes = first.withUnsafeBytes { Array($0) }
        #expect(firstBytes != second.withUnsafeBytes { Array($0) })
        #expect(try SecureRandom.bytes(16) != SecureRandom.bytes(16))
        #expect(try SecureRandom.bytes(0).isEmpty)
    }
}
