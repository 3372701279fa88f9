import JSON
import Testing

/// Rewriting one member in place: the result re-parses and every byte outside the cut is kept.
@Suite struct JSONSpliceTests {
    static let spaced = Array("{ \"a\" : 1 , \"b\" : \"two\" , \"c\" : [3] }".utf8)

    @Test func testReplacingAStringKeepsEveryOtherByte() throws {
        let bytes = Array("{\n  \"model\": \"gpt-4\",\t\"stream\": true\n}".utf8)
        let document = try JSONDocument(parsing: bytes, maximumDepth: 64)
        let model = try #require(document.lastMember(named: "model"))
        let newValue = "claude \"3\" \\ \n\u{1}é"
        let result = JSONSplice.replacingStringValue(of: model, in: bytes, with: newValue)
        let replacement = JSONString.encoded(newValue)
        #expect(result == bytes[..<model.valueRange.lowerBound] + replacement + bytes[model.valueRange.upperBound...])
        let reparsed = try JSONDocument(parsing: result, maximumDepth: 64)
        #expect(reparsed.lastMember(named: "model")?.stringValue == newValue)
        #expect(reparsed.members.map(\.name) == ["model", "stream"])
        #expect(reparsed.lastMember(named: "stream")?.boolValue == true)
    }

    @Test func testReplacingANonStringValueWritesAString() throws {
        let bytes = Array("{\"model\":{\"x\":[1]},\"n\":2}".utf8)
        let document = try JSONDocument(parsing: bytes, maximumDepth: 64)
        let model = try #require(document.lastMember(named: "model"))
        let result = JSONSplice.replacingStringValue(of: model, in: bytes, with: "m")
        #expect(result == Array("{\"model\":\"m\",\"n\":2}".utf8))
    }

    @Test func testReplacingTheLastDuplicateLeavesTheFirst() throws {
        let bytes = Array("{\"model\":\"a\",\"model\":\"b\"}".utf8)
        let document = try JSONDocument(parsing: bytes, maximumDepth: 64)
        let model = try #require(document.lastMember(named: "model"))
        let result = JSONSplice.replacingStringValue(of: model, in: bytes, with: "c")
        #expect(result == Array("{\"model\":\"a\",\"model\":\"c\"}".utf8))
    }

    static let removals: [(String, String, String)] = [
        ("{ \"a\" : 1 , \"b\" : \"two\" , \"c\" : [3] }", "a", "{ \"b\" : \"two\" , \"c\" : [3] }"),
        ("{ \"a\" : 1 , \"b\" : \"two\" , \"c\" : [3] }", "b", "{ \"a\" : 1 , \"c\" : [3] }"),
        ("{ \"a\" : 1 , \"b\" : \"two\" , \"c\" : [3] }", "c", "{ \"a\" : 1 , \"b\" : \"two\" }"),
        ("{ \"a\" : 1 }", "a", "{  }"),
        ("{\"a\":1}", "a", "{}"),
        ("{\"a\":1,\"b\":2}", "a", "{\"b\":2}"),
        ("{\"a\":1,\"b\":2}", "b", "{\"a\":1}"),
        ("\n{\"a\":{\"x\":\",\"},\n\"b\":[1,2]}\n", "a", "\n{\"b\":[1,2]}\n"),
        ("\n{\"a\":{\"x\":\",\"},\n\"b\":[1,2]}\n", "b", "\n{\"a\":{\"x\":\",\"}}\n"),
    ]

    @Test(arguments: removals)
    func testRemovingAMemberTakesExactlyOneComma(_ text: String, _ name: String, _ expected: String) throws {
        let bytes = Array(text.utf8)
        let document = try JSONDocument(parsing: bytes, maximumDepth: 64)
        let removed = try #require(document.lastMember(named: name))
        let result = JSONSplice.removing(removed, from: bytes, document: document)
        #expect(result == Array(expected.utf8))
        let reparsed = try JSONDocument(parsing: result, maximumDepth: 64)
        #expect(reparsed.members.map(\.name) == document.members.map(\.name).filter { $0 != name })
    }

    @Test func testRemovingTheFirstOfTwoDuplicatesKeepsTheSecond() throws {
        let bytes = Array("{\"model\":\"a\", \"model\":\"b\"}".utf8)
        let document = try JSONDocument(parsing: bytes, maximumDepth: 64)
        let first = try #require(document.members.first)
        let result = JSONSplice.removing(first, from: bytes, document: document)
        #expect(result == Array("{\"model\":\"b\"}".utf8))
    }

    @Test func testRemovingEveryMemberInTurnLeavesAnEmptyObject() throws {
        var bytes = Self.spaced
        while true {
            let document = try JSONDocument(parsing: bytes, maximumDepth: 64)
            guard let last = document.members.last else {
                break
            }
            bytes = JSONSplice.removing(last, from: bytes, document: document)
        }
        #expect(bytes == Array("{  }".utf8))
    }
}
