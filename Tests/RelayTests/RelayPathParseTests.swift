import Relay
import Testing

private func refusal(_ remainder: String) -> RelayPathRefusal? {
    guard case .failure(let refusal) = RelayPath.parse(remainder: Substring(remainder)) else {
        return nil
    }
    return refusal
}

// Rule 1: a backslash anywhere. Rule 4 would also catch these; the case shows rule 1 ran first.
private let backslashes = ["\\", "/\\", "/v1\\chat/completions", "/v1/chat/completions\\", "/v1/a\\%2e"]

@Test(arguments: backslashes)
func testBackslashIsRefused(_ remainder: String) {
    #expect(refusal(remainder) == .backslash)
}

// Rule 2: raw dot-segments, wherever they stand.
private let dotSegments = [
    "/.", "/..", "/./", "/../", "/v1/./chat/completions", "/v1/chat/completions/../../files", "/v1/..",
    "//..//v1", "..", "/v1/%zz/..",
]

@Test(arguments: dotSegments)
func testDotSegmentIsRefused(_ remainder: String) {
    #expect(refusal(remainder) == .dotSegment)
}

// Rule 3: `%` not followed by two hex digits.
private let malformedEncodings = [
    "/v1/chat/completions/%zz", "/%", "/v1/%", "/v1/%/x", "/%2", "/a%2", "/%2/x", "/%g0", "/%0g", "/%%41",
    "/%2e%zz", "/v1/%-1", "/%%2F",
]

@Test(arguments: malformedEncodings)
func testMalformedPercentEncodingIsRefused(_ remainder: String) {
    #expect(refusal(remainder) == .malformedPercentEncoding)
}

// Rule 4: what one, two or three rounds of decoding turn into a dot-segment, a slash, a backslash or a control.
private let forbiddenDecodings = [
    "/%2e", "/%2E", "/%2e%2e", "/%2E%2e", "/.%2e", "/%2e.", "/v1/chat/completions/%2e%2e/%2e%2e/files",
    "/%252e", "/%252e%252e", "/%252E%252e", "/%2e%252e", "/%25252e%25252e", "/%25252E",
    "/v1/chat%2Fcompletions", "/%2F", "/%2f", "/%252F", "/%252f", "/%25252F", "/%25252f", "/a%2Fb",
    "/%5C", "/%5c", "/%255C", "/%25255c",
    "/v1/chat/completions%00", "/%00", "/%2500", "/%252500", "/%01", "/%09", "/%0A", "/%0d", "/%1F", "/%1f",
    "/%7f", "/%7F", "/%257F", "/%25257f",
]

@Test(arguments: forbiddenDecodings)
func testForbiddenDecodedSegmentIsRefused(_ remainder: String) {
    #expect(refusal(remainder) == .forbiddenDecodedSegment)
}

// Rule 5: a decodable escape left when decoding stopped, after three rounds or on a lone `%` of a later round.
private let excessiveEncodings = [
    "/%2525252F", "/%2525252e%2525252e", "/%2525255C", "/%25252541", "/%2525252500", "/%25%252F", "/%25%2541",
]

@Test(arguments: excessiveEncodings)
func testExcessiveEncodingIsRefused(_ remainder: String) {
    #expect(refusal(remainder) == .excessiveEncoding)
}

@Test func testEveryRefusalHasTheContractMessage() {
    let message =
        "Invalid relay path: dot-segments, backslashes, encoded slashes, control characters and malformed "
        + "percent-encoding are not allowed."
    let refusals: [RelayPathRefusal] = [
        .backslash, .dotSegment, .malformedPercentEncoding, .forbiddenDecodedSegment, .excessiveEncoding,
    ]
    for refusal in refusals {
        #expect(refusal.message == message)
    }
}

// Accepted: (R, N, forwarded path).
private let acceptedPaths: [(String, String, String)] = [
    ("", "/", "/"),
    ("/", "/", "/"),
    ("//", "/", "/"),
    ("///", "/", "/"),
    ("/v1", "/v1", "/v1"),
    ("/v1/", "/v1/", "/v1/"),
    ("/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"),
    ("/v1//chat/completions", "/v1/chat/completions", "/v1/chat/completions"),
    ("///v1///chat//completions//", "/v1/chat/completions/", "/v1/chat/completions/"),
    ("//v1", "/v1", "/v1"),
    ("/a%20b", "/a b", "/a%20b"),
    ("/%41", "/A", "/%41"),
    ("/%4a%4A", "/JJ", "/%4a%4A"),
    ("/%25", "/%", "/%25"),
    ("/%2525", "/%25", "/%2525"),
    ("/%2541", "/%41", "/%2541"),
    ("/%252541", "/%2541", "/%252541"),
    ("/%25zz", "/%zz", "/%25zz"),
    ("/%252", "/%2", "/%252"),
    ("/%e2%82%AC", "/€", "/%e2%82%AC"),
    ("/...", "/...", "/..."),
    ("/.a/a./..a", "/.a/a./..a", "/.a/a./..a"),
    ("/%2e%2e%2e", "/...", "/%2e%2e%2e"),
    (
        "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
        "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
        "/v1beta/models/gemini-2.0-flash:streamGenerateContent"
    ),
    ("/v1//a%20b//", "/v1/a b/", "/v1/a%20b/"),
    ("/é//x", "/é/x", "/é/x"),
]

@Test(arguments: acceptedPaths)
func testAcceptedPath(_ remainder: String, _ normalised: String, _ forwarded: String) throws {
    let path = try RelayPath.parse(remainder: Substring(remainder)).get()
    #expect(path.normalised == normalised)
    #expect(path.forwarded == forwarded)
}

@Test func testRemainderSliceIsParsedWithoutItsSurroundings() throws {
    let target = "/relay/openai/v1//chat/completions/?a=1"
    let start = target.index(target.startIndex, offsetBy: "/relay/openai".count)
    let end = try #require(target.firstIndex(of: "?"))
    let path = try RelayPath.parse(remainder: target[start..<end]).get()
    #expect(path.normalised == "/v1/chat/completions/")
    #expect(path.forwarded == "/v1/chat/completions/")
}
