import Testing

@testable import Relay

/// The `${detail}` of a rejected rotation (CONTRACT.md §3.6): ` (` + the first 120 characters of the provider's body,
/// decoded as UTF-8 with U+FFFD for invalid bytes, every occurrence of the key replaced by `***` + `)`.
@Suite struct KeyRejectionDetailTests {
    static let key = "sk-ant-api03-secretvalue"

    @Test func testEmptyBodyGivesNoDetail() {
        #expect(RelayApplication.rejectionDetail([], key: Self.key) == "")
    }

    @Test func testShortBodyIsQuotedWhole() {
        let body = #"{"error":{"type":"authentication_error","message":"invalid x-api-key"}}"#
        #expect(RelayApplication.rejectionDetail(Array(body.utf8), key: Self.key) == " (\(body))")
    }

    @Test func testLongBodyIsCutAt120Characters() {
        let body = String(repeating: "0123456789", count: 20)
        #expect(RelayApplication.rejectionDetail(Array(body.utf8), key: Self.key) == " (\(body.prefix(120)))")
    }

    @Test func testEveryOccurrenceOfTheKeyIsMasked() {
        let body = "bad key \(Self.key); you sent \(Self.key)!"
        #expect(RelayApplication.rejectionDetail(Array(body.utf8), key: Self.key) == " (bad key ***; you sent ***!)")
    }

    /// Masking comes before the cut: a key straddling character 120 must not leave its first characters behind.
    @Test(arguments: [100, 105, 110, 119])
    func testKeyAcrossTheCutIsMaskedWhole(offset: Int) {
        let body = String(repeating: "a", count: offset) + Self.key + String(repeating: "b", count: 200)
        let detail = RelayApplication.rejectionDetail(Array(body.utf8), key: Self.key)
        let masked = String(repeating: "a", count: offset) + "***" + String(repeating: "b", count: 200)
        #expect(detail == " (\(masked.prefix(120)))")
        #expect(!detail.contains("sk-"))
    }

    @Test func testInvalidUTF8BecomesReplacementCharacters() {
        let body: [UInt8] = [0x61, 0xFF, 0x62, 0xC3, 0x28, 0x63]
        #expect(RelayApplication.rejectionDetail(body, key: Self.key) == " (a\u{FFFD}b\u{FFFD}(c)")
    }
}
