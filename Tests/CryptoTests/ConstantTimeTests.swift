import Testing

@testable import Crypto

@Suite struct ConstantTimeTests {
    @Test(arguments: [
        ([UInt8](), [UInt8](), true),
        ([1, 2, 3], [1, 2, 3], true),
        ([1, 2, 3], [1, 2, 4], false),
        ([9, 2, 3], [1, 2, 3], false),
        ([1, 2, 3], [1, 2], false),
        ([1, 2], [1, 2, 3], false),
        ([], [0], false),
        ([0], [], false),
    ])
    func truthTable(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(a, b) == equal)
    }

    @Test func acceptsNonContiguousCollections() {
        #expect(ConstantTime.equals("secret".utf8.lazy.map { $0 }, Array("secret".utf8)))
        #expect(!ConstantTime.equals("secret".utf8.lazy.map { $0 }, Array("secreT".utf8)))
    }
}
