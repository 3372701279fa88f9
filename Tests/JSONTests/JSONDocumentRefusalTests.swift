import JSON
import Testing

/// Input RFC 8259 does not allow: each rule has rows that fail if its check is removed, with the exact offset.
@Suite struct JSONDocumentRefusalTests {
    static let structureCases: [RefusedCase] = [
        RefusedCase("empty input", "", at: 0, .emptyInput),
        RefusedCase("whitespace only", " \n", at: 2, .unexpectedEnd),
        RefusedCase("byte order mark", bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), at: 0, .byteOrderMark),
        RefusedCase("byte order mark alone", bytes: [0xEF, 0xBB, 0xBF], at: 0, .byteOrderMark),
        RefusedCase("closing bracket as a value", "]", at: 0, .unexpectedByte),
        RefusedCase("closing brace as a value", "}", at: 0, .unexpectedByte),
        RefusedCase("comma first in an object", "{,}", at: 1, .unexpectedByte),
        RefusedCase("trailing comma in an array", "[1,]", at: 3, .unexpectedByte),
        RefusedCase("trailing comma in an object", "{\"a\":1,}", at: 7, .unexpectedByte),
        RefusedCase("leading comma in an array", "[,1]", at: 1, .unexpectedByte),
        RefusedCase("two commas", "[1,,2]", at: 3, .unexpectedByte),
        RefusedCase("missing comma", "[1 2]", at: 3, .unexpectedByte),
        RefusedCase("missing comma between members", "{\"a\":1 \"b\":2}", at: 7, .unexpectedByte),
        RefusedCase("missing colon", "{\"a\" 1}", at: 5, .unexpectedByte),
        RefusedCase("two colons", "{\"a\"::1}", at: 5, .unexpectedByte),
        RefusedCase("missing member value", "{\"a\":}", at: 5, .unexpectedByte),
        RefusedCase("number as a name", "{1:2}", at: 1, .unexpectedByte),
        RefusedCase("single-quoted name", "{'a':1}", at: 1, .unexpectedByte),
        RefusedCase("bare name", "{a:1}", at: 1, .unexpectedByte),
        RefusedCase("name after a comma not quoted", "{\"a\":1,b:2}", at: 7, .unexpectedByte),
        RefusedCase("object closed by a bracket", "{\"a\":1]", at: 6, .unexpectedByte),
        RefusedCase("array closed by a brace", "[1}", at: 2, .unexpectedByte),
        RefusedCase("empty array closed by a brace", "[}", at: 1, .unexpectedByte),
        RefusedCase("empty object closed by a bracket", "{]", at: 1, .unexpectedByte),
        RefusedCase("form feed as whitespace", "\u{0C}1", at: 0, .unexpectedByte),
        RefusedCase("vertical tab as whitespace", "[\u{0B}1]", at: 1, .unexpectedByte),
        RefusedCase("no-break space as whitespace", bytes: [0xC2, 0xA0, 0x31], at: 0, .unexpectedByte),
        RefusedCase("NUL as a value", "\u{0}", at: 0, .unexpectedByte),
        RefusedCase(
            "stray continuation byte as a value",
            bytes: Array("[".utf8) + [0x80] + Array("]".utf8),
            at: 1,
            .unexpectedByte
        ),
        RefusedCase("0xFF as a value", bytes: [0xFF], at: 0, .unexpectedByte),
        RefusedCase("comment", "[1/*x*/]", at: 2, .unexpectedByte),
        RefusedCase("unclosed object", "{", at: 1, .unexpectedEnd),
        RefusedCase("unclosed array", "[", at: 1, .unexpectedEnd),
        RefusedCase("name without colon at the end", "{\"a\"", at: 4, .unexpectedEnd),
        RefusedCase("colon at the end", "{\"a\": ", at: 6, .unexpectedEnd),
        RefusedCase("member without closing brace", "{\"a\":1", at: 6, .unexpectedEnd),
        RefusedCase("comma at the end", "[1,", at: 3, .unexpectedEnd),
        RefusedCase("unterminated string", "\"abc", at: 4, .unexpectedEnd),
        RefusedCase("unterminated name", "{\"ab", at: 4, .unexpectedEnd),
        RefusedCase("garbage after an object", "{}x", at: 2, .trailingBytes),
        RefusedCase("two numbers", "1 2", at: 2, .trailingBytes),
        RefusedCase("two objects", "{} {}", at: 3, .trailingBytes),
        RefusedCase("extra closing bracket", "[]]", at: 2, .trailingBytes),
        RefusedCase("two strings", "\"a\"\"b\"", at: 3, .trailingBytes),
        RefusedCase("NUL after the value", "{}\u{0}", at: 2, .trailingBytes),
        RefusedCase("second decimal point", "1.5.3", at: 3, .trailingBytes),
        RefusedCase("hexadecimal number", "0x1F", at: 1, .trailingBytes),
        RefusedCase("fractional exponent", "1e5.5", at: 3, .trailingBytes),
        RefusedCase("literal run on", "truex", at: 4, .trailingBytes),
    ]

    static let scalarCases: [RefusedCase] = [
        RefusedCase("leading zero", "01", at: 1, .invalidNumber),
        RefusedCase("negative leading zero", "-01", at: 2, .invalidNumber),
        RefusedCase("double zero", "00", at: 1, .invalidNumber),
        RefusedCase("leading zero in a member", "{\"a\":007}", at: 6, .invalidNumber),
        RefusedCase("decimal point without digits", "1.", at: 2, .invalidNumber),
        RefusedCase("decimal point before exponent", "1.e5", at: 2, .invalidNumber),
        RefusedCase("decimal point then bracket", "[1.]", at: 3, .invalidNumber),
        RefusedCase("exponent without digits", "1e", at: 2, .invalidNumber),
        RefusedCase("exponent sign without digits", "1E-", at: 3, .invalidNumber),
        RefusedCase("exponent plus then bracket", "[1e+]", at: 4, .invalidNumber),
        RefusedCase("lone minus", "-", at: 1, .invalidNumber),
        RefusedCase("minus then bracket", "[-]", at: 2, .invalidNumber),
        RefusedCase("double minus", "--1", at: 1, .invalidNumber),
        RefusedCase("minus then fraction", "-.5", at: 1, .invalidNumber),
        RefusedCase("negative infinity", "-Infinity", at: 1, .invalidNumber),
        RefusedCase("leading decimal point", ".5", at: 0, .unexpectedByte),
        RefusedCase("leading plus", "+1", at: 0, .unexpectedByte),
        RefusedCase("NaN", "NaN", at: 0, .unexpectedByte),
        RefusedCase("Infinity", "Infinity", at: 0, .unexpectedByte),
        RefusedCase("capitalised True", "True", at: 0, .unexpectedByte),
        RefusedCase("cut-short true", "tru", at: 3, .invalidLiteral),
        RefusedCase("true with a capital", "truE", at: 3, .invalidLiteral),
        RefusedCase("cut-short false", "fals", at: 4, .invalidLiteral),
        RefusedCase("cut-short null", "nul", at: 3, .invalidLiteral),
        RefusedCase("null with a capital", "nulL", at: 3, .invalidLiteral),
        RefusedCase("lone t", "t", at: 1, .invalidLiteral),
        RefusedCase("misspelt literal in an array", "[tx]", at: 2, .invalidLiteral),
        RefusedCase("nil", "nil", at: 1, .invalidLiteral),
    ]

    static let escapeCases: [RefusedCase] = [
        RefusedCase("unknown escape", "\"\\a\"", at: 1, .invalidEscape),
        RefusedCase("hexadecimal escape", "\"\\x41\"", at: 1, .invalidEscape),
        RefusedCase("upper-case U escape", "\"\\U0041\"", at: 1, .invalidEscape),
        RefusedCase("escaped apostrophe", "\"\\'\"", at: 1, .invalidEscape),
        RefusedCase("escaped zero", "\"\\0\"", at: 1, .invalidEscape),
        RefusedCase("escaped line feed", "\"ab\\\n\"", at: 3, .invalidEscape),
        RefusedCase("unknown escape in a name", "{\"a\\q\":1}", at: 3, .invalidEscape),
        RefusedCase("backslash at the end", "\"a\\", at: 3, .unexpectedEnd),
        RefusedCase("non-hex digit in \\u", "\"\\u12G4\"", at: 1, .invalidUnicodeEscape),
        RefusedCase("space in \\u", "\"\\u 123\"", at: 1, .invalidUnicodeEscape),
        RefusedCase("short \\u", "\"\\u12\"", at: 1, .invalidUnicodeEscape),
        RefusedCase("\\u cut short by the end", "\"\\u12", at: 5, .unexpectedEnd),
        RefusedCase("bad hex in the low half", "\"\\uD800\\u12x4\"", at: 7, .invalidUnicodeEscape),
        RefusedCase("lone high surrogate", "\"\\uD800\"", at: 1, .loneSurrogate),
        RefusedCase("lone low surrogate", "\"\\uDC00\"", at: 1, .loneSurrogate),
        RefusedCase("high surrogate then a letter", "\"\\uD800x\"", at: 1, .loneSurrogate),
        RefusedCase("high surrogate then another escape", "\"\\uD800\\n\"", at: 1, .loneSurrogate),
        RefusedCase("two high surrogates", "\"\\uD800\\uD800\"", at: 1, .loneSurrogate),
        RefusedCase("high surrogate then a BMP escape", "\"\\uD800\\u0041\"", at: 1, .loneSurrogate),
        RefusedCase("high surrogate then a private-use escape", "\"\\uD800\\uE000\"", at: 1, .loneSurrogate),
        RefusedCase("pair in the wrong order", "\"\\uDFFF\\uD800\"", at: 1, .loneSurrogate),
        RefusedCase("lower-case lone high surrogate", "\"a\\udbff\"", at: 2, .loneSurrogate),
        RefusedCase("lone surrogate in a name", "{\"\\uDC00\":1}", at: 2, .loneSurrogate),
        RefusedCase("lone surrogate nested", "[[\"\\uDABC\"]]", at: 3, .loneSurrogate),
        RefusedCase("high surrogate at the end", "\"\\uD800", at: 7, .unexpectedEnd),
        RefusedCase("high surrogate then a backslash at the end", "\"\\uD800\\", at: 8, .unexpectedEnd),
    ]

    static let controlCases: [RefusedCase] = [
        RefusedCase("raw NUL", "\"\u{0}\"", at: 1, .controlCharacter),
        RefusedCase("raw line feed", "\"a\nb\"", at: 2, .controlCharacter),
        RefusedCase("raw carriage return", "\"\r\"", at: 1, .controlCharacter),
        RefusedCase("raw tab", "\"\t\"", at: 1, .controlCharacter),
        RefusedCase("raw unit separator", "\"\u{1F}\"", at: 1, .controlCharacter),
        RefusedCase("raw control in a name", "{\"a\u{1}\":1}", at: 3, .controlCharacter),
        RefusedCase("raw control nested", "{\"a\":[\"\u{1B}\"]}", at: 7, .controlCharacter),
    ]

    static let utf8Cases: [RefusedCase] = [
        RefusedCase("stray continuation byte", bytes: [0x22, 0x80, 0x22], at: 1, .invalidUTF8),
        RefusedCase("last continuation byte alone", bytes: [0x22, 0xBF, 0x22], at: 1, .invalidUTF8),
        RefusedCase("overlong NUL", bytes: [0x22, 0xC0, 0x80, 0x22], at: 1, .invalidUTF8),
        RefusedCase("overlong two-byte", bytes: [0x22, 0xC1, 0xBF, 0x22], at: 1, .invalidUTF8),
        RefusedCase("overlong three-byte", bytes: [0x22, 0xE0, 0x80, 0x80, 0x22], at: 1, .invalidUTF8),
        RefusedCase("overlong U+07FF", bytes: [0x22, 0xE0, 0x9F, 0xBF, 0x22], at: 1, .invalidUTF8),
        RefusedCase("encoded high surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], at: 1, .invalidUTF8),
        RefusedCase("encoded low surrogate", bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], at: 1, .invalidUTF8),
        RefusedCase("overlong four-byte", bytes: [0x22, 0xF0, 0x80, 0x80, 0x80, 0x22], at: 1, .invalidUTF8),
        RefusedCase("overlong U+FFFF", bytes: [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], at: 1, .invalidUTF8),
        RefusedCase("U+110000", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], at: 1, .invalidUTF8),
        RefusedCase("lead byte F5", bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], at: 1, .invalidUTF8),
        RefusedCase("byte FE", bytes: [0x22, 0xFE, 0x22], at: 1, .invalidUTF8),
        RefusedCase("byte FF", bytes: [0x22, 0xFF, 0x22], at: 1, .invalidUTF8),
        RefusedCase("two-byte cut by a quote", bytes: [0x22, 0xC3, 0x22], at: 1, .invalidUTF8),
        RefusedCase("three-byte cut by a quote", bytes: [0x22, 0xE2, 0x82, 0x22], at: 1, .invalidUTF8),
        RefusedCase("four-byte cut by a quote", bytes: [0x22, 0xF0, 0x9F, 0x98, 0x22], at: 1, .invalidUTF8),
        RefusedCase("two-byte cut by the end", bytes: [0x22, 0xC3], at: 1, .invalidUTF8),
        RefusedCase("four-byte cut by the end", bytes: [0x22, 0xF0, 0x9F, 0x98], at: 1, .invalidUTF8),
        RefusedCase("lead then ASCII", bytes: [0x22, 0x61, 0xC3, 0x28, 0x22], at: 2, .invalidUTF8),
        RefusedCase("bad second of three", bytes: [0x22, 0xE2, 0x28, 0xA1, 0x22], at: 1, .invalidUTF8),
        RefusedCase("bad third of three", bytes: [0x22, 0xE2, 0x82, 0x28, 0x22], at: 1, .invalidUTF8),
        RefusedCase("bad fourth of four", bytes: [0x22, 0xF0, 0x9F, 0x98, 0x41, 0x22], at: 1, .invalidUTF8),
        RefusedCase("extra continuation after a pair", bytes: [0x22, 0xC3, 0xA9, 0x80, 0x22], at: 3, .invalidUTF8),
        RefusedCase(
            "invalid byte in a name",
            bytes: Array("{\"".utf8) + [0xC3] + Array("\":1}".utf8),
            at: 2,
            .invalidUTF8
        ),
        RefusedCase(
            "invalid byte nested",
            bytes: Array("{\"a\":[\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"]}".utf8),
            at: 7,
            .invalidUTF8
        ),
    ]

    static let depthCases: [RefusedCase] = [
        RefusedCase(
            "65 arrays",
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            at: 64,
            .tooDeep
        ),
        RefusedCase(
            "65 objects",
            String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65),
            at: 64 * 5,
            .tooDeep
        ),
        RefusedCase("any container at depth limit zero", "[]", at: 0, .tooDeep, maximumDepth: 0),
        RefusedCase("second level at depth limit one", "{\"a\":[]}", at: 5, .tooDeep, maximumDepth: 1),
    ]

    @Test(arguments: structureCases + scalarCases + escapeCases + controlCases + utf8Cases + depthCases)
    func testMalformedDocumentIsRefused(_ testCase: RefusedCase) {
        #expect(
            JSONDocument.scannedEveryWay(testCase.bytes, maximumDepth: testCase.maximumDepth)
                == .failure(testCase.error)
        )
    }
}
