/// Scans one request head (RFC 9112 §2-§5) byte by byte. Complete lines are consumed as they end, so the caller
/// only keeps the current line; `lineScanned` remembers how much of it was already checked, so feeding a head one
/// byte at a time costs O(n), not O(n²).
struct RequestHeadScanner: Sendable {
    /// What a scan found.
    enum Outcome: Equatable {
        /// The head is not complete; `consumed` bytes of complete lines may be dropped by the caller.
        case needsMoreBytes(consumed: Int)
        /// The empty line arrived; the head ends `consumed` bytes into the input.
        case complete(HTTPRequestHead, consumed: Int)
    }

    private enum Phase: Sendable {
        /// Before the method; a CR here starts an ignored empty line.
        case requestStart
        /// After the CR of an ignored empty line.
        case leadingLineFeed
        case method
        case target
        case version
        /// After the CR ending the request line.
        case requestLineFeed
        /// Header field lines, handed to `fieldScanner`.
        case fields
    }

    /// Empty lines ignored before a request line (RFC 9112 §2.2 asks for at least one, after a body's stray CRLF).
    static let maxLeadingEmptyLines = 4
    /// `HTTP/` DIGIT `.` DIGIT.
    static let versionLength = 8

    private var phase = Phase.requestStart
    /// Bytes of the current line, starting at the caller's first unconsumed byte, already scanned.
    private var lineScanned = 0
    /// Bytes of this head in lines already consumed, for the `maxHeadBytes` limit.
    private var headBytes = 0
    private var leadingEmptyLines = 0
    /// Whether a byte of the request itself (not a leading empty line) arrived.
    private(set) var hasStarted = false
    /// Offset of the space after the method within the request line.
    private var methodEnd = 0
    /// Offset of the space after the target within the request line.
    private var targetEnd = 0
    /// Offset of the CR ending the request line.
    private var versionEnd = 0
    private var method = ""
    private var target = ""
    private var version = HTTPVersion.http1_1
    private var headers = HTTPHeaders()
    private var fieldScanner = FieldLineScanner()

    /// Scans `input` from `start`, the first byte the caller has not seen consumed, going on where the last scan
    /// stopped. The scanner is reset for the next request once it returns `.complete`.
    mutating func scan(
        _ input: UnsafeRawBufferPointer,
        from start: Int,
        limits: HTTPParserLimits
    ) throws(HTTPParseError) -> Outcome {
        var lineStart = start
        var index = start + lineScanned
        guard index <= input.count else {
            return .needsMoreBytes(consumed: start)  // fewer bytes than last time: a caller bug, nothing to scan
        }
        while index < input.count {
            let byte = input[index]
            let offset = index - lineStart
            // CONTRACT.md §1.7: refuse as soon as the buffered head is over the limit, not when it ends.
            if headBytes + offset >= limits.maxHeadBytes {
                throw .headTooLarge
            }
            index += 1
            switch try scan(byte, at: offset, line: input[lineStart..<index], limits: limits) {
            case .pending:
                continue
            case .lineEnded:
                headBytes += index - lineStart
                lineStart = index
            case .headEnded:
                let head = try HTTPRequestHead.checked(
                    method: method,
                    target: target,
                    version: version,
                    headers: headers
                )
                self = RequestHeadScanner()
                return .complete(head, consumed: index)
            }
        }
        lineScanned = index - lineStart
        return .needsMoreBytes(consumed: lineStart)
    }

    /// What one byte completed.
    private enum LineOutcome {
        case pending
        /// A complete line (empty leading line, request line or field line) that the caller may drop.
        case lineEnded
        /// The empty line ending the head.
        case headEnded
    }

    /// Scans one byte at `offset` within `line`, which holds the current line up to and including the byte.
    private mutating func scan(
        _ byte: UInt8,
        at offset: Int,
        line: Slice<UnsafeRawBufferPointer>,
        limits: HTTPParserLimits
    ) throws(HTTPParseError) -> LineOutcome {
        switch phase {
        case .requestStart:
            if byte == HTTPSyntax.carriageReturn {
                guard leadingEmptyLines < Self.maxLeadingEmptyLines else {
                    throw .invalidRequestLine
                }
                leadingEmptyLines += 1
                phase = .leadingLineFeed
                return .pending
            }
            hasStarted = true
            guard HTTPSyntax.isTokenCharacter(byte) else {
                throw .invalidRequestLine  // a method is a token; this includes a bare LF
            }
            phase = .method
        case .leadingLineFeed:
            guard byte == HTTPSyntax.lineFeed else {
                throw .invalidRequestLine  // bare CR (CONTRACT.md §1.7)
            }
            phase = .requestStart
            return .lineEnded
        case .method:
            if byte == HTTPSyntax.space {
                methodEnd = offset
                phase = .target
            } else if !HTTPSyntax.isTokenCharacter(byte) {
                throw .invalidRequestLine
            }
        case .target:
            if byte == HTTPSyntax.space {
                guard offset > methodEnd + 1 else {
                    throw .invalidRequestLine  // exactly one SP between method and target
                }
                targetEnd = offset
                phase = .version
            } else if byte == HTTPSyntax.carriageReturn || byte == HTTPSyntax.lineFeed {
                throw .invalidRequestLine  // no version (HTTP/0.9 style) or a bare line ending
            } else if !HTTPSyntax.isTargetByte(byte) {
                throw .invalidTarget
            }
        case .version:
            if byte == HTTPSyntax.carriageReturn {
                versionEnd = offset
                phase = .requestLineFeed
            } else if offset - targetEnd > Self.versionLength || !Self.isVersionByte(byte) {
                throw .invalidRequestLine  // a second SP, a bare LF or an overlong version
            }
        case .requestLineFeed:
            guard byte == HTTPSyntax.lineFeed else {
                throw .invalidRequestLine  // bare CR (CONTRACT.md §1.7)
            }
            try finishRequestLine(line)
            phase = .fields
            return .lineEnded
        case .fields:
            switch try fieldScanner.scan(byte, at: offset) {
            case .pending:
                return .pending
            case .fieldEnded:
                guard headers.count < limits.maxHeaders else {
                    throw .tooManyHeaders  // CONTRACT.md §1.7
                }
                let lineStart = line.startIndex
                let value = fieldScanner.valueRange
                headers.add(
                    name: String(decoding: line[lineStart..<lineStart + fieldScanner.nameEnd], as: UTF8.self),
                    value: String(
                        decoding: line[lineStart + value.lowerBound..<lineStart + value.upperBound],
                        as: UTF8.self
                    )
                )
                return .lineEnded
            case .sectionEnded:
                return .headEnded
            }
        }
        return .pending
    }

    /// Letters, digits, `/` and `.`: enough to tell a malformed version from an unsupported one at the CR.
    private static func isVersionByte(_ byte: UInt8) -> Bool {
        HTTPSyntax.isTokenCharacter(byte) || byte == HTTPSyntax.slash
    }

    /// Checks the version, then the target form, once the request line ended. The version goes first so that the
    /// HTTP/2 preface (`PRI * HTTP/2.0`) is answered 505, not 400 for its `*` target (CONTRACT.md §1.7).
    private mutating func finishRequestLine(_ line: Slice<UnsafeRawBufferPointer>) throws(HTTPParseError) {
        let lineStart = line.startIndex
        let versionBytes = line[lineStart + targetEnd + 1..<lineStart + versionEnd]
        let methodBytes = line[lineStart..<lineStart + methodEnd]
        let targetBytes = line[lineStart + methodEnd + 1..<lineStart + targetEnd]
        version = try Self.version(versionBytes)
        if targetBytes.elementsEqual("*".utf8) {
            guard methodBytes.elementsEqual("OPTIONS".utf8) else {
                throw .invalidTarget  // asterisk-form is for OPTIONS only (RFC 9112 §3.2.4)
            }
        } else if targetBytes.first != HTTPSyntax.slash {
            throw .invalidTarget  // absolute-form and authority-form are for proxies (CONTRACT.md §1.7)
        }
        method = String(decoding: methodBytes, as: UTF8.self)
        target = String(decoding: targetBytes, as: UTF8.self)
    }

    /// `HTTP/` DIGIT `.` DIGIT (case-sensitive, RFC 9112 §2.3); only 1.0 and 1.1 are supported.
    private static func version(_ bytes: Slice<UnsafeRawBufferPointer>) throws(HTTPParseError) -> HTTPVersion {
        guard bytes.count == versionLength, bytes.prefix(5).elementsEqual("HTTP/".utf8),
            let major = HTTPSyntax.decimalDigitValue(bytes[bytes.startIndex + 5]),
            bytes[bytes.startIndex + 6] == UInt8(ascii: "."),
            let minor = HTTPSyntax.decimalDigitValue(bytes[bytes.startIndex + 7])
        else {
            throw .invalidRequestLine
        }
        let version = HTTPVersion(major: major, minor: minor)
        guard version == .http1_0 || version == .http1_1 else {
            throw .unsupportedVersion  // CONTRACT.md §1.7: 505 for HTTP/2.0, 0.9, 3.0 and the like
        }
        return version
    }
}
