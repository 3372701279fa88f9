/// Strict, incremental HTTP/1.1 request parser (RFC 9112). A value type, no I/O.
///
/// The caller keeps its unconsumed bytes and passes them again, followed by new ones; the parser remembers how far
/// it scanned, so a head fed one byte at a time is still scanned once. Body bytes are reported as ranges of the
/// caller's buffer, never copied.
package struct HTTPRequestParser: Sendable {
    /// What the parser found, in order: one `.head`, any number of non-empty `.body` ranges, then `.end`.
    package enum Event: Equatable, Sendable {
        /// A complete, checked request head.
        case head(HTTPRequestHead)
        /// Decoded body bytes at these offsets of the `input` passed to the same `parse` call.
        case body(Range<Int>)
        /// The request (head and body) is complete.
        case end
    }

    private enum Phase: Sendable {
        /// Between requests, or inside a head.
        case head
        /// In a `Content-Length` body with this many bytes still to come.
        case fixedLengthBody(remaining: Int)
        /// In a chunked body, scanned by `chunkedScanner`.
        case chunkedBody
        /// A refusal was thrown; the connection must close, so every later call throws it again.
        case failed(HTTPParseError)
    }

    private let limits: HTTPParserLimits
    private var phase = Phase.head
    private var headScanner = RequestHeadScanner()
    private var chunkedScanner = ChunkedBodyScanner()

    /// Makes a parser waiting for the first request.
    package init(limits: HTTPParserLimits) {
        self.limits = limits
    }

    /// True between requests and while the head is incomplete.
    package var isReadingHead: Bool {
        if case .head = phase {
            return true
        }
        return false
    }

    /// True once a byte of the current request, past any leading empty lines, arrived: the connection uses it to
    /// tell a stalled request (408) from an idle keep-alive connection (silent close), CONTRACT.md §1.7.
    package var hasStartedRequest: Bool {
        switch phase {
        case .head:
            return headScanner.hasStarted
        case .fixedLengthBody, .chunkedBody, .failed:
            return true
        }
    }

    /// True while the body of a request whose head was emitted is incomplete.
    package var isReadingBody: Bool {
        switch phase {
        case .fixedLengthBody, .chunkedBody:
            return true
        case .head, .failed:
            return false
        }
    }

    /// Parses from the start of `input` (the caller's unconsumed bytes: bytes not consumed by earlier calls are passed
    /// again, followed by new ones). Appends events; `.body` ranges index into `input`. Returns the number of bytes
    /// consumed. Stops right after emitting `.end` (so the caller can hold pipelined requests until its response is
    /// done); call again to parse the next request. Throws on malformed input; after a throw the parser is dead.
    package mutating func parse(
        _ input: UnsafeRawBufferPointer,
        into events: inout [Event]
    ) throws(HTTPParseError) -> Int {
        do throws(HTTPParseError) {
            return try parseRequest(input, into: &events)
        } catch {
            phase = .failed(error)
            throw error
        }
    }

    /// Carries one request as far as `input` allows, from the head through the body to `.end`.
    private mutating func parseRequest(
        _ input: UnsafeRawBufferPointer,
        into events: inout [Event]
    ) throws(HTTPParseError) -> Int {
        var consumed = 0
        while true {
            switch phase {
            case .failed(let error):
                throw error
            case .head:
                switch try headScanner.scan(input, from: consumed, limits: limits) {
                case .needsMoreBytes(let headConsumed):
                    return headConsumed
                case .complete(let head, let headConsumed):
                    consumed = headConsumed
                    events.append(.head(head))
                    switch head.framing {
                    case .none:
                        events.append(.end)
                        return consumed
                    case .contentLength(let length):
                        phase = .fixedLengthBody(remaining: length)  // 0 ends on the next turn, with no `.body`
                    case .chunked:
                        phase = .chunkedBody
                    }
                }
            case .fixedLengthBody(let remaining):
                let count = min(remaining, input.count - consumed)
                if count > 0 {
                    events.append(.body(consumed..<consumed + count))
                    consumed += count
                }
                guard count == remaining else {
                    phase = .fixedLengthBody(remaining: remaining - count)
                    return consumed
                }
                phase = .head
                events.append(.end)
                return consumed
            case .chunkedBody:
                switch try chunkedScanner.scan(input, from: consumed, limits: limits, into: &events) {
                case .needsMoreBytes(let bodyConsumed):
                    return bodyConsumed
                case .complete(let bodyConsumed):
                    phase = .head
                    events.append(.end)
                    return bodyConsumed
                }
            }
        }
    }
}
