import Relay
import Testing

private let generate = "/v1beta/models/gemini-2.0-flash:generateContent"
private let stream = "/v1beta/models/gemini-2.0-flash:streamGenerateContent"

// (Q, N, forwarded query); nil Q is a request without `?`, nil result forwards none.
private let rewrites: [(String?, String, String?)] = [
    (nil, generate, nil),
    ("", generate, nil),
    ("foo=1", generate, "foo=1"),
    ("a=1&b=%20&c", generate, "a=1&b=%20&c"),
    // Key removal, by percent-decoded name.
    ("key=x&foo=1", generate, "foo=1"),
    ("foo=1&key=x", generate, "foo=1"),
    ("a=1&key=x&b=2", generate, "a=1&b=2"),
    ("key=x", generate, nil),
    ("key", generate, nil),
    ("key=", generate, nil),
    ("key=a&key=b", generate, nil),
    ("%6Bey=x&foo=1", generate, "foo=1"),
    ("%6bey=x", generate, nil),
    ("k%65y=x&%6B%65%79=y", generate, nil),
    ("keys=1&akey=2&foo=key&KEY=3", generate, "keys=1&akey=2&foo=key&KEY=3"),
    ("%25key=1", generate, "%25key=1"),
    // alt=sse on streaming paths, unless the client named `alt`.
    (nil, stream, "alt=sse"),
    ("", stream, "alt=sse"),
    ("key=x", stream, "alt=sse"),
    ("foo=1", stream, "foo=1&alt=sse"),
    ("key=x&foo=1", stream, "foo=1&alt=sse"),
    ("alt=json", stream, "alt=json"),
    ("alt=sse", stream, "alt=sse"),
    ("alt", stream, "alt"),
    ("%61lt=json", stream, "%61lt=json"),
    ("foo=1&alt=json&key=x", stream, "foo=1&alt=json"),
    ("alternative=1", stream, "alternative=1&alt=sse"),
    ("x=alt", stream, "x=alt&alt=sse"),
    ("alt=json", generate, "alt=json"),
    // Stream detection reads N anywhere, as the contract says "contains".
    (nil, "/v1beta/models/my-stream-model:generateContent", "alt=sse"),
    (nil, "/v1/models/x:streamGenerateContent", "alt=sse"),
    (nil, "/v1beta/models/x:StreamGenerateContent", nil),
    (nil, "/v1beta/models/x:strea", nil),
]

@Test(arguments: rewrites)
func testGoogleQueryIsRewritten(_ query: String?, _ normalised: String, _ expected: String?) {
    #expect(GoogleQuery.rewrite(query: query.map { Substring($0) }, normalised: normalised) == expected)
}
