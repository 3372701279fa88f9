import Testing

@testable import HTTP

/// Well-formed requests and the exact events they produce, the same in every split of the input.
@Suite struct HTTPRequestParserAcceptanceTests {
    static let host = [("Host", "a")]

    static let cases: [ParserCase] = [
        ParserCase(
            "simple GET",
            "GET /v1/models HTTP/1.1\r\nHost: relay.example\r\n\r\n",
            parsesTo: [.head("GET", "/v1/models", [("Host", "relay.example")]), .end]
        ),
        ParserCase(
            "POST with a Content-Length body",
            "POST /users HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
            parsesTo: [
                .head("POST", "/users", [("Host", "a"), ("Content-Length", "11")], framing: .contentLength(11)),
                .body("hello world"), .end,
            ]
        ),
        ParserCase(
            "Content-Length: 0 ends right after the head",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
            parsesTo: [.head("POST", "/", [("Host", "a"), ("Content-Length", "0")], framing: .contentLength(0)), .end]
        ),
        ParserCase(
            "incomplete Content-Length body stays open",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc",
            parsesTo: [
                .head("POST", "/", [("Host", "a"), ("Content-Length", "10")], framing: .contentLength(10)),
                .body("abc"),
            ]
        ),
        ParserCase(
            "repeated identical Content-Length, as fields and as a list",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 003\r\n\r\nabc",
            parsesTo: [
                .head(
                    "POST",
                    "/",
                    [("Host", "a"), ("Content-Length", "3, 3"), ("Content-Length", "003")],
                    framing: .contentLength(3)
                ),
                .body("abc"), .end,
            ]
        ),
        ParserCase(
            "18-digit Content-Length is accepted (the connection checks the size)",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999999999\r\n\r\n",
            parsesTo: [
                .head(
                    "POST",
                    "/",
                    [("Host", "a"), ("Content-Length", "999999999999999999")],
                    framing: .contentLength(999_999_999_999_999_999)
                )
            ]
        ),
        ParserCase(
            "chunked body with extensions and trailers",
            "POST /relay HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n"
                + "6 ; a = \"q\\\"x;\" ;b\t;c=tok\r\n world\r\n"
                + "0000A\r\n0123456789\r\n"
                + "0;last\r\nX-Trailer: t\r\nX-Other:\r\n\r\n",
            parsesTo: [
                .head("POST", "/relay", [("Host", "a"), ("Transfer-Encoding", "chunked")], framing: .chunked),
                .body("hello world0123456789"), .end,
            ]
        ),
        ParserCase(
            "chunked with upper-case coding and hex digits, whitespace after the size",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChUnKeD\r\n\r\nB \r\nhello world\r\n0\r\n\r\n",
            parsesTo: [
                .head("POST", "/", [("Host", "a"), ("Transfer-Encoding", "ChUnKeD")], framing: .chunked),
                .body("hello world"), .end,
            ]
        ),
        ParserCase(
            "chunked body of exactly maxBodyBytes",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n6\r\nefghij\r\n0\r\n\r\n",
            parsesTo: [
                .head("POST", "/", [("Host", "a"), ("Transfer-Encoding", "chunked")], framing: .chunked),
                .body("abcdefghij"), .end,
            ],
            limits: HTTPParserLimits(maxBodyBytes: 10)
        ),
        ParserCase(
            "two pipelined requests",
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: b\r\nContent-Length: 2\r\n\r\nhi",
            parsesTo: [
                .head("GET", "/a", host), .end,
                .head("POST", "/b", [("Host", "b"), ("Content-Length", "2")], framing: .contentLength(2)),
                .body("hi"), .end,
            ]
        ),
        ParserCase(
            "pipelined after a chunked body, with a stray CRLF in between",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                + "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
            parsesTo: [
                .head("POST", "/", [("Host", "a"), ("Transfer-Encoding", "chunked")], framing: .chunked),
                .body("x"), .end, .head("GET", "/", host), .end,
            ]
        ),
        ParserCase(
            "HTTP/1.0 without Host",
            "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            parsesTo: [.head("GET", "/", [("Connection", "keep-alive")], version: .http1_0), .end]
        ),
        ParserCase(
            "OPTIONS *",
            "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
            parsesTo: [.head("OPTIONS", "*", host), .end]
        ),
        ParserCase(
            "method kept as sent (case-sensitive), any token",
            "get /x HTTP/1.1\r\nHost: a\r\n\r\nM-SEARCH! /y HTTP/1.1\r\nHost: a\r\n\r\n",
            parsesTo: [.head("get", "/x", host), .end, .head("M-SEARCH!", "/y", host), .end]
        ),
        ParserCase(
            "target with query and every allowed punctuation",
            "GET /p/a%20b?q=1&r=/x?y!$'()*+,;:@~ HTTP/1.1\r\nHost: a\r\n\r\n",
            parsesTo: [.head("GET", "/p/a%20b?q=1&r=/x?y!$'()*+,;:@~", host), .end]
        ),
        ParserCase(
            "header values trimmed of SP and HTAB, inner whitespace kept, empty values",
            "GET / HTTP/1.1\r\nHost:a\r\nX-A:  \t one \t two\t \r\nX-Empty:\r\nX-Blank: \t \r\n\r\n",
            parsesTo: [
                .head("GET", "/", [("Host", "a"), ("X-A", "one \t two"), ("X-Empty", ""), ("X-Blank", "")]), .end,
            ]
        ),
        ParserCase(
            "obs-text in a value",
            bytes: Array("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8),
            parsesTo: [.head("GET", "/", [("Host", "a"), ("X-Name", "café")]), .end]
        ),
        ParserCase(
            "invalid UTF-8 obs-text is accepted (decoded with replacement)",
            bytes: Array("GET / HTTP/1.1\r\nHost: a\r\nX: ".utf8) + [0xFF, 0x80] + Array("\r\n\r\n".utf8),
            parsesTo: [.head("GET", "/", [("Host", "a"), ("X", "\u{FFFD}\u{FFFD}")]), .end]
        ),
        ParserCase(
            "header names keep their case and order",
            "GET / HTTP/1.1\r\nhOsT: a\r\nX-B: 1\r\nx-b: 2\r\n\r\n",
            parsesTo: [.head("GET", "/", [("hOsT", "a"), ("X-B", "1"), ("x-b", "2")]), .end]
        ),
        ParserCase(
            "up to four leading empty lines are ignored",
            "\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
            parsesTo: [.head("GET", "/", host), .end]
        ),
        ParserCase(
            "head of exactly maxHeadBytes",
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 32) + "\r\n\r\n",
            parsesTo: [.head("GET", "/", [("Host", "a"), ("X", String(repeating: "a", count: 32))]), .end],
            limits: HTTPParserLimits(maxHeadBytes: 64)
        ),
        ParserCase(
            "exactly maxHeaders fields, and as many trailers",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nX: 3\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
            parsesTo: [
                .head("POST", "/", [("Host", "a"), ("Transfer-Encoding", "chunked"), ("X", "3")], framing: .chunked),
                .end,
            ],
            limits: HTTPParserLimits(maxHeaders: 3)
        ),
    ]

    @Test(arguments: cases)
    func testWellFormedRequestParses(_ testCase: ParserCase) throws {
        let outcome = HTTPRequestParser.outcomeInEverySplit(testCase.request, limits: testCase.limits)
        #expect(outcome == testCase.expected)
        if testCase.expected.error == nil {
            #expect(try HTTPRequestParser.parseAll([testCase.request], limits: testCase.limits) == outcome.events)
        }
    }

    @Test func testHeadOfDefaultLimitParsesByteByByte() throws {
        // 16384 bytes fed one at a time: must not rescan (each call looks only at the new byte).
        let prefix = "GET / HTTP/1.1\r\nHost: a\r\nX: "
        let filler = String(repeating: "v", count: 16384 - prefix.utf8.count - 4)
        let request = Array((prefix + filler + "\r\n\r\n").utf8)
        #expect(request.count == 16384)
        let events = try HTTPRequestParser.parseAll(request.map { [$0] })
        #expect(events == [.head("GET", "/", [("Host", "a"), ("X", filler)]), .end])
        #expect(throws: HTTPParseError.headTooLarge) {
            try HTTPRequestParser.parseAll([Array((prefix + filler + "w\r\n\r\n").utf8)])
        }
    }
}
