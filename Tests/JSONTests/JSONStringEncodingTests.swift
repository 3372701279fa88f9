import JSON
import Testing

/// Writing JSON string literals: the shortest escapes, nothing else escaped, and a lossless round trip.
@Suite struct JSONStringEncodingTests {
    static let cases: [(String, String)] = [
        ("", "\"\""),
        ("plain", "\"plain\""),
        ("quote \" backslash \\ slash /", "\"quote \\\" backslash \\\\ slash /\""),
        ("\u{8}\u{C}\n\r\t", "\"\\b\\f\\n\\r\\t\""),
        ("\u{0}\u{1}\u{1F}", "\"\\u0000\\u0001\\u001f\""),
        ("\u{7F}é€😀\u{2028}", "\"\u{7F}é€😀\u{2028}\""),
    ]

    @Test(arguments: cases)
    func testStringIsWrittenWithShortestEscapes(_ text: String, _ literal: String) {
        #expect(JSONString.encoded(text) == Array(literal.utf8))
        var appended = Array("x".utf8)
        JSONString.encode(text, into: &appended)
        #expect(appended == Array("x".utf8) + Array(literal.utf8))
    }

    @Test func testEveryASCIIScalarAndSomeOthersRoundTrip() throws {
        var text = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init)))
        text += "\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"
        let object = Array("{\"v\":".utf8) + JSONString.encoded(text) + Array("}".utf8)
        let document = try JSONDocument(parsing: object, maximumDepth: 64)
        #expect(document.members.first?.stringValue.map { Array($0.utf8) } == Array(text.utf8))
    }
}
