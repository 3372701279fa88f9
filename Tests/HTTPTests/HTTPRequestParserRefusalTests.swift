import Testing

@testable import HTTP

/// Malformed and ambiguous requests: each rule of CONTRACT.md §1.7 has rows that fail if its check is removed.
@Suite struct HTTPRequestParserRefusalTests {
    static let get = "GET / HTTP/1.1\r\nHost: a\r\n"
    static let chunkedPost = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    static let chunkedHead = ParsedEvent.head(
        "POST",
        "/",
        [("Host", "a"), ("Transfer-Encoding", "chunked")],
        framing: .chunked
    )

    static let requestLineCases: [ParserCase] = [
        ParserCase(
            "two spaces after the method",
            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            refusedWith: .invalidRequestLine
        ),
        ParserCase("empty target", "GET  HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase(
            "two spaces after the target",
            "GET /  HTTP/1.1\r\nHost: a\r\n\r\n",
            refusedWith: .invalidRequestLine
        ),
        ParserCase("space after the version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("tab as separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("leading space", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("non-token method", "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("HTTP/0.9 style, no version", "GET /\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("empty version", "GET / \r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("lower-case http", "GET / http/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("version without minor", "GET / HTTP/1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("two-digit minor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase(
            "overlong version, refused before its line ends",
            "GET / HTTP/1.1111",
            refusedWith: .invalidRequestLine
        ),
        ParserCase("letters in version", "GET / HTTP/x.y\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase(
            "bare LF after the request line",
            "GET / HTTP/1.1\nHost: a\r\n\r\n",
            refusedWith: .invalidRequestLine
        ),
        ParserCase("LF-only line endings", "GET / HTTP/1.1\nHost: a\n\n", refusedWith: .invalidRequestLine),
        ParserCase(
            "bare CR after the request line",
            "GET / HTTP/1.1\rHost: a\r\n\r\n",
            refusedWith: .invalidRequestLine
        ),
        ParserCase("bare LF inside the target", "GET /a\nb HTTP/1.1\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("leading bare LF", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase("leading bare CR", "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidRequestLine),
        ParserCase(
            "five leading empty lines",
            "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
            refusedWith: .invalidRequestLine
        ),
    ]

    static let versionCases: [ParserCase] = [
        ParserCase("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", refusedWith: .unsupportedVersion),
        ParserCase("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", refusedWith: .unsupportedVersion),
        ParserCase("HTTP/0.9 spelled out", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", refusedWith: .unsupportedVersion),
        ParserCase("HTTP/3.0", "GET / HTTP/3.0\r\nHost: a\r\n\r\n", refusedWith: .unsupportedVersion),
        ParserCase("HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", refusedWith: .unsupportedVersion),
        ParserCase(
            "version wins over the target form",
            "GET http://a/ HTTP/2.0\r\n\r\n",
            refusedWith: .unsupportedVersion
        ),
    ]

    static let targetCases: [ParserCase] = [
        ParserCase("absolute-form", "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase("authority-form", "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase("asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase("asterisk with a path", "OPTIONS */x HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase("fragment", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase("DEL in target", "GET /a\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase("NUL in target", "GET /a\u{0} HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase("tab in target", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", refusedWith: .invalidTarget),
        ParserCase(
            "raw UTF-8 in target",
            bytes: Array("GET /caf".utf8) + [0xC3, 0xA9] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8),
            refusedWith: .invalidTarget
        ),
    ]

    static let fieldCases: [ParserCase] = [
        ParserCase(
            "space before the colon",
            get + "Transfer-Encoding : chunked\r\n\r\n",
            refusedWith: .invalidHeaderName
        ),
        ParserCase("tab before the colon", get + "X\t: 1\r\n\r\n", refusedWith: .invalidHeaderName),
        ParserCase("empty name", get + ": 1\r\n\r\n", refusedWith: .invalidHeaderName),
        ParserCase("separator in name", get + "X(Y): 1\r\n\r\n", refusedWith: .invalidHeaderName),
        ParserCase("no colon", get + "X-No-Colon\r\n\r\n", refusedWith: .invalidHeaderName),
        ParserCase("NUL in value", get + "X: a\u{0}b\r\n\r\n", refusedWith: .invalidHeaderValue),
        ParserCase("control byte in value", get + "X: a\u{1}b\r\n\r\n", refusedWith: .invalidHeaderValue),
        ParserCase("DEL in value", get + "X: a\u{7F}\r\n\r\n", refusedWith: .invalidHeaderValue),
        ParserCase("bare LF ending a field", get + "X: a\nY: b\r\n\r\n", refusedWith: .invalidHeaderValue),
        ParserCase("bare CR inside a value", get + "X: a\rb\r\n\r\n", refusedWith: .invalidHeaderValue),
        ParserCase("bare LF as the empty line", get + "\n", refusedWith: .invalidHeaderValue),
        ParserCase("bare CR as the empty line", get + "\rX", refusedWith: .invalidHeaderValue),
        ParserCase("obs-fold with a space", get + "X: 1\r\n 2\r\n\r\n", refusedWith: .obsFold),
        ParserCase("obs-fold with a tab", get + "X: 1\r\n\t2\r\n\r\n", refusedWith: .obsFold),
        ParserCase(
            "whitespace line after the request line",
            "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
            refusedWith: .obsFold
        ),
    ]

    static let limitCases: [ParserCase] = [
        ParserCase(
            "head one byte over maxHeadBytes",
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 33) + "\r\n\r\n",
            refusedWith: .headTooLarge,
            limits: HTTPParserLimits(maxHeadBytes: 64)
        ),
        ParserCase(
            "unfinished head refused as soon as it is over the limit",
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 100),
            refusedWith: .headTooLarge,
            limits: HTTPParserLimits(maxHeadBytes: 64)
        ),
        ParserCase(
            "unfinished request line over the limit",
            "GET /" + String(repeating: "a", count: 100),
            refusedWith: .headTooLarge,
            limits: HTTPParserLimits(maxHeadBytes: 64)
        ),
        ParserCase(
            "leading empty lines count against maxHeadBytes",
            "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 29) + "\r\n\r\n",
            refusedWith: .headTooLarge,
            limits: HTTPParserLimits(maxHeadBytes: 64)
        ),
        ParserCase(
            "one field more than maxHeaders",
            get + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n",
            refusedWith: .tooManyHeaders,
            limits: HTTPParserLimits(maxHeaders: 3)
        ),
        ParserCase(
            "one trailer more than maxHeaders",
            chunkedPost + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
            refusedWith: .tooManyHeaders,
            after: [chunkedHead],
            limits: HTTPParserLimits(maxHeaders: 3)
        ),
        ParserCase(
            "trailers over maxHeadBytes",
            chunkedPost + "0\r\nX: " + String(repeating: "t", count: 100) + "\r\n\r\n",
            refusedWith: .headTooLarge,
            after: [chunkedHead],
            limits: HTTPParserLimits(maxHeadBytes: 80)
        ),
        ParserCase(
            "chunked body crossing maxBodyBytes in a later chunk",
            chunkedPost + "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n",
            refusedWith: .bodyTooLarge,
            after: [chunkedHead, .body("abcdef")],
            limits: HTTPParserLimits(maxBodyBytes: 10)
        ),
        ParserCase(
            "one chunk over maxBodyBytes, refused before its data",
            chunkedPost + "b\r\n",
            refusedWith: .bodyTooLarge,
            after: [chunkedHead],
            limits: HTTPParserLimits(maxBodyBytes: 10)
        ),
        ParserCase(
            "huge chunk over the default maxBodyBytes",
            chunkedPost + "fffffffffffffff\r\n",
            refusedWith: .bodyTooLarge,
            after: [chunkedHead]
        ),
    ]

    static let hostCases: [ParserCase] = [
        ParserCase("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX: 1\r\n\r\n", refusedWith: .missingHost),
        ParserCase("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", refusedWith: .multipleHost),
        ParserCase(
            "two identical Host fields",
            "GET / HTTP/1.1\r\nHost: a\r\nHOST: a\r\n\r\n",
            refusedWith: .multipleHost
        ),
        ParserCase(
            "HTTP/1.0 with two Host fields",
            "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
            refusedWith: .multipleHost
        ),
    ]

    static let framingCases: [ParserCase] = [
        ParserCase(
            "CL.TE",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX",
            refusedWith: .conflictingFraming
        ),
        ParserCase(
            "TE.CL",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n",
            refusedWith: .conflictingFraming
        ),
        ParserCase(
            "TE.CL with an unsupported coding",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nContent-Length: 4\r\n\r\n",
            refusedWith: .conflictingFraming
        ),
        ParserCase(
            "chunked, identity",
            get + "Transfer-Encoding: chunked, identity\r\n\r\n",
            refusedWith: .unsupportedTransferEncoding
        ),
        ParserCase(
            "gzip, chunked",
            get + "Transfer-Encoding: gzip, chunked\r\n\r\n",
            refusedWith: .unsupportedTransferEncoding
        ),
        ParserCase("identity", get + "Transfer-Encoding: identity\r\n\r\n", refusedWith: .unsupportedTransferEncoding),
        ParserCase("xchunked", get + "Transfer-Encoding: xchunked\r\n\r\n", refusedWith: .unsupportedTransferEncoding),
        ParserCase("empty coding", get + "Transfer-Encoding:\r\n\r\n", refusedWith: .unsupportedTransferEncoding),
        ParserCase(
            "chunked in two fields",
            get + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            refusedWith: .unsupportedTransferEncoding
        ),
        ParserCase(
            "chunked in HTTP/1.0",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            refusedWith: .unsupportedTransferEncoding
        ),
        ParserCase("Content-Length: +5", get + "Content-Length: +5\r\n\r\n", refusedWith: .invalidContentLength),
        ParserCase("Content-Length: -1", get + "Content-Length: -1\r\n\r\n", refusedWith: .invalidContentLength),
        ParserCase("Content-Length: 0x5", get + "Content-Length: 0x5\r\n\r\n", refusedWith: .invalidContentLength),
        ParserCase("Content-Length: 1 2", get + "Content-Length: 1 2\r\n\r\n", refusedWith: .invalidContentLength),
        ParserCase("empty Content-Length", get + "Content-Length:\r\n\r\n", refusedWith: .invalidContentLength),
        ParserCase("empty list element", get + "Content-Length: 5,\r\n\r\n", refusedWith: .invalidContentLength),
        ParserCase(
            "19-digit Content-Length",
            get + "Content-Length: 1000000000000000000\r\n\r\n",
            refusedWith: .invalidContentLength
        ),
        ParserCase(
            "Content-Length past Int64",
            get + "Content-Length: 99999999999999999999999\r\n\r\n",
            refusedWith: .invalidContentLength
        ),
        ParserCase(
            "malformed element wins over a disagreement",
            get + "Content-Length: 5, 6, x\r\n\r\n",
            refusedWith: .invalidContentLength
        ),
        ParserCase(
            "Content-Length: 5, 6",
            get + "Content-Length: 5, 6\r\n\r\n",
            refusedWith: .conflictingContentLength
        ),
        ParserCase(
            "two differing Content-Length fields",
            get + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            refusedWith: .conflictingContentLength
        ),
    ]

    static let chunkedCases: [ParserCase] = [
        ParserCase("non-hex size", chunkedPost + "zz\r\n", refusedWith: .invalidChunkSize, after: [chunkedHead]),
        ParserCase(
            "size 0x5",
            chunkedPost + "0x5\r\nhello\r\n0\r\n\r\n",
            refusedWith: .invalidChunkSize,
            after: [chunkedHead]
        ),
        ParserCase("size -1", chunkedPost + "-1\r\n", refusedWith: .invalidChunkSize, after: [chunkedHead]),
        ParserCase("size +5", chunkedPost + "+5\r\n", refusedWith: .invalidChunkSize, after: [chunkedHead]),
        ParserCase("empty size", chunkedPost + "\r\n", refusedWith: .invalidChunkSize, after: [chunkedHead]),
        ParserCase(
            "space before the size",
            chunkedPost + " 5\r\n",
            refusedWith: .invalidChunkSize,
            after: [chunkedHead]
        ),
        ParserCase(
            "garbage after the size",
            chunkedPost + "5x\r\n",
            refusedWith: .invalidChunkSize,
            after: [chunkedHead]
        ),
        ParserCase(
            "16 hex digits",
            chunkedPost + "0000000000000005\r\nhello\r\n0\r\n\r\n",
            refusedWith: .invalidChunkSize,
            after: [chunkedHead]
        ),
        ParserCase(
            "missing CRLF after chunk data",
            chunkedPost + "5\r\nhelloXX0\r\n\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead, .body("hello")]
        ),
        ParserCase(
            "other byte instead of the CR after chunk data",
            chunkedPost + "5\r\nhelloX\n0\r\n\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead, .body("hello")]
        ),
        ParserCase(
            "bare LF after chunk data",
            chunkedPost + "5\r\nhello\n0\r\n\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead, .body("hello")]
        ),
        ParserCase(
            "chunk data longer than its size",
            chunkedPost + "3\r\nhello\r\n0\r\n\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead, .body("hel")]
        ),
        ParserCase(
            "bare LF after the size",
            chunkedPost + "5\nhello\r\n",
            refusedWith: .invalidChunkSize,
            after: [chunkedHead]
        ),
        ParserCase(
            "bare CR after the size",
            chunkedPost + "5\rhello\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "extension without a name",
            chunkedPost + "5;\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "extension without a value",
            chunkedPost + "5;a=\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "extension name not a token",
            chunkedPost + "5;a@b\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "two extension values",
            chunkedPost + "5;a=b c\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "unterminated quoted extension",
            chunkedPost + "5;a=\"b\r\nhello\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "control byte in a quoted extension",
            chunkedPost + "5;a=\"\u{1}\"\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "chunk-size line over 4096 bytes",
            chunkedPost + "5;a=" + String(repeating: "b", count: 4093) + "\r\nhello\r\n0\r\n\r\n",
            refusedWith: .invalidChunkFraming,
            after: [chunkedHead]
        ),
        ParserCase(
            "bad trailer name",
            chunkedPost + "0\r\nBad Name: x\r\n\r\n",
            refusedWith: .invalidHeaderName,
            after: [chunkedHead]
        ),
        ParserCase(
            "NUL in a trailer",
            chunkedPost + "0\r\nX: \u{0}\r\n\r\n",
            refusedWith: .invalidHeaderValue,
            after: [chunkedHead]
        ),
        ParserCase(
            "obs-fold in trailers",
            chunkedPost + "0\r\nX: 1\r\n 2\r\n\r\n",
            refusedWith: .obsFold,
            after: [chunkedHead]
        ),
        ParserCase(
            "bare LF ending the trailers",
            chunkedPost + "0\r\n\n",
            refusedWith: .invalidHeaderValue,
            after: [chunkedHead]
        ),
    ]

    @Test(arguments: requestLineCases + versionCases + targetCases + fieldCases)
    func testMalformedRequestHeadIsRefused(_ testCase: ParserCase) {
        expectRefusal(testCase)
    }

    @Test(arguments: limitCases + hostCases)
    func testRequestOverLimitsOrWithBadHostIsRefused(_ testCase: ParserCase) {
        expectRefusal(testCase)
    }

    @Test(arguments: framingCases)
    func testAmbiguousFramingIsRefused(_ testCase: ParserCase) {
        expectRefusal(testCase)
    }

    @Test(arguments: chunkedCases)
    func testMalformedChunkedBodyIsRefused(_ testCase: ParserCase) {
        expectRefusal(testCase)
    }

    @Test func testRefusalsMapToTheirStatus() {
        #expect(HTTPParseError.headTooLarge.status == 431)
        #expect(HTTPParseError.tooManyHeaders.status == 431)
        #expect(HTTPParseError.unsupportedVersion.status == 505)
        #expect(HTTPParseError.bodyTooLarge.status == 413)
        let badRequests: [HTTPParseError] = [
            .invalidRequestLine, .invalidTarget, .invalidHeaderName, .invalidHeaderValue, .obsFold,
            .conflictingFraming, .conflictingContentLength, .invalidContentLength, .unsupportedTransferEncoding,
            .missingHost, .multipleHost, .invalidChunkSize, .invalidChunkFraming,
        ]
        for error in badRequests {
            #expect(error.status == 400, "\(error)")
        }
    }

    private func expectRefusal(_ testCase: ParserCase, sourceLocation: SourceLocation = #_sourceLocation) {
        let outcome = HTTPRequestParser.outcomeInEverySplit(testCase.request, limits: testCase.limits)
        #expect(outcome == testCase.expected, sourceLocation: sourceLocation)
        if let error = testCase.expected.error {
            #expect(throws: error, sourceLocation: sourceLocation) {
                try HTTPRequestParser.parseAll([testCase.request], limits: testCase.limits)
            }
        }
    }
}
