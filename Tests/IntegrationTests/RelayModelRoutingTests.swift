import Foundation
import MockProvider
import TestSupport
import Testing

/// `POST /relay`, `GET /models` and `ALLOWED_MODELS` on the real binary with every provider pointed at the mock
/// (CONTRACT.md §5.6, §6): what the provider receives (path, rewritten body) and the refusals.
@Suite("Model routing and allowlist")
struct RelayModelRoutingTests {
    final class Fixture: Sendable {
        let mock: MockProvider
        let api: AccountAPI
        let token: String

        init(allowedModels: String) throws {
            mock = try MockProvider.start()
            var environment = mock.relayEnvironment()
            environment["ALLOWED_MODELS"] = allowedModels
            api = AccountAPI(try RelayProcess(environment: environment))
            token = try api.register()
            for provider in ["openai", "anthropic", "google", "groq"] {
                let stored = try api.storeKey(
                    "sk-test-routing-\(provider)-0123456789",
                    provider: provider,
                    token: token
                )
                try #require(stored.status == 200)
            }
        }

        deinit { mock.stop() }

        func unified(_ body: String) throws -> RawClient.Response {
            try api.send("POST", "/relay", headers: ["x-relay-token: \(token)"], json: body)
        }
    }

    static let open = Result { try Fixture(allowedModels: "") }
    static let restricted = Result {
        try Fixture(allowedModels: "gpt-4o*, anthropic/claude-3-5-haiku*,google/gemini-2.0-flash")
    }

    @Test(
        "the model picks provider and path; the body reaches it rewritten only where §6.3 says",
        arguments: [
            (
                #"{"model": "anthropic/claude-3-5-haiku", "max_tokens": 5, "messages": []}"#,
                "/v1/messages", #"{"model": "claude-3-5-haiku", "max_tokens": 5, "messages": []}"#
            ),
            (
                #"{"model":"gpt-4o","messages":[{"role":"user","content":"1.0e2"}]}"#,
                "/v1/chat/completions", #"{"model":"gpt-4o","messages":[{"role":"user","content":"1.0e2"}]}"#
            ),
            (
                #"{"contents":[], "model":"gemini-2.0-flash"}"#,
                "/v1beta/models/gemini-2.0-flash:generateContent", #"{"contents":[]}"#
            ),
            (
                #"{"model":"google/gemini-2.0-flash","stream":true,"contents":[]}"#,
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent", #"{"stream":true,"contents":[]}"#
            ),
            (#"{"model":"llama-3.1-8b-instant"}"#, "/openai/v1/chat/completions", #"{"model":"llama-3.1-8b-instant"}"#),
        ]
    )
    func routing(body: String, path: String, forwarded: String) async throws {
        let fixture = try Self.open.get()
        let response = try fixture.unified(body)
        #expect(response.status == 200, "\(response.bodyText)")
        let received = try #require(fixture.mock.allRequests().last { $0.bodyText == forwarded })
        #expect(received.path == path)
        if path.contains("stream") { #expect(received.target.hasSuffix("?alt=sse")) }
    }

    @Test("POST /relay refusals (§6.1 steps 2–7)")
    func unifiedRefusals() throws {
        let fixture = try Self.open.get()
        let required =
            "model field is required. Use \"provider/model-name\" (e.g. \"anthropic/claude-3-5-haiku\") or a "
            + "recognised model name (e.g. \"gpt-4o\"). See GET /models for the full routing table."
        for body in [#"{}"#, #"{"model":null}"#, #"{"model":""}"#, #"{"model":0}"#, #"{"model":false}"#] {
            let response = try fixture.unified(body)
            #expect(response.status == 400)
            #expect(jsonObject(response)?["error"] as? String == required, "\(body)")
        }
        let unroutable = try fixture.unified(#"{"model":"meta-llama/llama-3-70b"}"#)
        #expect(unroutable.status == 400)
        #expect(
            (jsonObject(unroutable)?["error"] as? String)?.hasPrefix("Cannot route model \"meta-llama/llama-3-70b\".")
                == true
        )
        let duplicate = try fixture.unified(#"{"model":"gpt-4o","mod\u0065l":"claude-3"}"#)
        #expect(jsonObject(duplicate)?["error"] as? String == "Request body has more than one \"model\" member")
        let malformed = try fixture.unified(#"{"model":"gpt-4o""#)
        #expect(malformed.status == 400)
        #expect(jsonObject(malformed)?["error"] as? String == "Request body is not valid JSON")
        let noKey = try fixture.unified(#"{"model":"mistral-large-latest"}"#)
        #expect(
            jsonObject(noKey)?["error"] as? String
                == "No API key stored for provider \"mistral\". POST /keys/mistral first."
        )
    }

    @Test(
        "ALLOWED_MODELS: unified models match as sent; direct routes match the body or Google path model (§5.6, §6.5)"
    )
    func allowlist() async throws {
        let fixture = try Self.restricted.get()
        let allowedList = ["gpt-4o*", "anthropic/claude-3-5-haiku*", "google/gemini-2.0-flash"]
        #expect(try fixture.unified(#"{"model":"gpt-4o-mini"}"#).status == 200)
        #expect(try fixture.unified(#"{"model":"anthropic/claude-3-5-haiku-20241022"}"#).status == 200)
        let refused = try fixture.unified(#"{"model":"openai/gpt-4o"}"#)
        #expect(refused.status == 403)
        #expect(jsonObject(refused)?["error"] as? String == "Model \"openai/gpt-4o\" is not permitted on this relay.")
        #expect(jsonObject(refused)?["allowed_models"] as? [String] == allowedList)

        let direct = { (path: String, body: String) in
            try fixture.api.send("POST", path, headers: ["x-relay-token: \(fixture.token)"], json: body)
        }
        #expect(try direct("/relay/openai/v1/chat/completions?tag=d1", #"{"model":"gpt-4o"}"#).status == 200)
        let forbidden = try direct("/relay/openai/v1/chat/completions?tag=d2", #"{"model":"gpt-3.5-turbo"}"#)
        #expect(forbidden.status == 403)
        #expect(fixture.mock.requests(tag: "d2").isEmpty)
        #expect(
            try direct("/relay/anthropic/v1/messages?tag=d3", #"{"model":"claude-3-5-haiku-latest"}"#).status == 200
        )
        #expect(try direct("/relay/google/v1beta/models/gemini-2.0-flash:generateContent?tag=d4", "{}").status == 200)
        #expect(try direct("/relay/google/v1beta/models/gemini-1.5-pro:countTokens?tag=d5", "{}").status == 403)
        let twice = try direct("/relay/openai/v1/chat/completions?tag=d6", #"{"model":"gpt-4o","model":"o1"}"#)
        #expect(jsonObject(twice)?["error"] as? String == "Request body has more than one \"model\" member")
        let broken = try direct("/relay/openai/v1/chat/completions?tag=d7", #"{"model":"#)
        #expect(jsonObject(broken)?["error"] as? String == "Request body is not valid JSON")
        // The body read for the check is forwarded unchanged.
        let received = try #require(await fixture.mock.waitForRequest(tag: "d1"))
        #expect(received.bodyText == #"{"model":"gpt-4o"}"#)
        // No model named: not restricted.
        #expect(try direct("/relay/openai/v1/embeddings?tag=d8", #"{"input":"x"}"#).status == 200)
    }

    @Test("GET /models: the routing table, and the allowlist when restricted (§6.4)")
    func models() throws {
        let open = jsonObject(try Self.open.get().api.send("GET", "/models"))
        #expect(open?["restricted"] as? Bool == false)
        #expect(open?["message"] as? String == "All models are permitted on this relay.")
        #expect((open?["patterns"] as? [[String: Any]])?.count == 9)
        let restricted = jsonObject(try Self.restricted.get().api.send("GET", "/models"))
        #expect(restricted?["restricted"] as? Bool == true)
        #expect(restricted?["message"] == nil)
        #expect(
            restricted?["allowed_models"] as? [String] == [
                "gpt-4o*", "anthropic/claude-3-5-haiku*", "google/gemini-2.0-flash",
            ]
        )
    }
}
