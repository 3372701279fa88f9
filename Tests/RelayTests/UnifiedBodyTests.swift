import Relay
import Testing

private let json = "application/json"

private func refusal(_ body: String, contentType: String? = json) -> ModelRefusal? {
    do {
        _ = try UnifiedBody(parsing: Array(body.utf8), contentType: contentType)
        return nil
    } catch {
        return error
    }
}

/// CONTRACT.md §6.1 checks 2–5 in order, and §6.3's splicing.
@Suite struct UnifiedBodyTests {
    // (body, Content-Type, the first check that fails).
    static let refusals: [(String, String?, ModelRefusal)] = [
        // Step 2: JSON media type for a non-empty body; well-formed JSON (§1.1).
        (#"{"model":"gpt-4o"}"#, nil, .unsupportedMediaType),
        (#"{"model":"gpt-4o"}"#, "text/plain", .unsupportedMediaType),
        (#"{"model":"gpt-4o"}"#, "application/jsonx", .unsupportedMediaType),
        (#"{"model":"#, json, .invalidJSON),
        (#"{"model":"gpt-4o",}"#, json, .invalidJSON),
        ("{\"model\":\"gpt-4o\"}\u{0}", json, .invalidJSON),
        (#"{"model":"a","model":}"#, json, .invalidJSON),
        // An empty body is `{}` whatever its type; a non-object has no members (§1.1).
        ("", nil, .modelRequired),
        ("", "text/plain", .modelRequired),
        ("{}", json, .modelRequired),
        (" [ {\"model\":\"gpt-4o\"} ] ", json, .modelRequired),
        (#""gpt-4o""#, json, .modelRequired),
        ("1", json, .modelRequired),
        (#"{"x":{"model":"gpt-4o"}}"#, json, .modelRequired),
        (#"{"Model":"gpt-4o"}"#, json, .modelRequired),
        // Step 3, before step 4: names compare unescaped.
        (#"{"model":"gpt-4o","model":"gpt-4o"}"#, json, .duplicateModelMember),
        (#"{"model":"gpt-4o","mod\u0065l":"claude-3"}"#, json, .duplicateModelMember),
        (#"{"model":null,"model":null}"#, json, .duplicateModelMember),
        (#"{"model":"x","n":{"model":1},"model":2}"#, json, .duplicateModelMember),
        // Step 4: JavaScript's falsy JSON values.
        (#"{"model":null}"#, json, .modelRequired),
        (#"{"model":false}"#, json, .modelRequired),
        (#"{"model":""}"#, json, .modelRequired),
        (#"{"model":0}"#, json, .modelRequired),
        (#"{"model":-0}"#, json, .modelRequired),
        (#"{"model":0.0}"#, json, .modelRequired),
        (#"{"model":0e10}"#, json, .modelRequired),
        (#"{"model":-0.000E+3}"#, json, .modelRequired),
        (#"{"model":1e-400}"#, json, .modelRequired),
        // Step 5: truthy non-strings, written as their JSON text as sent.
        (#"{"model":true}"#, json, .unroutableModel("true")),
        (#"{"model":1}"#, json, .unroutableModel("1")),
        (#"{"model":1.50}"#, json, .unroutableModel("1.50")),
        (#"{"model":-2e3}"#, json, .unroutableModel("-2e3")),
        (#"{"model":[]}"#, json, .unroutableModel("[]")),
        (#"{"model":{}}"#, json, .unroutableModel("{}")),
        (#"{"model": {"a": [1, "\u00e9"]} }"#, json, .unroutableModel(#"{"a": [1, "\u00e9"]}"#)),
        // Step 5: strings no rule routes, as sent (unescaped).
        (#"{"model":"meta-llama/llama-3-70b"}"#, json, .unroutableModel("meta-llama/llama-3-70b")),
        (#"{"model":"o1"}"#, json, .unroutableModel("o1")),
        (#"{"model":" "}"#, json, .unroutableModel(" ")),
        (#"{"model":"caf\u00e9 \"x\""}"#, json, .unroutableModel("café \"x\"")),
        (#"{"model":"openai/"}"#, json, .unroutableModel("openai/")),
    ]

    @Test(arguments: refusals)
    func testFirstFailingCheckAnswers(_ body: String, _ contentType: String?, _ expected: ModelRefusal) {
        #expect(refusal(body, contentType: contentType) == expected)
    }

    static let mediaTypes = [
        "application/json", "APPLICATION/JSON", "application/json; charset=utf-8", "application/vnd.api+json",
        " application/problem+json ;x=1",
    ]

    @Test(arguments: mediaTypes)
    func testJSONMediaTypesAreAccepted(_ contentType: String) throws {
        let body = try UnifiedBody(parsing: Array(#"{"model":"gpt-4o"}"#.utf8), contentType: contentType)
        #expect(body.route.provider == "openai")
    }

    // (body, model as sent, provider, forwarded path, forwarded query, forwarded body).
    static let accepted: [(String, String, String, String, String?, String)] = [
        // Pattern routes other than Google: byte-exact.
        (
            "{\"messages\":[ ],\n\"model\":\"gpt-4o\" , \"n\":1.0e0}", "gpt-4o", "openai", "/v1/chat/completions",
            nil, "{\"messages\":[ ],\n\"model\":\"gpt-4o\" , \"n\":1.0e0}"
        ),
        (
            #"{"model":"GPT-4o","stream":true}"#, "GPT-4o", "openai", "/v1/chat/completions", nil,
            #"{"model":"GPT-4o","stream":true}"#
        ),
        (
            #"{"model":"claude\u002d3-opus"}"#, "claude-3-opus", "anthropic", "/v1/messages", nil,
            #"{"model":"claude\u002d3-opus"}"#
        ),
        // Prefixed: the value is replaced by the name; every other byte stays.
        (
            #"{ "model" : "anthropic/claude-3-5-haiku" , "max_tokens": 1.0e2 }"#, "anthropic/claude-3-5-haiku",
            "anthropic", "/v1/messages", nil, #"{ "model" : "claude-3-5-haiku" , "max_tokens": 1.0e2 }"#
        ),
        (
            #"{"model":"openai/ gpt-4o\t"}"#, "openai/ gpt-4o\t", "openai", "/v1/chat/completions", nil,
            #"{"model":"gpt-4o"}"#
        ),
        (
            #"{"a":"\/","model":"OpenRouter\/meta-llama\/llama-3-70b"}"#, "OpenRouter/meta-llama/llama-3-70b",
            "openrouter", "/api/v1/chat/completions", nil, #"{"a":"\/","model":"meta-llama/llama-3-70b"}"#
        ),
        (
            #"{"model":"mistral/caf\u00e9 \"q\""}"#, "mistral/café \"q\"", "mistral", "/v1/chat/completions", nil,
            "{\"model\":\"café \\\"q\\\"\"}"
        ),
        // Google: the member goes, with one separating comma; the model travels in the path.
        (
            #"{"contents":[], "model":"google/gemini-2.0-flash", "stream": true}"#, "google/gemini-2.0-flash",
            "google", "/v1beta/models/gemini-2.0-flash:streamGenerateContent", "alt=sse",
            #"{"contents":[], "stream": true}"#
        ),
        (
            #"{"model":"gemini-2.0-flash","contents":[]}"#, "gemini-2.0-flash", "google",
            "/v1beta/models/gemini-2.0-flash:generateContent", nil, #"{"contents":[]}"#
        ),
        (
            "{\"contents\":[],\n  \"model\":\"gemini-1.5-pro\"\n}", "gemini-1.5-pro", "google",
            "/v1beta/models/gemini-1.5-pro:generateContent", nil, "{\"contents\":[]\n}"
        ),
        (
            #"{ "model":"gemini-pro" }"#, "gemini-pro", "google", "/v1beta/models/gemini-pro:generateContent", nil,
            "{  }"
        ),
        // `stream` is the literal `true` of the last `stream` member.
        (
            #"{"stream":true,"stream":false,"model":"gemini-x"}"#, "gemini-x", "google",
            "/v1beta/models/gemini-x:generateContent", nil, #"{"stream":true,"stream":false}"#
        ),
        (
            #"{"model":"gemini-x","stream":"true"}"#, "gemini-x", "google",
            "/v1beta/models/gemini-x:generateContent", nil, #"{"stream":"true"}"#
        ),
        (
            #"{"model":"gemini-x","stream":1}"#, "gemini-x", "google", "/v1beta/models/gemini-x:generateContent",
            nil, #"{"stream":1}"#
        ),
    ]

    @Test(arguments: accepted)
    func testRoutedBodyIsSplicedNotReserialised(
        _ text: String,
        _ model: String,
        _ provider: String,
        _ path: String,
        _ query: String?,
        _ forwarded: String
    ) throws {
        let body = try UnifiedBody(parsing: Array(text.utf8), contentType: json)
        #expect(body.model == model)
        #expect(body.route.provider == provider)
        #expect(body.route.path == path)
        #expect(body.route.query == query)
        #expect(String(decoding: body.forwardedBody, as: UTF8.self) == forwarded)
    }
}
