import JSON
import Testing

/// Every byte value inside a string, and UTF-8 sequences checked against the standard library's validator.
@Suite struct JSONStringByteTests {
    /// The refusal a lone byte between quotes must get, nil when RFC 8259 allows it unescaped.
    static func expectedError(forLoneByte byte: UInt8) -> JSONError? {
        switch byte {
        case 0x00..<0x20:
            return JSONError(offset: 1, reason: .controlCharacter)
        case UInt8(ascii: "\""):
            return JSONError(offset: 2, reason: .trailingBytes)  // `""` then a stray quote
        case UInt8(ascii: "\\"):
            return JSONError(offset: 3, reason: .unexpectedEnd)  // `\"` escapes the closing quote
        case 0x80...0xFF:
            return JSONError(offset: 1, reason: .invalidUTF8)
        default:
            return nil
        }
    }

    @Test(arguments: 0...255)
    func testLoneByteInStringIsAcceptedOnlyWhenAllowed(_ value: Int) {
        let byte = UInt8(value)
        let outcome = JSONDocument.scannedEveryWay([0x22, byte, 0x22])
        if let error = Self.expectedError(forLoneByte: byte) {
            #expect(outcome == .failure(error))
        } else {
            #expect(outcome == .success(ScanOutcome(rootKind: .string, members: [])))
        }
    }

    @Test(arguments: 0...255)
    func testLoneByteInTopLevelNameAndValueDecodes(_ value: Int) {
        let byte = UInt8(value)
        let document = Array("{\"".utf8) + [byte] + Array("\":\"".utf8) + [byte] + Array("\"}".utf8)
        let outcome = JSONDocument.scannedEveryWay(document)
        if let error = Self.expectedError(forLoneByte: byte) {
            guard case .failure(let refusal) = outcome else {
                Issue.record("accepted \(document)")
                return
            }
            // In the name the byte sits one further in. A quote there ends the name early and a backslash makes
            // `\":` the name; either way the next byte is not the colon.
            let isQuoteOrBackslash = byte == 0x22 || byte == 0x5C
            #expect(refusal.offset >= 2 && refusal.reason == (isQuoteOrBackslash ? .unexpectedByte : error.reason))
        } else {
            let text = String(decoding: [byte], as: UTF8.self)
            let expected = member(text, .string, 1..<8, 5..<8, string: text)
            #expect(outcome == .success(ScanOutcome(rootKind: .object, members: [expected])))
        }
    }

    @Test(arguments: 0...255)
    func testOnlyValueBytesStartAValue(_ value: Int) {
        let byte = UInt8(value)
        let outcome = JSONDocument.scannedEveryWay([UInt8(ascii: "["), byte, UInt8(ascii: "]")])
        if isDigit(byte) || isWhitespace(byte) {
            #expect(outcome == .success(ScanOutcome(rootKind: .array, members: [])))
        } else if byte == UInt8(ascii: "]") {
            #expect(outcome == .failure(JSONError(offset: 2, reason: .trailingBytes)))
        } else {
            #expect((try? outcome.get()) == nil)
        }
    }

    /// Every two-byte sequence and every three-byte sequence with a lead E0–EF, with continuation candidates just
    /// around 80–BF, agree with `String(validating:as:)`.
    @Test(arguments: 0xC0...0xFF)
    func testMultibyteSequencesAgreeWithStandardLibrary(_ lead: Int) {
        let candidates: [UInt8] = [0x00, 0x22, 0x41, 0x7F] + Array(0x80...0xC1) + [0xE0, 0xF0, 0xFF]
        var sequences: [[UInt8]] = candidates.map { [UInt8(lead), $0] }
        if (0xE0...0xF4).contains(lead) {
            for second in candidates {
                for third in [0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0] as [UInt8] {
                    sequences.append([UInt8(lead), second, third])
                    sequences.append([UInt8(lead), second, third, 0x80])
                    sequences.append([UInt8(lead), second, third, 0xC0])
                }
            }
        }
        for sequence in sequences where !sequence.contains(0x22) && !sequence.contains(0x5C) {
            let isValid = String(validating: sequence, as: UTF8.self) != nil && !sequence.contains { $0 < 0x20 }
            let accepted = (try? JSONDocument(parsing: [0x22] + sequence + [0x22], maximumDepth: nil)) != nil
            #expect(accepted == isValid, "\(sequence)")
        }
    }
}

private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}
