/// Checks field lines (header or trailer section, RFC 9112 §5) one byte at a time, remembering where the name ends
/// and where the trimmed value lies within the current line, so no byte is looked at twice.
struct FieldLineScanner: Sendable {
    /// What the byte just scanned completed.
    enum Outcome: Equatable {
        /// The line goes on.
        case pending
        /// A field line ended with CRLF; `nameEnd` and `valueRange` describe it.
        case fieldEnded
        /// The empty line that ends the section.
        case sectionEnded
    }

    private enum Phase: Sendable {
        /// First byte of a line: a name, or the CR of the empty line.
        case lineStart
        case name
        /// After the colon: OWS, value bytes, OWS.
        case value
        /// After the CR ending a field line.
        case lineFeed
        /// After the CR of the empty line.
        case sectionEndFeed
    }

    private var phase = Phase.lineStart
    /// Offset of the `:` within the line.
    private(set) var nameEnd = 0
    private var valueStart: Int?
    private var valueEnd = 0

    /// The offsets of the value within the line, without the whitespace around it.
    var valueRange: Range<Int> {
        guard let valueStart else {
            return nameEnd + 1..<nameEnd + 1
        }
        return valueStart..<valueEnd
    }

    /// Scans `byte`, found at `offset` within the current line.
    mutating func scan(_ byte: UInt8, at offset: Int) throws(HTTPParseError) -> Outcome {
        switch phase {
        case .lineStart:
            if byte == HTTPSyntax.carriageReturn {
                phase = .sectionEndFeed
            } else if HTTPSyntax.isWhitespace(byte) {
                throw .obsFold  // CONTRACT.md §1.7: obs-fold is refused, never unfolded.
            } else if byte == HTTPSyntax.lineFeed {
                throw .invalidHeaderValue  // a bare LF ends no line here (CONTRACT.md §1.7)
            } else if HTTPSyntax.isTokenCharacter(byte) {
                phase = .name
            } else {
                throw .invalidHeaderName
            }
        case .name:
            if byte == HTTPSyntax.colon {
                nameEnd = offset
                valueStart = nil
                phase = .value
            } else if !HTTPSyntax.isTokenCharacter(byte) {
                throw .invalidHeaderName  // includes whitespace before the colon (RFC 9112 §5.1)
            }
        case .value:
            if byte == HTTPSyntax.carriageReturn {
                phase = .lineFeed
            } else if HTTPSyntax.isForbiddenInFieldValue(byte) {
                throw .invalidHeaderValue  // NUL, bare LF and other controls (CONTRACT.md §1.7)
            } else if !HTTPSyntax.isWhitespace(byte) {
                valueStart = valueStart ?? offset
                valueEnd = offset + 1
            }
        case .lineFeed:
            guard byte == HTTPSyntax.lineFeed else {
                throw .invalidHeaderValue  // a bare CR inside a value (CONTRACT.md §1.7)
            }
            phase = .lineStart
            return .fieldEnded
        case .sectionEndFeed:
            guard byte == HTTPSyntax.lineFeed else {
                throw .invalidHeaderValue
            }
            phase = .lineStart
            return .sectionEnded
        }
        return .pending
    }
}
