/// Decodes a chunked body (RFC 9112 §7.1) byte by byte around the data, which is reported as ranges of the input
/// rather than copied. Every byte it scans is consumed, so it never needs to look back.
struct ChunkedBodyScanner: Sendable {
    /// What a scan found.
    enum Outcome: Equatable {
        /// The body goes on; the whole input from `start` was consumed.
        case needsMoreBytes(consumed: Int)
        /// The trailer section ended; the body ends `consumed` bytes into the input.
        case complete(consumed: Int)
    }

    private enum Phase: Sendable {
        /// Hexadecimal digits of the chunk size.
        case size
        /// BWS after the size, before `;` or CR.
        case sizeWhitespace
        /// After `;`: BWS, then an extension name.
        case extensionBeforeName
        case extensionName
        /// BWS after a name, before `=`, `;` or CR.
        case extensionAfterName
        /// After `=`: BWS, then a token or a quoted-string.
        case extensionBeforeValue
        case extensionToken
        case extensionQuoted
        /// After a backslash inside a quoted-string.
        case extensionQuotedPair
        /// BWS after a value, before `;` or CR.
        case extensionAfterValue
        /// After the CR ending the chunk-size line.
        case sizeLineFeed
        /// Chunk data still to come.
        case data(remaining: Int)
        /// The CRLF that must follow chunk data.
        case dataCarriageReturn
        case dataLineFeed
        /// Trailer field lines after the last chunk, handed to `trailerScanner`.
        case trailers

        /// Whether the byte belongs to a chunk-size line, which `maxChunkSizeLineBytes` caps.
        var isInSizeLine: Bool {
            switch self {
            case .size, .sizeWhitespace, .extensionBeforeName, .extensionName, .extensionAfterName,
                .extensionBeforeValue, .extensionToken, .extensionQuoted, .extensionQuotedPair, .extensionAfterValue,
                .sizeLineFeed:
                return true
            case .data, .dataCarriageReturn, .dataLineFeed, .trailers:
                return false
            }
        }
    }

    /// 15 hexadecimal digits (< 2^60) cannot overflow an `Int` even when added to a body size.
    static let maxChunkSizeDigits = 15
    /// A chunk-size line with its extensions is refused past this: extensions are ignored, so only waste is longer.
    static let maxChunkSizeLineBytes = 4096

    private var phase = Phase.size
    private var chunkSize = 0
    private var chunkSizeDigits = 0
    private var sizeLineBytes = 0
    /// Decoded body bytes so far, checked against `maxBodyBytes`.
    private var bodyBytes = 0
    private var trailerBytes = 0
    private var trailerCount = 0
    private var trailerLineOffset = 0
    private var trailerScanner = FieldLineScanner()

    /// Scans `input` from `start`, appending `.body` for chunk data; the caller appends `.end` on `.complete`.
    mutating func scan(
        _ input: UnsafeRawBufferPointer,
        from start: Int,
        limits: HTTPParserLimits,
        into events: inout [HTTPRequestParser.Event]
    ) throws(HTTPParseError) -> Outcome {
        var index = start
        while index < input.count {
            if case .data(let remaining) = phase {
                let count = min(remaining, input.count - index)
                events.append(.body(index..<index + count))
                index += count
                phase = count == remaining ? .dataCarriageReturn : .data(remaining: remaining - count)
                continue
            }
            let byte = input[index]
            index += 1
            if try scanFraming(byte, limits: limits) {
                return .complete(consumed: index)
            }
        }
        return .needsMoreBytes(consumed: index)
    }

    /// Scans one byte outside chunk data; true when it ended the trailer section and with it the body.
    private mutating func scanFraming(_ byte: UInt8, limits: HTTPParserLimits) throws(HTTPParseError) -> Bool {
        if phase.isInSizeLine {
            sizeLineBytes += 1
            guard sizeLineBytes <= Self.maxChunkSizeLineBytes else {
                throw .invalidChunkFraming
            }
        }
        switch phase {
        case .size:
            if let digit = HTTPSyntax.hexDigitValue(byte) {
                chunkSizeDigits += 1
                guard chunkSizeDigits <= Self.maxChunkSizeDigits else {
                    throw .invalidChunkSize
                }
                chunkSize = chunkSize << 4 | digit
            } else if chunkSizeDigits == 0 {
                throw .invalidChunkSize  // 1*HEXDIG: no sign, no prefix, no leading space
            } else {
                try scanAfterSize(byte)
            }
        case .sizeWhitespace:
            try scanAfterSize(byte)
        case .extensionBeforeName:
            if HTTPSyntax.isTokenCharacter(byte) {
                phase = .extensionName
            } else if !HTTPSyntax.isWhitespace(byte) {
                throw .invalidChunkFraming
            }
        case .extensionName:
            if byte == HTTPSyntax.equalsSign {
                phase = .extensionBeforeValue
            } else if HTTPSyntax.isWhitespace(byte) {
                phase = .extensionAfterName
            } else if !HTTPSyntax.isTokenCharacter(byte) {
                try scanExtensionEnd(byte)
            }
        case .extensionAfterName:
            if byte == HTTPSyntax.equalsSign {
                phase = .extensionBeforeValue
            } else if !HTTPSyntax.isWhitespace(byte) {
                try scanExtensionEnd(byte)
            }
        case .extensionBeforeValue:
            if HTTPSyntax.isTokenCharacter(byte) {
                phase = .extensionToken
            } else if byte == HTTPSyntax.quotationMark {
                phase = .extensionQuoted
            } else if !HTTPSyntax.isWhitespace(byte) {
                throw .invalidChunkFraming
            }
        case .extensionToken:
            if HTTPSyntax.isWhitespace(byte) {
                phase = .extensionAfterValue
            } else if !HTTPSyntax.isTokenCharacter(byte) {
                try scanExtensionEnd(byte)
            }
        case .extensionQuoted:
            if byte == HTTPSyntax.quotationMark {
                phase = .extensionAfterValue
            } else if byte == HTTPSyntax.backslash {
                phase = .extensionQuotedPair
            } else if !HTTPSyntax.isQuotableByte(byte) {
                throw .invalidChunkFraming  // controls, CR and LF cannot be inside a quoted-string
            }
        case .extensionQuotedPair:
            guard HTTPSyntax.isQuotableByte(byte) else {
                throw .invalidChunkFraming
            }
            phase = .extensionQuoted
        case .extensionAfterValue:
            if !HTTPSyntax.isWhitespace(byte) {
                try scanExtensionEnd(byte)
            }
        case .sizeLineFeed:
            guard byte == HTTPSyntax.lineFeed else {
                throw .invalidChunkFraming
            }
            try finishSizeLine(limits: limits)
        case .data:
            preconditionFailure("chunk data is consumed as ranges, never byte by byte")
        case .dataCarriageReturn:
            guard byte == HTTPSyntax.carriageReturn else {
                throw .invalidChunkFraming  // chunk data must be followed by exactly CRLF (CONTRACT.md §1.7)
            }
            phase = .dataLineFeed
        case .dataLineFeed:
            guard byte == HTTPSyntax.lineFeed else {
                throw .invalidChunkFraming
            }
            phase = .size
        case .trailers:
            return try scanTrailer(byte, limits: limits)
        }
        return false
    }

    /// After the size digits: BWS, `;` starting an extension, or the CR ending the line.
    private mutating func scanAfterSize(_ byte: UInt8) throws(HTTPParseError) {
        if HTTPSyntax.isWhitespace(byte) {
            phase = .sizeWhitespace
        } else if byte == HTTPSyntax.semicolon {
            phase = .extensionBeforeName
        } else if byte == HTTPSyntax.carriageReturn {
            phase = .sizeLineFeed
        } else {
            throw .invalidChunkSize
        }
    }

    /// After an extension name or value: `;` starting another, or the CR ending the line.
    private mutating func scanExtensionEnd(_ byte: UInt8) throws(HTTPParseError) {
        if byte == HTTPSyntax.semicolon {
            phase = .extensionBeforeName
        } else if byte == HTTPSyntax.carriageReturn {
            phase = .sizeLineFeed
        } else {
            throw .invalidChunkFraming
        }
    }

    /// The chunk-size line ended: the last chunk starts the trailers, any other its data.
    private mutating func finishSizeLine(limits: HTTPParserLimits) throws(HTTPParseError) {
        let size = chunkSize
        chunkSize = 0
        chunkSizeDigits = 0
        sizeLineBytes = 0
        guard size > 0 else {
            phase = .trailers
            return
        }
        // CONTRACT.md §1.2: 413 as soon as the announced chunk would cross the limit, before reading its data.
        let (total, overflow) = bodyBytes.addingReportingOverflow(size)
        guard !overflow, total <= limits.maxBodyBytes else {
            throw .bodyTooLarge
        }
        bodyBytes = total
        phase = .data(remaining: size)
    }

    /// Trailer fields are checked like header fields and capped like a head, then dropped (RFC 9112 §7.1.2).
    private mutating func scanTrailer(_ byte: UInt8, limits: HTTPParserLimits) throws(HTTPParseError) -> Bool {
        trailerBytes += 1
        guard trailerBytes <= limits.maxHeadBytes else {
            throw .headTooLarge
        }
        switch try trailerScanner.scan(byte, at: trailerLineOffset) {
        case .pending:
            trailerLineOffset += 1
            return false
        case .fieldEnded:
            trailerCount += 1
            guard trailerCount <= limits.maxHeaders else {
                throw .tooManyHeaders
            }
            trailerLineOffset = 0
            return false
        case .sectionEnded:
            self = ChunkedBodyScanner()
            return true
        }
    }
}
