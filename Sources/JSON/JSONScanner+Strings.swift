extension JSONScanner {
    /// Scans the string whose opening quote is at `index`, leaving `index` after its closing quote. Checks every
    /// byte (RFC 8259 §7, §8.1: controls escaped, well-formed UTF-8, paired surrogate escapes); decodes it only
    /// when `decoding` is set, for the top-level object's names and values.
    mutating func scanString(decoding: Bool) throws(JSONError) -> String? {
        index += 1
        if decoding {
            scratch.removeAll(keepingCapacity: true)
        }
        var runStart = index
        while index < input.count {
            let byte = input[index]
            if byte == JSONSyntax.quotationMark {
                if decoding {
                    scratch.append(contentsOf: input[runStart..<index])
                }
                index += 1
                return decoding ? String(decoding: scratch, as: UTF8.self) : nil
            } else if byte == JSONSyntax.backslash {
                if decoding {
                    scratch.append(contentsOf: input[runStart..<index])
                }
                try scanEscape(decoding: decoding)
                runStart = index
            } else if byte < JSONSyntax.space {
                throw JSONError(offset: index, reason: .controlCharacter)
            } else if byte < 0x80 {
                index += 1
            } else {
                try scanMultibyteSequence(lead: byte)
            }
        }
        throw JSONError(offset: index, reason: .unexpectedEnd)
    }

    /// Scans the escape whose backslash is at `index`, appending the character it stands for when decoding.
    private mutating func scanEscape(decoding: Bool) throws(JSONError) {
        let escapeStart = index
        guard index + 1 < input.count else {
            throw JSONError(offset: input.count, reason: .unexpectedEnd)
        }
        let decoded: UInt8
        switch input[index + 1] {
        case JSONSyntax.quotationMark, JSONSyntax.backslash, JSONSyntax.slash:
            decoded = input[index + 1]
        case UInt8(ascii: "b"):
            decoded = JSONSyntax.backspace
        case UInt8(ascii: "f"):
            decoded = JSONSyntax.formFeed
        case UInt8(ascii: "n"):
            decoded = JSONSyntax.lineFeed
        case UInt8(ascii: "r"):
            decoded = JSONSyntax.carriageReturn
        case UInt8(ascii: "t"):
            decoded = JSONSyntax.tab
        case UInt8(ascii: "u"):
            let scalar = try scanUnicodeEscape()
            if decoding {
                JSONSyntax.appendUTF8(scalar, to: &scratch)
            }
            return
        default:
            throw JSONError(offset: escapeStart, reason: .invalidEscape)
        }
        index += 2
        if decoding {
            scratch.append(decoded)
        }
    }

    /// Scans `\uXXXX` at `index`, or a surrogate pair of two such escapes, and returns the scalar it stands for.
    /// A surrogate may only appear as a high one followed by a low one: anything else cannot become UTF-8.
    private mutating func scanUnicodeEscape() throws(JSONError) -> UInt32 {
        let escapeStart = index
        let unit = try hexQuad(escapeStart: escapeStart)
        index += 6
        switch unit {
        case 0xD800...0xDBFF:
            // Only a second `\u` may follow; the end of input there is an unfinished string, not a lone half.
            guard index < input.count else {
                throw JSONError(offset: input.count, reason: .unexpectedEnd)
            }
            guard input[index] == JSONSyntax.backslash else {
                throw JSONError(offset: escapeStart, reason: .loneSurrogate)
            }
            guard index + 1 < input.count else {
                throw JSONError(offset: input.count, reason: .unexpectedEnd)
            }
            guard input[index + 1] == UInt8(ascii: "u") else {
                throw JSONError(offset: escapeStart, reason: .loneSurrogate)
            }
            let low = try hexQuad(escapeStart: index)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONError(offset: escapeStart, reason: .loneSurrogate)
            }
            index += 6
            return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw JSONError(offset: escapeStart, reason: .loneSurrogate)
        default:
            return unit
        }
    }

    /// The four hexadecimal digits after the `\u` at `escapeStart`.
    private func hexQuad(escapeStart: Int) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for position in escapeStart + 2..<escapeStart + 6 {
            guard position < input.count else {
                throw JSONError(offset: input.count, reason: .unexpectedEnd)
            }
            guard let digit = JSONSyntax.hexDigitValue(input[position]) else {
                throw JSONError(offset: escapeStart, reason: .invalidUnicodeEscape)
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Scans one multi-byte UTF-8 sequence whose lead byte is at `index` (Unicode 15 Table 3-7: well-formed
    /// sequences). The second byte's range is what rules out overlong forms, surrogates and values over U+10FFFF.
    private mutating func scanMultibyteSequence(lead: UInt8) throws(JSONError) {
        let continuationCount: Int
        let secondByte: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF:
            (continuationCount, secondByte) = (1, 0x80...0xBF)
        case 0xE0:
            (continuationCount, secondByte) = (2, 0xA0...0xBF)  // below A0: overlong
        case 0xE1...0xEC, 0xEE...0xEF:
            (continuationCount, secondByte) = (2, 0x80...0xBF)
        case 0xED:
            (continuationCount, secondByte) = (2, 0x80...0x9F)  // above 9F: a surrogate, U+D800–U+DFFF
        case 0xF0:
            (continuationCount, secondByte) = (3, 0x90...0xBF)  // below 90: overlong
        case 0xF1...0xF3:
            (continuationCount, secondByte) = (3, 0x80...0xBF)
        case 0xF4:
            (continuationCount, secondByte) = (3, 0x80...0x8F)  // above 8F: over U+10FFFF
        default:
            // 80–BF without a lead, C0–C1 (overlong ASCII), F5–FF (over U+10FFFF or never used).
            throw JSONError(offset: index, reason: .invalidUTF8)
        }
        let leadOffset = index
        guard leadOffset + continuationCount < input.count, secondByte.contains(input[leadOffset + 1]) else {
            throw JSONError(offset: leadOffset, reason: .invalidUTF8)
        }
        var position = leadOffset + 2
        while position <= leadOffset + continuationCount {
            guard input[position] & 0xC0 == 0x80 else {
                throw JSONError(offset: leadOffset, reason: .invalidUTF8)
            }
            position += 1
        }
        index = position
    }
}
