import EventLoop
import Testing
import YAML

/// The emitter's text for scalars and structures, each case checked against the exact expected YAML, and every
/// case read back to the value it came from.
@Suite struct YAMLEmitterTests {
    /// Strings and how they must be written: plain only when nothing else could be read.
    static let strings: [(String, String)] = [
        ("plain", "plain"),
        ("two words", "two words"),
        ("path/with-dash_and.dot", "path/with-dash_and.dot"),
        ("a:b", "a:b"),
        ("a#b", "a#b"),
        ("back\\slash", "back\\slash"),
        ("", "\"\""),
        ("true", "\"true\""),
        ("False", "\"False\""),
        ("NULL", "\"NULL\""),
        ("null", "\"null\""),
        ("~", "\"~\""),
        ("yes", "\"yes\""),
        ("No", "\"No\""),
        ("on", "\"on\""),
        ("off", "\"off\""),
        ("y", "\"y\""),
        ("n", "\"n\""),
        ("12", "\"12\""),
        ("-3", "\"-3\""),
        ("+3", "\"+3\""),
        ("1.5", "\"1.5\""),
        ("1e3", "\"1e3\""),
        (".inf", "\".inf\""),
        (".NaN", "\".NaN\""),
        ("nan", "\"nan\""),
        ("Inf", "\"Inf\""),
        ("infinity", "\"infinity\""),
        ("0x1F", "\"0x1F\""),
        ("0o17", "\"0o17\""),
        ("<<", "\"<<\""),
        (" leading", "\" leading\""),
        ("trailing ", "\"trailing \""),
        ("key: value", "\"key: value\""),
        ("ends with colon:", "\"ends with colon:\""),
        ("text # comment", "\"text # comment\""),
        ("a, b", "\"a, b\""),
        ("x[0]", "\"x[0]\""),
        ("{braces}", "\"{braces}\""),
        ("- item", "\"- item\""),
        ("?", "\"?\""),
        (":", "\":\""),
        (",", "\",\""),
        ("#", "\"#\""),
        ("&anchor", "\"&anchor\""),
        ("*alias", "\"*alias\""),
        ("!tag", "\"!tag\""),
        ("|", "\"|\""),
        (">", "\">\""),
        ("'single'", "\"'single'\""),
        ("\"double\"", "\"\\\"double\\\"\""),
        ("%directive", "\"%directive\""),
        ("@at", "\"@at\""),
        ("`tick`", "\"`tick`\""),
        ("line\nbreak", "\"line\\nbreak\""),
        ("tab\there", "\"tab\\there\""),
        ("cr\r", "\"cr\\r\""),
        ("nul\u{0}", "\"nul\\0\""),
        ("bell\u{7}", "\"bell\\x07\""),
        ("del\u{7F}", "\"del\\x7F\""),
        ("next\u{85}line", "\"next\\Nline\""),
        ("sep\u{2028}\u{2029}", "\"sep\\L\\P\""),
        ("bom\u{FEFF}", "\"bom\\uFEFF\""),
        ("café €", "\"café €\""),
        (
            "Unauthorized: valid Authorization: Bearer <APP_SECRET> header required.",
            "\"Unauthorized: valid Authorization: Bearer <APP_SECRET> header required.\""
        ),
    ]

    @Test(arguments: strings)
    func testStringIsWrittenPlainOnlyWhenSafe(_ string: String, _ expected: String) {
        #expect(YAMLEmitter.scalar(string) == expected)
        #expect(YAMLEmitter.text(.string(string)) == expected + "\n")
        #expect(YAMLReader.read(YAMLEmitter.text(.string(string))) == .string(string))
        let member = JSONValue.object([(string, .string(string))])
        #expect(YAMLEmitter.text(member) == "\(expected): \(expected)\n")
        #expect(YAMLReader.read(YAMLEmitter.text(member)) == member)
    }

    static let documents: [(JSONValue, String)] = [
        (.null, "null\n"),
        (.bool(true), "true\n"),
        (.bool(false), "false\n"),
        (.int(-42), "-42\n"),
        (.double(0.5), "0.5\n"),
        (.double(2), "2.0\n"),
        (.double(.infinity), "null\n"),
        (.array([]), "[]\n"),
        (.object([]), "{}\n"),
        (.array([.int(1), .string("a"), .null]), "- 1\n- a\n- null\n"),
        (.object([("b", .int(1)), ("a", .int(2))]), "b: 1\na: 2\n"),
        (
            .object([("empty", .array([])), ("none", .object([])), ("list", .array([.string("x")]))]),
            "empty: []\nnone: {}\nlist:\n  - x\n"
        ),
        (
            .object([("paths", .object([("/users", .object([("post", .object([("summary", .string("Register"))]))]))]))]
            ),
            "paths:\n  /users:\n    post:\n      summary: Register\n"
        ),
        (
            .array([.object([("name", .string("id")), ("in", .string("path"))]), .object([("x", .int(1))])]),
            "- name: id\n  in: path\n- x: 1\n"
        ),
        (.array([.array([.int(1), .int(2)]), .array([])]), "- - 1\n  - 2\n- []\n"),
        (
            .object([("a", .array([.object([("b", .array([.int(1)]))])]))]),
            "a:\n  - b:\n      - 1\n"
        ),
        (.object([("200", .object([("description", .string("OK"))]))]), "\"200\":\n  description: OK\n"),
    ]

    @Test(arguments: documents.indices)
    func testStructureIsWrittenInBlockStyle(_ index: Int) {
        let (value, expected) = Self.documents[index]
        #expect(YAMLEmitter.text(value) == expected)
        let expectedBack: JSONValue = if case .double(let d) = value, !d.isFinite { .null } else { value }
        #expect(YAMLReader.read(expected) == expectedBack)
    }

    @Test func testLongKeyIsWrittenAsExplicitEntry() {
        let key = String(repeating: "k", count: 1100)
        let value = JSONValue.object([(key, .int(1)), ("short", .array([.int(2)]))])
        let text = YAMLEmitter.text(value)
        #expect(text == "? \(key)\n: 1\nshort:\n  - 2\n")
        #expect(YAMLReader.read(text) == value)
    }

    /// Every string of up to two characters from a set of troublesome ones, alone, as a key and in a sequence,
    /// reads back unchanged, and the text holds no control character but line breaks.
    @Test func testShortStringsRoundTripExhaustively() {
        let alphabet: [String] = [
            "a", "0", " ", "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@",
            "`", "\\", ".", "+", "~", "<", "=", "\n", "\t", "\u{0}", "\u{7F}", "\u{85}", "é", "\u{2028}", "y", "n",
        ]
        var strings = [""] + alphabet
        for first in alphabet { for second in alphabet { strings.append(first + second) } }
        for string in strings {
            let value = JSONValue.object([
                (string, .array([.string(string), .object([(string, .string(string))])])),
                ("s", .string(string)),
            ])
            let text = YAMLEmitter.text(value)
            #expect(YAMLReader.read(text) == value, "\(text)")
            let controls = text.unicodeScalars.filter {
                ($0.value < 0x20 && $0 != "\n") || (0x7F..<0xA0).contains($0.value)
            }
            #expect(controls.isEmpty, "\(text)")
        }
    }

    @Test func testReaderRefusesWhatTheEmitterNeverWrites() {
        for text in ["", "a: 'single'\n", "- \"unterminated\n", "a:\nb\n", "key: [1, 2]\n", "\"bad \\q\"\n"] {
            #expect(YAMLReader.read(text) == nil, "\(text)")
        }
    }
}
