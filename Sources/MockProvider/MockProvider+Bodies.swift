import EventLoop

/// The bodies the mock sends, as pure functions of the request's parameters, so a test computes the exact bytes it
/// expects to come through the relay.
extension MockProvider {
    /// The default answer (no `mock=`, or `mock=json`): a small OpenAI chat completion.
    package static let chatCompletionBody = Array(
        (#"{"id":"chatcmpl-mock","object":"chat.completion","created":0,"model":"mock-model","choices":[{"index":0,"#
            + #""message":{"role":"assistant","content":"Hello from the mock provider."},"finish_reason":"stop"}],"#
            + #""usage":{"prompt_tokens":1,"completion_tokens":6,"total_tokens":7}}"#).utf8
    )

    /// The last event of a complete stream.
    package static let sseDoneEvent = Array("data: [DONE]\n\n".utf8)

    /// Event `index` of a stream for `tag`: `data: {chunk JSON}\n\n`, whose `content` is `size` letters starting at
    /// the `index`-th letter of the alphabet (wrapping).
    package static func sseEvent(tag: String, index: Int, size: Int) -> [UInt8] {
        var event = SSEEventPrefix(tag: tag).bytes
        appendEventRest(index: index, size: size, to: &event)
        return event
    }

    /// The exact body of `mock=sse&tag=<tag>&chunks=<chunks>&size=<size>`: the events, then `data: [DONE]\n\n`.
    /// With `isComplete` false, the events only: what `mock=break&after=<chunks>` sends before it cuts.
    package static func sseBody(tag: String, chunks: Int, size: Int, isComplete: Bool = true) -> [UInt8] {
        let prefix = SSEEventPrefix(tag: tag)
        var body: [UInt8] = []
        for index in 0..<chunks {
            body.append(contentsOf: prefix.bytes)
            appendEventRest(index: index, size: size, to: &body)
        }
        if isComplete { body.append(contentsOf: sseDoneEvent) }
        return body
    }

    /// The JSON body of `mock=status&code=<status>`, shaped like OpenAI's errors.
    package static func errorBody(status: Int) -> [UInt8] {
        Array(
            #"{"error":{"message":"Mock provider error \#(status)","type":"mock_error","code":\#(status)}}"#.utf8
        )
    }

    /// Byte `offset` of a `mock=bytes` body: `offset % 251`. The period is prime, so a chunk lost, repeated or moved
    /// by any length that is not a multiple of 251 shows up as a mismatch.
    package static func patternByte(at offset: Int) -> UInt8 { UInt8(offset % patternPeriod) }

    /// `count` bytes of the `mock=bytes` body starting at `offset`.
    package static func patternBytes(offset: Int = 0, count: Int) -> [UInt8] {
        (offset..<offset + count).map(patternByte(at:))
    }

    static let patternPeriod = 251
    /// Largest piece of the pattern written at once: a whole number of periods, just under 64 KiB.
    static let patternPieceBytes = patternPeriod * 261
    /// The pattern from offset 0, one period longer than a piece, so any piece is a slice of it.
    static let patternBlock = patternBytes(count: patternPieceBytes + patternPeriod)

    /// Appends the rest of event `index` after its `SSEEventPrefix`: the content letters and the closing members.
    static func appendEventRest(index: Int, size: Int, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + size + 64)
        for offset in 0..<size { output.append(UInt8(ascii: "a") + UInt8((index + offset) % 26)) }
        output.append(contentsOf: #""},"finish_reason":null}],"mock_index":"#.utf8)
        output.append(contentsOf: String(index).utf8)
        output.append(contentsOf: "}\n\n".utf8)
    }
}

/// The bytes of a stream event up to its `content` text, which depend on the tag only: made once per stream.
struct SSEEventPrefix {
    let bytes: [UInt8]

    init(tag: String) {
        var bytes = Array("data: {\"id\":".utf8)
        JSONText.appendString("chatcmpl-mock-" + tag, to: &bytes)
        bytes.append(
            contentsOf: #","object":"chat.completion.chunk","created":0,"model":"mock-model","choices":[{"index":0,"#
                .utf8
        )
        bytes.append(contentsOf: #""delta":{"content":""#.utf8)
        self.bytes = bytes
    }
}
