import Relay
import Testing

@Suite struct ConfigurationWarningTests {
    static let appSecretWarning =
        "APP_SECRET is not set — POST /users is open. Set APP_SECRET to restrict registration."
    static let tokenHMACWarning =
        "TOKEN_HMAC_SECRET is not set — falling back to ENCRYPTION_SECRET for token hashing."
    static let allowedModelsWarning = "ALLOWED_MODELS is not set — all models are permitted."
    static let saltWarning =
        "ENCRYPTION_SALT is not set — using the built-in default salt. Set a unique ENCRYPTION_SALT on new deployments."

    @Test func testMinimalConfigurationWarnsInTableOrder() throws {
        let (_, warnings) = try loadConfiguration([:])
        #expect(
            warnings == [Self.appSecretWarning, Self.tokenHMACWarning, Self.allowedModelsWarning, Self.saltWarning]
        )
    }

    @Test func testFullConfigurationDoesNotWarn() throws {
        let (_, warnings) = try loadConfiguration([
            "APP_SECRET": "a", "TOKEN_HMAC_SECRET": String(repeating: "t", count: 32), "ALLOWED_MODELS": "gpt-4o",
            "ENCRYPTION_SALT": "s", "RELAY_UPSTREAM_OPENAI": "https://gateway.example",
        ])
        #expect(warnings == [])
    }

    @Test func testAllowedModelsWithoutEntriesWarns() throws {
        let (configuration, warnings) = try loadConfiguration(["ALLOWED_MODELS": " , "])
        #expect(configuration.allowedModels == [])
        #expect(warnings.contains(Self.allowedModelsWarning))
    }

    @Test func testPlainHTTPOverridesWarnAfterAliases() throws {
        let (_, warnings) = try loadConfiguration([
            "APP_SECRET": "a", "TOKEN_HMAC_SECRET": String(repeating: "t", count: 32), "ALLOWED_MODELS": "m",
            "ENCRYPTION_SALT": "s", "HOST": "::", "BIND_ADDRESS": "0.0.0.0",
            "RELAY_UPSTREAM_OPENAI_COMPATIBLE": "http://127.0.0.1:9000", "RELAY_UPSTREAM_ANTHROPIC": "HTTP://mock:1",
            "RELAY_UPSTREAM_OPENAI": "https://secure.example",
        ])
        #expect(
            warnings == [
                "BIND_ADDRESS is ignored because HOST is set.",
                "RELAY_UPSTREAM_ANTHROPIC uses plain http — provider keys will cross the network unencrypted.",
                "RELAY_UPSTREAM_OPENAI_COMPATIBLE uses plain http — provider keys will cross the network unencrypted.",
            ]
        )
    }
}
