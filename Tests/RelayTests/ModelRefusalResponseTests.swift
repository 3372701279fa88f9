import Testing

@testable import Relay

/// The wire form of the new refusals (CONTRACT.md §5.6, §5.9, §6.1), through `ErrorResponse`, the one mapping.
@Suite struct ModelRefusalResponseTests {
    static let supported =
        "anthropic, openai, google, groq, openrouter, mistral, elevenlabs, huggingface, deepgram, openai-compatible"

    // (refusal, status, exact body).
    static let responses: [(ModelRefusal, Int, String)] = [
        (.unsupportedMediaType, 415, #"{"error":"Content-Type must be application/json"}"#),
        (.invalidJSON, 400, #"{"error":"Request body is not valid JSON"}"#),
        (.duplicateModelMember, 400, #"{"error":"Request body has more than one \"model\" member"}"#),
        (
            .modelRequired, 400,
            #"{"error":"model field is required. Use \"provider/model-name\" (e.g. \"anthropic/claude-3-5-haiku\") "#
                + #"or a recognised model name (e.g. \"gpt-4o\"). See GET /models for the full routing table."}"#
        ),
        (
            .unroutableModel("llama3.1-8b"), 400,
            #"{"error":"Cannot route model \"llama3.1-8b\". Use \"provider/model-name\" format or a recognised "#
                + #"model name. Supported providers: \#(supported). See GET /models for the full routing table."}"#
        ),
        (
            .unroutableModel(#"{"a": 1}"#), 400,
            #"{"error":"Cannot route model \"{\"a\": 1}\". Use \"provider/model-name\" format or a recognised "#
                + #"model name. Supported providers: \#(supported). See GET /models for the full routing table."}"#
        ),
        (
            .modelNotPermitted(model: "gpt-4o", allowedModels: ["gpt-4o-mini", "google/*"]), 403,
            #"{"error":"Model \"gpt-4o\" is not permitted on this relay.","allowed_models":["gpt-4o-mini","google/*"]}"#
        ),
    ]

    @Test(arguments: responses)
    func testRefusalIsAnsweredWithTheContractText(_ refusal: ModelRefusal, _ status: Int, _ body: String) {
        let response = ErrorResponse(refusal.relayError)
        #expect(response.status == status)
        #expect(String(decoding: response.body, as: UTF8.self) == body)
        #expect(response.extraHeaders.isEmpty)
    }

    @Test func testUpstreamFailuresAreAnsweredWithTheContractText() {
        let unreachable = ErrorResponse(.upstreamUnreachable)
        #expect(unreachable.status == 502)
        #expect(unreachable.message == "Failed to reach AI provider")
        for (timeout, text) in [(Duration.milliseconds(30_000), "30"), (.milliseconds(1_500), "1.5")] {
            let timedOut = ErrorResponse(.upstreamTimedOut(timeout))
            #expect(timedOut.status == 504)
            #expect(timedOut.message == "AI provider timed out (\(text) s). Please retry.")
        }
    }
}
