import Relay
import Testing

@Suite struct RequestIDTests {
    static let adopted: [[String]] = [
        ["a"],
        ["req-123"],
        [String(repeating: "x", count: 128)],
        ["!#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}~"],
        ["550e8400-e29b-41d4-a716-446655440000"],
    ]

    @Test(arguments: adopted)
    func testWellFormedIDIsAdopted(_ values: [String]) {
        #expect(RequestID.adopt(values) == values[0])
    }

    static let rejected: [[String]] = [
        [],
        [""],
        ["a", "b"],
        ["same", "same"],
        [String(repeating: "x", count: 129)],
        ["has space"],
        ["quote\"d"],
        ["back\\slash"],
        ["tab\there"],
        ["del\u{7F}"],
        ["caf\u{E9}"],
        ["new\nline"],
    ]

    @Test(arguments: rejected)
    func testMalformedIDIsNotAdopted(_ values: [String]) {
        #expect(RequestID.adopt(values) == nil)
    }

    @Test func testGeneratedIDIsLowerCaseUUIDv4() {
        var seen = Set<String>()
        for _ in 0..<200 {
            let id = RequestID.generate()
            let bytes = Array(id.utf8)
            #expect(bytes.count == 36)
            for (index, byte) in bytes.enumerated() {
                if [8, 13, 18, 23].contains(index) {
                    #expect(byte == UInt8(ascii: "-"))
                } else {
                    #expect("0123456789abcdef".utf8.contains(byte), "\(id)")
                }
            }
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect("89ab".utf8.contains(bytes[19]))
            #expect(RequestID.adopt([id]) == id)
            seen.insert(id)
        }
        #expect(seen.count == 200)
    }

    /// A generator that always returns all bits set, so the version and variant masks are visible.
    struct AllOnes: RandomNumberGenerator {
        mutating func next() -> UInt64 { .max }
    }

    /// A generator that always returns zero.
    struct AllZeros: RandomNumberGenerator {
        mutating func next() -> UInt64 { 0 }
    }

    @Test func testVersionAndVariantBitsAreForced() {
        var ones = AllOnes()
        #expect(RequestID.generate(using: &ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        var zeros = AllZeros()
        #expect(RequestID.generate(using: &zeros) == "00000000-0000-4000-8000-000000000000")
    }
}
