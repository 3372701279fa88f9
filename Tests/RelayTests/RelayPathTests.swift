import Relay
import Testing

private let invalidPathMessage =
    "Invalid relay path: dot-segments, backslashes, encoded slashes, control characters and malformed "
    + "percent-encoding are not allowed."

/// The result of relaying a request target through §5.3 and §4.2, as the examples table states it.
enum Outcome: Equatable, CustomStringConvertible {
    case forwarded(String)
    case invalid
    case notPermitted(String)

    var description: String {
        switch self {
        case .forwarded(let target): "forwarded \(target)"
        case .invalid: "400"
        case .notPermitted(let message): "403 \(message)"
        }
    }
}

/// Splits `/relay/<provider><R>?<Q>` and applies the path rules, the allowlist and the query rules in order.
private func relay(_ target: String) -> Outcome {
    let afterRelay = target.dropFirst("/relay/".count)
    let provider = afterRelay.prefix { $0 != "/" && $0 != "?" }
    let rest = afterRelay.dropFirst(provider.count)
    let remainder = rest.prefix { $0 != "?" }
    let query = remainder.endIndex < rest.endIndex ? rest[rest.index(after: remainder.endIndex)...] : nil
    switch RelayPath.parse(remainder: remainder) {
    case .failure(let refusal):
        #expect(refusal.message == invalidPathMessage)
        return .invalid
    case .success(let path):
        guard ProviderPaths.isAllowed(normalised: path.normalised, provider: String(provider)) else {
            return .notPermitted(ProviderPaths.refusalMessage(normalised: path.normalised, provider: String(provider)))
        }
        let forwardedQuery =
            provider == "google"
            ? GoogleQuery.rewrite(query: query, normalised: path.normalised) : query.map(String.init)
        return .forwarded(path.forwarded + (forwardedQuery.map { "?" + $0 } ?? ""))
    }
}

private func notPermitted(_ path: String, _ provider: String) -> Outcome {
    .notPermitted(
        "Path \"\(path)\" is not permitted for provider \"\(provider)\". Only inference endpoints are allowed."
    )
}

// CONTRACT.md §5.3, the examples table row by row.
private let contractExamples: [(String, Outcome)] = [
    ("/relay/openai/v1/chat/completions", .forwarded("/v1/chat/completions")),
    ("/relay/openai/v1//chat/completions?a=1", .forwarded("/v1/chat/completions?a=1")),
    ("/relay/openai/v1/chat/completions/", .forwarded("/v1/chat/completions/")),
    ("/relay/openai/v1/files", notPermitted("/v1/files", "openai")),
    ("/relay/openai/", notPermitted("/", "openai")),
    ("/relay/openai/v1/chat/completions/../../files", .invalid),
    ("/relay/openai/v1/./chat/completions", .invalid),
    ("/relay/openai/v1/chat/completions/%2e%2e/%2e%2e/files", .invalid),
    ("/relay/openai/v1/chat/completions/%252e%252e/files", .invalid),
    ("/relay/openai/v1/chat%2Fcompletions", .invalid),
    ("/relay/openai/v1/chat/completions%00", .invalid),
    ("/relay/openai/v1/chat/completions/%zz", .invalid),
    (
        "/relay/google/v1beta/models/gemini-2.0-flash:streamGenerateContent",
        .forwarded("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse")
    ),
    (
        "/relay/google/v1beta/models/gemini-2.0-flash:generateContent?key=x&foo=1",
        .forwarded("/v1beta/models/gemini-2.0-flash:generateContent?foo=1")
    ),
    (
        "/relay/deepgram/v1/listen?model=nova-2&smart_format=true",
        .forwarded("/v1/listen?model=nova-2&smart_format=true")
    ),
]

@Test(arguments: contractExamples)
func testContractExample(_ target: String, _ expected: Outcome) {
    #expect(relay(target) == expected)
}

// Beyond the table: how the pieces meet when a request is relayed whole.
private let relayedTargets: [(String, Outcome)] = [
    ("/relay/openai", notPermitted("/", "openai")),
    ("/relay/openai//v1///chat//completions//", .forwarded("/v1/chat/completions/")),
    ("/relay/openai/v1/chat/completions/a%20b?x=%2F", .forwarded("/v1/chat/completions/a%20b?x=%2F")),
    ("/relay/openai/v1/chat%2Dcompletions", notPermitted("/v1/chat-completions", "openai")),
    ("/relay/openai/v1/%63hat/completions", .forwarded("/v1/%63hat/completions")),
    ("/relay/openai/V1/chat/completions", notPermitted("/V1/chat/completions", "openai")),
    ("/relay/anthropic/v1/messagesX", notPermitted("/v1/messagesX", "anthropic")),
    (
        "/relay/google/v1beta/models/x:%73treamGenerateContent?%6Bey=k",
        .forwarded("/v1beta/models/x:%73treamGenerateContent?alt=sse")
    ),
    (
        "/relay/google/v1beta/models/x:streamGenerateContent?alt=json&key=k",
        .forwarded("/v1beta/models/x:streamGenerateContent?alt=json")
    ),
    ("/relay/deepgram/v1/listen?key=x", .forwarded("/v1/listen?key=x")),
    ("/relay/unknown/v1/../x", .invalid),
]

@Test(arguments: relayedTargets)
func testRelayedTarget(_ target: String, _ expected: Outcome) {
    #expect(relay(target) == expected)
}
