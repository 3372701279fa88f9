import Testing

@testable import HTTP

/// One table row: a named request, the limits to parse it with, and what must come out in every split.
struct ParserCase: Sendable, CustomTestStringConvertible {
    let name: String
    let request: [UInt8]
    let limits: HTTPParserLimits
    let expected: ParseOutcome

    var testDescription: String { name }

    /// A request that must be refused with `error`, after whatever `events` it produced before.
    init(
        _ name: String,
        _ request: String,
        refusedWith error: HTTPParseError,
        after events: [ParsedEvent] = [],
        limits: HTTPParserLimits = HTTPParserLimits()
    ) {
        self.init(name, bytes: Array(request.utf8), refusedWith: error, after: events, limits: limits)
    }

    /// A request given as bytes (obs-text, invalid UTF-8) that must be refused with `error`.
    init(
        _ name: String,
        bytes: [UInt8],
        refusedWith error: HTTPParseError,
        after events: [ParsedEvent] = [],
        limits: HTTPParserLimits = HTTPParserLimits()
    ) {
        self.name = name
        self.request = bytes
        self.limits = limits
        self.expected = ParseOutcome(events: events, error: error)
    }

    /// A request that must produce `events` and no refusal.
    init(
        _ name: String,
        _ request: String,
        parsesTo events: [ParsedEvent],
        limits: HTTPParserLimits = HTTPParserLimits()
    ) {
        self.init(name, bytes: Array(request.utf8), parsesTo: events, limits: limits)
    }

    /// A request given as bytes that must produce `events` and no refusal.
    init(
        _ name: String,
        bytes: [UInt8],
        parsesTo events: [ParsedEvent],
        limits: HTTPParserLimits = HTTPParserLimits()
    ) {
        self.name = name
        self.request = bytes
        self.limits = limits
        self.expected = ParseOutcome(events: events, error: nil)
    }
}
