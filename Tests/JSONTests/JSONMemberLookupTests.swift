import JSON
import Testing

/// Finding top-level members by decoded name, as the relay does for `model`, `key` and `app_id`.
@Suite struct JSONMemberLookupTests {
    @Test func testLastDuplicateWinsAsInJavaScript() throws {
        let document = try JSONDocument(
            parsing: Array("{\"model\":\"a\",\"x\":1,\"mod\\u0065l\":\"b\"}".utf8),
            maximumDepth: 64
        )
        #expect(document.count(ofMembersNamed: "model") == 2)
        #expect(document.lastMember(named: "model")?.stringValue == "b")
        #expect(document.lastMember(named: "model")?.memberRange == 19..<35)
        #expect(document.count(ofMembersNamed: "x") == 1)
        #expect(document.lastMember(named: "x")?.kind == .number)
        #expect(document.count(ofMembersNamed: "missing") == 0)
        #expect(document.lastMember(named: "missing") == nil)
    }

    @Test func testNamesCompareExactlyNotByCanonicalEquivalence() throws {
        // U+212A KELVIN SIGN is canonically equivalent to `K`, and `é` precomposed to `e` + U+0301; `String`'s `==`
        // calls each pair equal, JSON does not.
        let document = try JSONDocument(
            parsing: Array("{\"\\u212Aey\":\"1\",\"caf\\u00e9\":\"2\"}".utf8),
            maximumDepth: 64
        )
        #expect(document.count(ofMembersNamed: "Key") == 0)
        #expect(document.lastMember(named: "Key") == nil)
        #expect(document.count(ofMembersNamed: "cafe\u{301}") == 0)
        #expect(document.count(ofMembersNamed: "\u{212A}ey") == 1)
        #expect(document.count(ofMembersNamed: "caf\u{E9}") == 1)
    }

    @Test func testNamesAreCaseSensitive() throws {
        let document = try JSONDocument(parsing: Array("{\"Model\":\"a\"}".utf8), maximumDepth: 64)
        #expect(document.count(ofMembersNamed: "model") == 0)
    }

    @Test(arguments: ["[{\"model\":\"a\"}]", "\"model\"", "1", "null", "true", "[]"])
    func testNonObjectRootHasNoMembers(_ text: String) throws {
        let document = try JSONDocument(parsing: Array(text.utf8), maximumDepth: 64)
        #expect(document.members.isEmpty)
        #expect(document.lastMember(named: "model") == nil)
        #expect(document.count(ofMembersNamed: "model") == 0)
    }

    @Test func testBoolAndStringValuesAreOnlySetForTheirKinds() throws {
        let document = try JSONDocument(
            parsing: Array("{\"s\":\"true\",\"b\":true,\"n\":1,\"z\":null}".utf8),
            maximumDepth: 64
        )
        #expect(document.members.map(\.stringValue) == ["true", nil, nil, nil])
        #expect(document.members.map(\.boolValue) == [nil, true, nil, nil])
    }
}
