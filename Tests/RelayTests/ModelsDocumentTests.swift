import JSON
import Relay
import Testing

/// CONTRACT.md §6.4's document, copied verbatim so that any drift in the routing table or the texts fails here.
private let contractDocument = #"""
    {
      "providers": ["anthropic","openai","google","groq","openrouter","mistral","elevenlabs","huggingface","deepgram","openai-compatible"],
      "providerPrefixes": ["openai","anthropic","google","groq","openrouter","mistral"],
      "patterns": [
        {"pattern":"^(gpt-|o[1-9][-\\s]|chatgpt-)","flags":"i","provider":"openai"},
        {"pattern":"^text-embedding-","flags":"i","provider":"openai"},
        {"pattern":"^claude-","flags":"i","provider":"anthropic"},
        {"pattern":"^gemini-","flags":"i","provider":"google"},
        {"pattern":"^(llama-?[23]?[-_]|llama3?[-_])","flags":"i","provider":"groq"},
        {"pattern":"^mixtral-","flags":"i","provider":"groq"},
        {"pattern":"^gemma-","flags":"i","provider":"groq"},
        {"pattern":"^qwen-","flags":"i","provider":"groq"},
        {"pattern":"^(mistral-|codestral-|open-mistral)","flags":"i","provider":"mistral"}
      ],
      "restricted": false,
      "message": "All models are permitted on this relay.",
      "usage": "POST /relay with { model: \"provider/model-name\", ...providerBody }",
      "examples": [
        "{ \"model\": \"anthropic/claude-3-5-haiku\", \"max_tokens\": 256, \"messages\": [{\"role\":\"user\",\"content\":\"Hello\"}] }",
        "{ \"model\": \"gpt-4o\", \"messages\": [{\"role\":\"user\",\"content\":\"Hello\"}] }",
        "{ \"model\": \"google/gemini-2.0-flash\", \"contents\": [{\"parts\":[{\"text\":\"Hello\"}]}] }"
      ]
    }
    """#

/// `text` without the whitespace between tokens: the compact form the relay writes (§1.1), so comparing bytes
/// compares structure, member order and every string at once.
private func compacted(_ text: String) -> [UInt8] {
    var output: [UInt8] = []
    var isInString = false
    var isEscaped = false
    for byte in text.utf8 {
        if isInString {
            output.append(byte)
            if isEscaped {
                isEscaped = false
            } else if byte == UInt8(ascii: "\\") {
                isEscaped = true
            } else if byte == UInt8(ascii: "\"") {
                isInString = false
            }
        } else if byte == UInt8(ascii: "\"") {
            isInString = true
            output.append(byte)
        } else if ![0x20, 0x09, 0x0A, 0x0D].contains(byte) {
            output.append(byte)
        }
    }
    return output
}

@Suite struct ModelsDocumentTests {
    @Test func testUnrestrictedDocumentIsTheContractsText() throws {
        let bytes = ModelsDocument(allowlist: ModelAllowlist(entries: [])).json.bytes
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: compacted(contractDocument), as: UTF8.self))
        let parsed = try JSONDocument(parsing: bytes, maximumDepth: nil)
        #expect(
            parsed.members.map(\.name) == [
                "providers", "providerPrefixes", "patterns", "restricted", "message", "usage", "examples",
            ]
        )
    }

    @Test func testRestrictedDocumentReplacesRestrictedAndMessage() throws {
        let entries = ["gpt-4o*", "anthropic/claude-3-5-haiku*", "Odd \"entry\""]
        let bytes = ModelsDocument(allowlist: ModelAllowlist(entries: entries)).json.bytes
        let expected = contractDocument.replacing(
            "\"restricted\": false,\n  \"message\": \"All models are permitted on this relay.\",",
            with: #""restricted": true, "allowed_models": ["gpt-4o*","anthropic/claude-3-5-haiku*","Odd \"entry\""],"#
        )
        #expect(expected != contractDocument)
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: compacted(expected), as: UTF8.self))
        let parsed = try JSONDocument(parsing: bytes, maximumDepth: nil)
        #expect(
            parsed.members.map(\.name) == [
                "providers", "providerPrefixes", "patterns", "restricted", "allowed_models", "usage", "examples",
            ]
        )
        #expect(parsed.lastMember(named: "restricted")?.boolValue == true)
    }
}
