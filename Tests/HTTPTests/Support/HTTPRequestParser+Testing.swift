import Testing

@testable import HTTP

/// A parser event with its body bytes copied out, so runs over differently split inputs compare equal.
enum ParsedEvent: Equatable, Sendable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end
}

/// Everything one run produced: the events, consecutive bodies merged, and the refusal if there was one.
struct ParseOutcome: Equatable, Sendable {
    var events: [ParsedEvent] = []
    var error: HTTPParseError?
}

extension HTTPRequestParser {
    /// Feeds the chunks in order the way a connection does (unconsumed bytes again, followed by new ones), parsing
    /// every pipelined request; throws the refusal, if any.
    static func parseAll(
        _ chunks: [[UInt8]],
        limits: HTTPParserLimits = HTTPParserLimits()
    ) throws(HTTPParseError) -> [ParsedEvent] {
        let outcome = outcome(of: chunks, limits: limits)
        if let error = outcome.error {
            throw error
        }
        return outcome.events
    }

    /// Like `parseAll`, but returns the events seen before a refusal as well. Records an issue when the parser
    /// breaks its promises: consuming more than given, or a `.body` range empty or outside the input.
    static func outcome(of chunks: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) -> ParseOutcome {
        var parser = HTTPRequestParser(limits: limits)
        var buffer: [UInt8] = []
        var outcome = ParseOutcome()
        for chunk in chunks {
            buffer.append(contentsOf: chunk)
            while true {
                var events: [Event] = []
                let result = buffer.withUnsafeBytes { bytes in
                    Result { () throws(HTTPParseError) in try parser.parse(bytes, into: &events) }
                }
                for event in events {
                    switch event {
                    case .head(let head):
                        outcome.events.append(.head(head))
                    case .body(let range):
                        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= buffer.count else {
                            Issue.record("bad body range \(range) in \(buffer.count) bytes")
                            continue
                        }
                        if case .body(let earlier) = outcome.events.last {
                            outcome.events[outcome.events.count - 1] = .body(earlier + buffer[range])
                        } else {
                            outcome.events.append(.body(Array(buffer[range])))
                        }
                    case .end:
                        outcome.events.append(.end)
                    }
                }
                switch result {
                case .failure(let error):
                    outcome.error = error
                    return outcome
                case .success(let consumed):
                    guard consumed > 0, consumed <= buffer.count else {
                        if consumed > buffer.count {
                            Issue.record("consumed \(consumed) of \(buffer.count) bytes")
                        }
                        break
                    }
                    buffer.removeFirst(consumed)
                    continue
                }
                break
            }
        }
        return outcome
    }

    /// The outcome of `bytes` fed in every split of `ByteSplits.all(of:)`, expecting all of them to agree.
    static func outcomeInEverySplit(
        _ bytes: [UInt8],
        limits: HTTPParserLimits = HTTPParserLimits(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ParseOutcome {
        let whole = outcome(of: [bytes], limits: limits)
        for chunks in ByteSplits.all(of: bytes) {
            let split = outcome(of: chunks, limits: limits)
            #expect(split == whole, "split into \(chunks.map(\.count))", sourceLocation: sourceLocation)
        }
        return whole
    }
}

extension ParsedEvent {
    /// A head event as tests spell it: fields as pairs, HTTP/1.1 and no body unless said otherwise.
    static func head(
        _ method: String,
        _ target: String,
        _ fields: [(String, String)],
        version: HTTPVersion = .http1_1,
        framing: HTTPBodyFraming = .none
    ) -> ParsedEvent {
        .head(
            HTTPRequestHead(
                method: method,
                target: target,
                version: version,
                headers: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) }),
                framing: framing
            )
        )
    }

    /// A body event from text.
    static func body(_ text: String) -> ParsedEvent {
        .body(Array(text.utf8))
    }
}
