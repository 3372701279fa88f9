import JSON
import Testing

/// Documents RFC 8259 allows, with the members and byte ranges the relay relies on for splicing.
@Suite struct JSONDocumentAcceptanceTests {
    static let objectCases: [AcceptedCase] = [
        AcceptedCase(
            "relay registration body",
            "{\"app_id\":\"x\"}",
            .object,
            [
                member("app_id", .string, 1..<13, 10..<13, string: "x")
            ]
        ),
        AcceptedCase(
            "relay key body",
            "{\"key\":\"sk-abc\"}",
            .object,
            [
                member("key", .string, 1..<15, 7..<15, string: "sk-abc")
            ]
        ),
        AcceptedCase(
            "all four whitespace bytes everywhere",
            "\t\n\r {\"a\"\t:\n1\r, \"b\" : false }\n",
            .object,
            [
                member("a", .number, 5..<12, 11..<12),
                member("b", .bool, 15..<26, 21..<26, bool: false),
            ]
        ),
        AcceptedCase(
            "containers as member values",
            "{\"o\":{\"x\":[1,2]},\"a\":[],\"e\":{}}",
            .object,
            [
                member("o", .object, 1..<16, 5..<16),
                member("a", .array, 17..<23, 21..<23),
                member("e", .object, 24..<30, 28..<30),
            ]
        ),
        AcceptedCase(
            "duplicate names are all kept in order",
            "{\"model\":\"a\",\"model\":\"b\"}",
            .object,
            [
                member("model", .string, 1..<12, 9..<12, string: "a"),
                member("model", .string, 13..<24, 21..<24, string: "b"),
            ]
        ),
        AcceptedCase(
            "escaped name decodes",
            "{\"mod\\u0065l\":\"gpt\"}",
            .object,
            [
                member("model", .string, 1..<19, 14..<19, string: "gpt")
            ]
        ),
        AcceptedCase(
            "every escape",
            "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"}",
            .object,
            [
                member("s", .string, 1..<53, 5..<53, string: "\"\\/\u{8}\u{C}\n\r\tAé€😀")
            ]
        ),
        AcceptedCase(
            "escaped NUL and DEL",
            "{\"s\":\"\\u0000\u{7F}\"}",
            .object,
            [
                member("s", .string, 1..<14, 5..<14, string: "\u{0}\u{7F}")
            ]
        ),
        AcceptedCase(
            "raw UTF-8 at every length boundary",
            "{\"s\":\"\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}\"}",
            .object,
            [
                member(
                    "s",
                    .string,
                    1..<31,
                    5..<31,
                    string: "\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"
                )
            ]
        ),
        AcceptedCase(
            "numbers at the grammar's edges",
            "{\"a\":-0,\"b\":1e5,\"c\":1.5E-3,\"d\":0.0,\"e\":-12.34e+10,\"f\":123456789012345678901234567890,\"g\":0e0}",
            .object,
            [
                member("a", .number, 1..<7, 5..<7),
                member("b", .number, 8..<15, 12..<15),
                member("c", .number, 16..<26, 20..<26),
                member("d", .number, 27..<34, 31..<34),
                member("e", .number, 35..<49, 39..<49),
                member("f", .number, 50..<84, 54..<84),
                member("g", .number, 85..<92, 89..<92),
            ]
        ),
        AcceptedCase(
            "literals",
            "{\"t\":true,\"f\":false,\"z\":null}",
            .object,
            [
                member("t", .bool, 1..<9, 5..<9, bool: true),
                member("f", .bool, 10..<19, 14..<19, bool: false),
                member("z", .null, 20..<28, 24..<28),
            ]
        ),
        AcceptedCase(
            "empty name",
            "{\"\":1}",
            .object,
            [
                member("", .number, 1..<5, 4..<5)
            ]
        ),
        AcceptedCase(
            "brackets and commas inside strings",
            "{\"a\":\"},\\\"{[\",\"b,\\\"\":[\"]\\\"\"]}",
            .object,
            [
                member("a", .string, 1..<13, 5..<13, string: "},\"{["),
                member("b,\"", .array, 14..<28, 21..<28),
            ]
        ),
        AcceptedCase(
            "nested members are not top-level members",
            "{\"m\":{\"model\":\"x\",\"key\":\"y\"}}",
            .object,
            [
                member("m", .object, 1..<28, 5..<28)
            ]
        ),
        AcceptedCase("empty object", "{}", .object),
        AcceptedCase("empty object with inner whitespace", " { \n } ", .object),
    ]

    static let nonObjectRootCases: [AcceptedCase] = [
        AcceptedCase("empty array", "[]", .array),
        AcceptedCase("array holding an object", "[1,{\"a\":1},[\"x\"]]", .array),
        AcceptedCase("string root", "\"model\"", .string),
        AcceptedCase("zero", "0", .number),
        AcceptedCase("negative zero", "-0", .number),
        AcceptedCase("exponent number", "-1.5e3", .number),
        AcceptedCase("upper-case exponent with plus", "2E+00", .number),
        AcceptedCase("true", "true", .bool),
        AcceptedCase("false", "false", .bool),
        AcceptedCase("null", "null", .null),
        AcceptedCase("number padded with whitespace", " \t1\r\n", .number),
        AcceptedCase("surrogate pair in upper-case hex", "\"\\uD83D\\uDE00\"", .string),
        AcceptedCase("highest pair", "\"\\uDBFF\\uDFFF\"", .string),
        AcceptedCase("escaped slash and solidus", "\"\\/ /\"", .string),
    ]

    @Test(arguments: objectCases + nonObjectRootCases)
    func testAcceptedDocumentReportsItsMembers(_ testCase: AcceptedCase) {
        let outcome = JSONDocument.scannedEveryWay(testCase.bytes, maximumDepth: testCase.maximumDepth)
        #expect(outcome == .success(ScanOutcome(rootKind: testCase.rootKind, members: testCase.members)))
    }

    @Test(arguments: objectCases)
    func testMemberRangesPointAtTheirBytes(_ testCase: AcceptedCase) throws {
        let document = try JSONDocument(parsing: testCase.bytes, maximumDepth: 64)
        for member in document.members {
            #expect(testCase.bytes[member.memberRange.lowerBound] == UInt8(ascii: "\""))
            #expect(member.memberRange.upperBound == member.valueRange.upperBound)
            let value = try JSONDocument(parsing: testCase.bytes[member.valueRange], maximumDepth: 64)
            #expect(value.rootKind == member.kind)
        }
    }

    @Test func testEscapedAndRawSurrogatePairsDecodeToOneScalar() throws {
        let document = try JSONDocument(parsing: Array("{\"a\":\"\\ud83d\\ude00\",\"b\":\"😀\"}".utf8), maximumDepth: 64)
        let values = document.members.map { $0.stringValue?.unicodeScalars.map(\.value) }
        #expect(values == [[0x1F600], [0x1F600]])
    }

    @Test func testEscapedNULSurvivesDecoding() throws {
        let document = try JSONDocument(parsing: Array("{\"\\u0000\":\"a\\u0000b\"}".utf8), maximumDepth: nil)
        #expect(document.members.first.map { Array($0.name.utf8) } == [0])
        #expect(document.members.first?.stringValue.map { Array($0.utf8) } == [0x61, 0, 0x62])
    }
}
