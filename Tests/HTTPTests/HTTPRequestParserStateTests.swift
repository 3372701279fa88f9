import Testing

@testable import HTTP

/// The parser as a connection drives it: pipelining, the state properties, consumption and death after a refusal.
@Suite struct HTTPRequestParserStateTests {
    /// Parses `text` once, returning the consumed count and the events.
    private func parse(
        _ parser: inout HTTPRequestParser,
        _ bytes: [UInt8]
    ) throws(HTTPParseError) -> (consumed: Int, events: [HTTPRequestParser.Event]) {
        var events: [HTTPRequestParser.Event] = []
        let result = bytes.withUnsafeBytes { input in
            Result { () throws(HTTPParseError) in try parser.parse(input, into: &events) }
        }
        return (try result.get(), events)
    }

    @Test func testParseStopsAfterFirstPipelinedRequest() throws {
        let first = Array("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi".utf8)
        let second = Array("GET /b HTTP/1.1\r\nHost: b\r\n\r\n".utf8)
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        let (consumed, events) = try parse(&parser, first + second)
        #expect(consumed == first.count)
        #expect(events.count == 3)
        #expect(events.last == .end)
        #expect(events.dropFirst().first == .body(first.count - 2..<first.count))
        #expect(parser.isReadingHead && !parser.hasStartedRequest && !parser.isReadingBody)

        let (secondConsumed, secondEvents) = try parse(&parser, second)
        #expect(secondConsumed == second.count)
        guard case .head(let head) = secondEvents.first else {
            Issue.record("no head: \(secondEvents)")
            return
        }
        #expect(head.target == "/b")
        #expect(secondEvents.dropFirst() == [.end])
    }

    @Test func testStatePropertiesFollowTheRequest() throws {
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        #expect(parser.isReadingHead && !parser.hasStartedRequest && !parser.isReadingBody)

        #expect(try parse(&parser, Array("\r\n".utf8)).consumed == 2)  // leading empty line: not a request yet
        #expect(parser.isReadingHead && !parser.hasStartedRequest)

        // Complete lines are consumed as they end; the unfinished one is left to the caller.
        let partial = Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Le".utf8)
        let (consumed, events) = try parse(&parser, partial)
        #expect(consumed == "POST / HTTP/1.1\r\nHost: a\r\n".utf8.count)
        #expect(events.isEmpty)
        #expect(parser.isReadingHead && parser.hasStartedRequest && !parser.isReadingBody)

        let rest = Array("Content-Length: 4\r\n\r\nab".utf8)
        let (restConsumed, restEvents) = try parse(&parser, rest)
        #expect(restConsumed == rest.count)
        #expect(restEvents.count == 2)
        #expect(!parser.isReadingHead && parser.hasStartedRequest && parser.isReadingBody)

        let (_, endEvents) = try parse(&parser, Array("cd".utf8))
        #expect(endEvents == [.body(0..<2), .end])
        #expect(parser.isReadingHead && !parser.hasStartedRequest && !parser.isReadingBody)
    }

    @Test func testUnconsumedBytesPassedAgainAreNotRescanned() throws {
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        var buffer = Array("GET / HTTP/1.1\r\nHos".utf8)
        let (consumed, _) = try parse(&parser, buffer)
        buffer.removeFirst(consumed)
        #expect(buffer == Array("Hos".utf8))
        buffer += Array("t: a\r\n\r\n".utf8)
        let (secondConsumed, events) = try parse(&parser, buffer)
        #expect(secondConsumed == buffer.count)
        #expect(events.count == 2)
    }

    @Test func testParserStaysDeadAfterRefusal() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        #expect(throws: HTTPParseError.obsFold) {
            try parse(&parser, Array("GET / HTTP/1.1\r\n X".utf8))
        }
        #expect(!parser.isReadingHead && !parser.isReadingBody)
        #expect(throws: HTTPParseError.obsFold) {
            try parse(&parser, Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        }
    }

    @Test func testEmptyInputConsumesNothing() throws {
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        let (consumed, events) = try parse(&parser, [])
        #expect(consumed == 0 && events.isEmpty)
    }
}
