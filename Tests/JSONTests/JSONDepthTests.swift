import JSON
import Testing

/// Nesting: the limit counts arrays and objects together, and no depth can overflow the call stack.
@Suite struct JSONDepthTests {
    static func nestedArrays(_ depth: Int) -> [UInt8] {
        Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
    }

    /// Alternates `{"a":` and `[`, so objects and arrays both count towards the depth.
    static func mixedNesting(_ depth: Int) -> [UInt8] {
        var opening: [UInt8] = []
        var closing: [UInt8] = []
        for level in 0..<depth {
            if level.isMultiple(of: 2) {
                opening += Array("{\"a\":".utf8)
                closing.insert(UInt8(ascii: "}"), at: 0)
            } else {
                opening.append(UInt8(ascii: "["))
                closing.insert(UInt8(ascii: "]"), at: 0)
            }
        }
        return opening + Array("null".utf8) + closing
    }

    @Test func testDepth64IsAcceptedAndDepth65RefusedAtTheLimit64() throws {
        #expect(throws: Never.self) { try JSONDocument(parsing: Self.nestedArrays(64), maximumDepth: 64) }
        #expect(throws: JSONError(offset: 64, reason: .tooDeep)) {
            try JSONDocument(parsing: Self.nestedArrays(65), maximumDepth: 64)
        }
        #expect(throws: Never.self) { try JSONDocument(parsing: Self.mixedNesting(64), maximumDepth: 64) }
        // Level 65 is the 33rd array, after 32 `{"a":` and 32 `[` (5 + 1 bytes per pair).
        #expect(throws: JSONError(offset: 32 * 6, reason: .tooDeep)) {
            try JSONDocument(parsing: Self.mixedNesting(65), maximumDepth: 64)
        }
    }

    @Test func testSiblingsDoNotAddDepth() throws {
        let siblings = Array(repeating: "[[]]", count: 1000).joined(separator: ",")
        let document = try JSONDocument(parsing: Array("[\(siblings)]".utf8), maximumDepth: 3)
        #expect(document.rootKind == .array)
    }

    @Test func testHundredThousandLevelsWithoutLimitDoNotOverflowTheStack() throws {
        let document = try JSONDocument(parsing: Self.nestedArrays(100_000), maximumDepth: nil)
        #expect(document.rootKind == .array)
        let mixed = try JSONDocument(parsing: Self.mixedNesting(100_000), maximumDepth: nil)
        #expect(mixed.members.map(\.name) == ["a"])
        #expect(mixed.members.first?.kind == .array)
    }

    @Test func testMegabyteOfOpeningBracketsEndsInARefusal() {
        let brackets = [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        #expect(throws: JSONError(offset: 1 << 20, reason: .unexpectedEnd)) {
            try JSONDocument(parsing: brackets, maximumDepth: nil)
        }
        #expect(throws: JSONError(offset: 64, reason: .tooDeep)) {
            try JSONDocument(parsing: brackets, maximumDepth: 64)
        }
    }
}
