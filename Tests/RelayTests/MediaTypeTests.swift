import Testing

@testable import Relay

/// `Content-Type` tests of CONTRACT.md §1.1 (JSON) and §5.8 (event streams), byte by byte.
@Suite("Media types")
struct MediaTypeTests {
    @Test(
        "JSON media types",
        arguments: [
            ("application/json", true),
            ("APPLICATION/JSON", true),
            ("application/json; charset=utf-8", true),
            (" \tapplication/json \t; x=y", true),
            ("application/vnd.api+json", true),
            ("application/problem+JSON", true),
            ("application/+json", false),
            ("application/jsonx", false),
            ("application/json5", false),
            ("text/json", false),
            ("application/", false),
            ("json", false),
            ("", false),
            ("application/x-www-form-urlencoded", false),
        ]
    )
    func json(value: String, expected: Bool) {
        #expect(MediaType.isJSON(value) == expected)
    }

    @Test(
        "event-stream media types",
        arguments: [
            ("text/event-stream", true),
            ("Text/Event-Stream; charset=utf-8", true),
            ("  text/event-stream  ", true),
            ("text/event-streams", false),
            ("text/event", false),
            ("application/json", false),
            ("", false),
        ]
    )
    func eventStream(value: String, expected: Bool) {
        #expect(MediaType.isEventStream(value) == expected)
    }
}
