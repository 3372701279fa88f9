import Foundation
import TestSupport
import Testing

// MARK: Helpers shared with RelayKeyVaultTests

/// One relay's account routes spoken to in raw bytes, one connection per request (CONTRACT.md §2, §3).
struct AccountAPI {
    /// The registration credential for `RelayProcess.baseEnvironment`'s `APP_SECRET` (CONTRACT.md §1.3).
    static let appSecret = "Authorization: Bearer test-app-secret"
    /// Kept here so the relay lives as long as the requests sent to it.
    let relay: RelayProcess

    init(_ relay: RelayProcess) { self.relay = relay }

    /// Sends one request; `headers` are whole lines without CRLF; a `body` gets its `Content-Length`.
    func send(_ method: String, _ path: String, headers: [String] = [], body: [UInt8]? = nil) throws
        -> RawClient.Response
    {
        let client = try RawClient(port: relay.port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: t\r\n"
        for header in headers { head += header + "\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        try client.send(Array((head + "\r\n").utf8) + (body ?? []))
        return try client.readResponse(bodyless: method == "HEAD")
    }

    /// Sends `json` as an `application/json` body.
    func send(_ method: String, _ path: String, headers: [String] = [], json: String) throws -> RawClient.Response {
        try send(method, path, headers: headers + ["Content-Type: application/json"], body: Array(json.utf8))
    }

    /// `POST /users` for `appID`, with the app secret.
    func registration(appID: String = "app.example") throws -> RawClient.Response {
        try send("POST", "/users", headers: [Self.appSecret], json: #"{"app_id":\#(jsonString(appID))}"#)
    }

    /// A fresh relay token; the registration must succeed.
    func register(appID: String = "app.example") throws -> String {
        let response = try registration(appID: appID)
        try #require(response.status == 200, "\(response.bodyText)")
        return try #require(jsonObject(response)?["token"] as? String)
    }

    /// `POST /keys/:provider` with `{"key": key}`.
    func storeKey(_ key: String, provider: String = "openai", token: String) throws -> RawClient.Response {
        try send(
            "POST",
            "/keys/\(provider)",
            headers: ["x-relay-token: \(token)"],
            json: #"{"key":\#(jsonString(key))}"#
        )
    }

    /// `GET /keys` with the credential as `header` (whole line).
    func listKeys(header: String) throws -> RawClient.Response { try send("GET", "/keys", headers: [header]) }

    /// The providers `GET /keys` lists for `token`, or nil when it does not answer 200.
    func providers(token: String) throws -> [String]? {
        let response = try listKeys(header: "x-relay-token: \(token)")
        return response.status == 200 ? jsonObject(response)?["providers"] as? [String] : nil
    }
}

/// The exact strings of CONTRACT.md §1.1, §1.2, §2 and §3.4.
enum Message {
    static let registrationUnauthorized =
        "Unauthorized: valid Authorization: Bearer <APP_SECRET> header required to register."
    static let unsupportedMediaType = "Content-Type must be application/json"
    static let invalidJSON = "Request body is not valid JSON"
    static let appIDRequired = "app_id is required"
    static let appIDNotString = "app_id must be a string"
    static let appIDInvalid = "app_id must be at most 128 characters and contain no control characters"
    static let tokenRequired = "x-relay-token header required"
    static let invalidToken = "Invalid or expired token"
    static let unsupportedProvider =
        "Unsupported provider. Supported: anthropic, openai, google, groq, openrouter, mistral, elevenlabs, "
        + "huggingface, deepgram, openai-compatible"
    static let keyRequired = "A valid API key is required"
    static let keyTooLong = "API key is too long (maximum 4096 bytes)"
    static let keyNotPrintable = "API key must contain only printable ASCII characters"
}

/// A request body for a JSON route and the answer CONTRACT.md §1.1 and the route's checks give it.
struct BodyCase: Sendable, CustomTestStringConvertible {
    let label: String
    let contentType: String?
    let body: [UInt8]
    let status: Int
    let message: String?
    var testDescription: String { label }

    init(_ label: String, _ body: String, _ status: Int, _ message: String?, type: String? = "application/json") {
        self.init(label, bytes: Array(body.utf8), status, message, type: type)
    }

    init(_ label: String, bytes: [UInt8], _ status: Int, _ message: String?, type: String? = "application/json") {
        self.label = label
        self.contentType = type
        self.body = bytes
        self.status = status
        self.message = message
    }

    var headers: [String] { contentType.map { ["Content-Type: \($0)"] } ?? [] }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    var literal = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": literal += "\\\""
        case "\\": literal += "\\\\"
        case _ where scalar.value < 0x20: literal += String(format: "\\u%04x", scalar.value)
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return literal + "\""
}

/// The response body as a JSON object, or nil.
func jsonObject(_ response: RawClient.Response) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
}

/// `status` with exactly `body`, as the relay writes its own JSON (CONTRACT.md §1.1, §1.6).
func expectJSON(
    _ response: RawClient.Response,
    _ status: Int,
    _ body: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, sourceLocation: sourceLocation)
    #expect(response.bodyText == body, sourceLocation: sourceLocation)
    #expect(response.header("content-type") == "application/json; charset=utf-8", sourceLocation: sourceLocation)
    #expect(response.header("cache-control") == "no-store", sourceLocation: sourceLocation)
}

/// `status` with exactly `{"error":"<message>"}` (CONTRACT.md §1.2).
func expectError(
    _ response: RawClient.Response,
    _ status: Int,
    _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectJSON(response, status, #"{"error":"\#(message)"}"#, sourceLocation: sourceLocation)
}

// MARK: Users and tokens

/// `POST /users`, the token check, `POST /tokens/revoke` and `DELETE /users` on the real binary (CONTRACT.md §1.1,
/// §1.3, §2, E9, E12).
/// Serialized: the suite's relay sees one request at a time; concurrent writes are the subject of
/// `testTwoHundredConcurrentRegistrationsAllSucceedWithDistinctTokens` alone, on a relay of its own.
@Suite struct RelayAccountTests {
    static let relay = Result { try RelayProcess() }

    func api() throws -> AccountAPI { AccountAPI(try Self.relay.get()) }

    static let appSecretHeaders: [([String], Bool)] = [
        ([], false),
        (["Authorization: Bearer wrong-secret"], false),
        (["Authorization: Bearer  test-app-secret"], false),  // two spaces
        (["Authorization: Bearer test-app-secret extra"], false),  // the whole remainder is compared
        (["Authorization: Bearer test-app-secre"], false),
        (["Authorization: Basic test-app-secret"], false),
        (["Authorization: test-app-secret"], false),
        (["Authorization: Bearer"], false),
        (["x-relay-token: test-app-secret"], false),
        (["Authorization: Bearer test-app-secret", "Authorization: Bearer test-app-secret"], false),
        (["Authorization: Bearer test-app-secret"], true),
        (["Authorization: bearer test-app-secret"], true),
        (["Authorization: BEARER test-app-secret"], true),
    ]

    @Test(arguments: appSecretHeaders)
    func testRegistrationNeedsExactlyTheAppSecret(headers: [String], admitted: Bool) throws {
        let response = try api().send("POST", "/users", headers: headers, json: #"{"app_id":"gate"}"#)
        if admitted {
            #expect(response.status == 200)
        } else {
            expectError(response, 401, Message.registrationUnauthorized)
        }
    }

    @Test func testAppSecretIsCheckedBeforeTheBody() throws {
        let response = try api().send("POST", "/users", headers: ["Content-Type: text/plain"], body: Array("x".utf8))
        expectError(response, 401, Message.registrationUnauthorized)
    }

    static let refusedBodies: [BodyCase] = [
        BodyCase("text/plain", #"{"app_id":"a"}"#, 415, Message.unsupportedMediaType, type: "text/plain"),
        BodyCase("no content type", #"{"app_id":"a"}"#, 415, Message.unsupportedMediaType, type: nil),
        BodyCase("json-looking type", #"{"app_id":"a"}"#, 415, Message.unsupportedMediaType, type: "text/json"),
        BodyCase("empty body", "", 400, Message.appIDRequired, type: nil),
        BodyCase("empty object", "{}", 400, Message.appIDRequired),
        BodyCase("null", #"{"app_id":null}"#, 400, Message.appIDRequired),
        BodyCase("empty string", #"{"app_id":""}"#, 400, Message.appIDRequired),
        BodyCase("array root", #"["app_id"]"#, 400, Message.appIDRequired),
        BodyCase("array of object root", #"[{"app_id":"a"}]"#, 400, Message.appIDRequired),
        BodyCase("string root", #""app_id""#, 400, Message.appIDRequired),
        BodyCase("nested member only", #"{"x":{"app_id":"a"}}"#, 400, Message.appIDRequired),
        BodyCase("number", #"{"app_id":5}"#, 400, Message.appIDNotString),
        BodyCase("object", #"{"app_id":{}}"#, 400, Message.appIDNotString),
        BodyCase("array", #"{"app_id":[]}"#, 400, Message.appIDNotString),
        BodyCase("boolean", #"{"app_id":true}"#, 400, Message.appIDNotString),
        BodyCase("last duplicate not a string", #"{"app_id":"ok","app_id":5}"#, 400, Message.appIDNotString),
        BodyCase("129 characters", #"{"app_id":"\#(String(repeating: "a", count: 129))"}"#, 400, Message.appIDInvalid),
        BodyCase("129 non-ASCII", #"{"app_id":"\#(String(repeating: "é", count: 129))"}"#, 400, Message.appIDInvalid),
        BodyCase("U+0001", #"{"app_id":"a\u0001b"}"#, 400, Message.appIDInvalid),
        BodyCase("U+0000", #"{"app_id":"\u0000"}"#, 400, Message.appIDInvalid),
        BodyCase("U+001F", #"{"app_id":"a\u001Fb"}"#, 400, Message.appIDInvalid),
        BodyCase("escaped newline", #"{"app_id":"a\nb"}"#, 400, Message.appIDInvalid),
        BodyCase("U+007F", #"{"app_id":"a\u007fb"}"#, 400, Message.appIDInvalid),
        BodyCase("raw U+007F", "{\"app_id\":\"a\u{7F}b\"}", 400, Message.appIDInvalid),
        BodyCase("truncated", #"{"app_id":"#, 400, Message.invalidJSON),
        BodyCase("trailing comma", #"{"app_id":"a",}"#, 400, Message.invalidJSON),
        BodyCase("single quotes", "{'app_id':'a'}", 400, Message.invalidJSON),
        BodyCase("two values", #"{"app_id":"a"} {}"#, 400, Message.invalidJSON),
        BodyCase("depth 65 in object", depthBody(65), 400, Message.invalidJSON),
        BodyCase(
            "depth 65 array root",
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            400,
            Message.invalidJSON
        ),
        BodyCase(
            "depth 64 array root",
            String(repeating: "[", count: 64) + String(repeating: "]", count: 64),
            400,
            Message.appIDRequired
        ),
        BodyCase(
            "invalid UTF-8 byte",
            bytes: Array(#"{"app_id":"a"#.utf8) + [0xFF] + Array(#""}"#.utf8),
            400,
            Message.invalidJSON
        ),
        BodyCase(
            "overlong UTF-8",
            bytes: Array(#"{"app_id":"a"#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),
            400,
            Message.invalidJSON
        ),
        BodyCase(
            "UTF-8 surrogate",
            bytes: Array(#"{"app_id":"a"#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),
            400,
            Message.invalidJSON
        ),
    ]

    /// `{"app_id":"deep","x":[[…]]}` nested `depth` levels, the root object counting as one.
    static func depthBody(_ depth: Int) -> String {
        #"{"app_id":"deep","x":"# + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
            + "}"
    }

    @Test(arguments: refusedBodies)
    func testRegistrationBodyIsRefused(_ body: BodyCase) throws {
        let response = try api().send("POST", "/users", headers: [AccountAPI.appSecret] + body.headers, body: body.body)
        expectError(response, body.status, try #require(body.message))
    }

    static let acceptedBodies: [BodyCase] = [
        BodyCase("vnd+json", #"{"app_id":"a"}"#, 200, nil, type: "application/vnd.api+json"),
        BodyCase("upper case with charset", #"{"app_id":"a"}"#, 200, nil, type: "Application/JSON; charset=UTF-8"),
        BodyCase("parameter without space", #"{"app_id":"a"}"#, 200, nil, type: "application/json;charset=utf-8"),
        BodyCase("128 characters", #"{"app_id":"\#(String(repeating: "a", count: 128))"}"#, 200, nil),
        BodyCase("128 non-ASCII", #"{"app_id":"\#(String(repeating: "é", count: 128))"}"#, 200, nil),
        BodyCase("CJK and spaces", #"{"app_id":"日本語 アプリ"}"#, 200, nil),
        BodyCase("escaped slash", #"{"app_id":"https:\/\/app.example"}"#, 200, nil),
        BodyCase("last duplicate wins", #"{"app_id":5,"app_id":"ok"}"#, 200, nil),
        BodyCase("unknown members", #"{"extra":[1,{"b":null}],"app_id":"a","more":true}"#, 200, nil),
        BodyCase("whitespace around", " \n\t{ \"app_id\" : \"a\" } \r\n", 200, nil),
        BodyCase("depth 64", depthBody(64), 200, nil),
    ]

    @Test(arguments: acceptedBodies)
    func testRegistrationBodyIsAccepted(_ body: BodyCase) throws {
        let response = try api().send("POST", "/users", headers: [AccountAPI.appSecret] + body.headers, body: body.body)
        #expect(response.status == 200, "\(response.bodyText)")
        let token = try #require(jsonObject(response)?["token"] as? String)
        #expect(token.wholeMatch(of: /br_[A-Za-z0-9_-]{43}/) != nil)
    }

    @Test func testRegistrationAnswersATokenAndItsExpiry() throws {
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let response = try api().registration()
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        #expect(response.header("cache-control") == "no-store")
        let json = try #require(jsonObject(response))
        #expect(Set(json.keys) == ["token", "expires_at"])
        let token = try #require(json["token"] as? String)
        #expect(token.wholeMatch(of: /br_[A-Za-z0-9_-]{43}/) != nil)
        let expiresAt = try #require((json["expires_at"] as? NSNumber)?.int64Value)
        let ninetyDays: Int64 = 90 * 86_400_000
        #expect(expiresAt >= before + ninetyDays && expiresAt <= after + ninetyDays)
        #expect(response.bodyText == #"{"token":"\#(token)","expires_at":\#(expiresAt)}"#)
        // A new user with a new token, and nothing stored yet.
        #expect(try api().register() != token)
        expectJSON(try api().listKeys(header: "x-relay-token: \(token)"), 200, #"{"providers":[]}"#)
    }

    @Test func testExpiryFollowsTokenExpiryDaysAndItsAlias() throws {
        let never = AccountAPI(try RelayProcess(environment: ["TOKEN_EXPIRY_DAYS": "0"]))
        let response = try never.registration()
        #expect(response.status == 200)
        #expect(response.bodyText.wholeMatch(of: /\{"token":"br_[A-Za-z0-9_-]{43}","expires_at":null\}/) != nil)
        let token = try #require(jsonObject(response)?["token"] as? String)
        #expect(try never.providers(token: token) == [])

        let week = AccountAPI(try RelayProcess(environment: ["TOKEN_TTL_DAYS": "7"]))
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let weekResponse = try week.registration()
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        let expiresAt = try #require((jsonObject(weekResponse)?["expires_at"] as? NSNumber)?.int64Value)
        #expect(expiresAt >= before + 7 * 86_400_000 && expiresAt <= after + 7 * 86_400_000)
    }

    /// Credential headers (with `TOKEN` standing for a valid token) and the answer of `GET /keys` (§2.4, E12).
    static let credentials: [([String], String?)] = [
        ([], Message.tokenRequired),
        (["x-relay-token:"], Message.tokenRequired),
        (["Authorization: Bearer sk-not-a-relay-token"], Message.tokenRequired),
        (["x-api-key: sk-ant-not-a-relay-token", "x-goog-api-key: AIza-not-a-relay-token"], Message.tokenRequired),
        (["Authorization: TOKEN"], Message.tokenRequired),  // no Bearer scheme
        (["x-relay-token: garbage"], Message.invalidToken),
        (["x-relay-token: br_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"], Message.invalidToken),
        (["x-relay-token: \(String(repeating: "0123456789abcdef", count: 4))"], Message.invalidToken),
        (["x-relay-token: TOKEN", "x-relay-token: TOKEN"], Message.invalidToken),
        (["x-relay-token: br_" + String(repeating: "a", count: 510)], Message.invalidToken),  // 513 characters
        (["x-relay-token: TOKEN x"], Message.invalidToken),
        (["x-relay-token: TOKENé"], Message.invalidToken),
        (["x-relay-token: garbage", "Authorization: Bearer TOKEN"], Message.invalidToken),  // x-relay-token first
        (["Authorization: Bearer br_garbage"], Message.invalidToken),
        (["x-relay-token: TOKEN"], nil),
        (["x-relay-token:", "Authorization: Bearer TOKEN"], nil),  // empty counts as missing
        (["Authorization: Bearer TOKEN"], nil),
        (["x-api-key: TOKEN"], nil),
        (["x-goog-api-key: TOKEN"], nil),
        (["Authorization: Bearer sk-provider-key", "x-api-key: TOKEN"], nil),
        (["x-relay-token: TOKEN", "Authorization: Bearer br_garbage"], nil),
    ]

    @Test(arguments: credentials)
    func testTokenCheck(headers: [String], refusal: String?) throws {
        let api = try api()
        let token = try api.register()
        #expect(try api.storeKey("sk-token-check-key", provider: "groq", token: token).status == 200)
        let response = try api.send(
            "GET",
            "/keys",
            headers: headers.map { $0.replacingOccurrences(of: "TOKEN", with: token) }
        )
        if let refusal {
            expectError(response, 401, refusal)
        } else {
            expectJSON(response, 200, #"{"providers":["groq"]}"#)
        }
    }

    static let tokenRoutes = [
        ("POST", "/tokens/revoke"), ("DELETE", "/users"), ("POST", "/keys/openai"), ("GET", "/keys"),
        ("DELETE", "/keys/openai"), ("DELETE", "/keys/unknown"), ("POST", "/keys/unknown"),
    ]

    @Test(arguments: tokenRoutes)
    func testEveryTokenRouteRunsTheTokenCheck(method: String, path: String) throws {
        let api = try api()
        expectError(try api.send(method, path, json: #"{"key":"sk-1234567890"}"#), 401, Message.tokenRequired)
        let garbage = ["x-relay-token: br_garbage"]
        expectError(
            try api.send(method, path, headers: garbage, json: #"{"key":"sk-1234567890"}"#),
            401,
            Message.invalidToken
        )
    }

    @Test func testRevokedTokenStopsWorkingAndOthersDoNot() throws {
        let api = try api()
        let token = try api.register()
        let other = try api.register()
        #expect(try api.storeKey("sk-revoked-user-key", token: token).status == 200)
        #expect(try api.storeKey("sk-other-user-key", provider: "mistral", token: other).status == 200)
        // The body of a bodyless route is read and discarded, whatever it is (§1.1).
        let revoked = try api.send(
            "POST",
            "/tokens/revoke",
            headers: ["x-relay-token: \(token)", "Content-Type: text/plain"],
            body: Array("not json".utf8)
        )
        expectJSON(
            revoked,
            200,
            #"{"ok":true,"message":"Token revoked. Stored keys remain but are no longer accessible. "#
                + #"Register a new token (POST /users) to re-enter your keys."}"#
        )
        let credential = "x-relay-token: \(token)"
        expectError(try api.listKeys(header: credential), 401, Message.invalidToken)
        expectError(try api.listKeys(header: "Authorization: Bearer \(token)"), 401, Message.invalidToken)
        expectError(try api.send("POST", "/tokens/revoke", headers: [credential]), 401, Message.invalidToken)
        expectError(try api.storeKey("sk-after-revocation", token: token), 401, Message.invalidToken)
        expectError(try api.send("DELETE", "/keys/openai", headers: [credential]), 401, Message.invalidToken)
        expectError(try api.send("DELETE", "/users", headers: [credential]), 401, Message.invalidToken)
        #expect(try api.providers(token: other) == ["mistral"])
    }

    @Test func testDeletedUserIsGoneAndOthersAreNot() throws {
        let api = try api()
        let token = try api.register()
        let other = try api.register()
        #expect(try api.storeKey("sk-deleted-user-key", token: token).status == 200)
        #expect(try api.storeKey("sk-surviving-user-key", token: other).status == 200)
        let deleted = try api.send("DELETE", "/users", headers: ["x-api-key: \(token)"])
        expectJSON(deleted, 200, #"{"ok":true,"message":"Account and all stored keys deleted."}"#)
        expectError(try api.listKeys(header: "x-relay-token: \(token)"), 401, Message.invalidToken)
        expectError(try api.send("DELETE", "/users", headers: ["x-relay-token: \(token)"]), 401, Message.invalidToken)
        expectError(
            try api.send("POST", "/tokens/revoke", headers: ["x-relay-token: \(token)"]),
            401,
            Message.invalidToken
        )
        #expect(try api.providers(token: other) == ["openai"])
    }

    @Test func testWrongMethodsAndTrailingSlashes() throws {
        let api = try api()
        let token = try api.register()
        let allowed = [
            ("PUT", "/users", "POST, DELETE, OPTIONS"), ("GET", "/users", "POST, DELETE, OPTIONS"),
            ("GET", "/keys/openai", "POST, DELETE, OPTIONS"), ("PUT", "/keys/nope", "POST, DELETE, OPTIONS"),
            ("POST", "/keys", "GET, HEAD, OPTIONS"), ("DELETE", "/keys", "GET, HEAD, OPTIONS"),
            ("GET", "/tokens/revoke", "POST, OPTIONS"), ("DELETE", "/tokens/revoke", "POST, OPTIONS"),
        ]
        for (method, path, allow) in allowed {
            let response = try api.send(method, path, headers: ["x-relay-token: \(token)"])
            expectError(response, 405, "Method not allowed")
            #expect(response.header("allow") == allow, "\(method) \(path)")
        }
        expectError(try api.send("GET", "/Keys", headers: ["x-relay-token: \(token)"]), 404, "Not found")
        expectError(try api.send("POST", "/Users", headers: [AccountAPI.appSecret]), 404, "Not found")
        let stored = try api.send(
            "POST",
            "/keys/openai/",
            headers: ["x-relay-token: \(token)"],
            json: #"{"key":"sk-trailing-slash"}"#
        )
        expectJSON(stored, 200, #"{"ok":true,"provider":"openai"}"#)
        expectJSON(
            try api.send("GET", "/keys/", headers: ["x-relay-token: \(token)"]),
            200,
            #"{"providers":["openai"]}"#
        )
        let head = try api.send("HEAD", "/keys", headers: ["x-relay-token: \(token)"])
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(try api.send("OPTIONS", "/keys/openai").status == 204)
        expectJSON(try api.send("DELETE", "/keys/openai/", headers: ["x-relay-token: \(token)"]), 200, #"{"ok":true}"#)
        #expect(try api.providers(token: token) == [])
    }

    @Test func testTwoHundredConcurrentRegistrationsAllSucceedWithDistinctTokens() throws {
        let relay = try RelayProcess()
        let api = AccountAPI(relay)
        let clients = try (0..<200).map { _ in try RawClient(port: relay.port) }
        for (index, client) in clients.enumerated() {
            let body = #"{"app_id":"concurrent-\#(index)"}"#
            try client.send(
                "POST /users HTTP/1.1\r\nHost: t\r\n\(AccountAPI.appSecret)\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            )
        }
        let responses = try clients.map { try $0.readResponse(timeout: 30) }
        #expect(responses.filter { $0.status != 200 }.map(\.bodyText) == [])
        let tokens = responses.compactMap { jsonObject($0)?["token"] as? String }
        #expect(tokens.count == 200)
        #expect(Set(tokens).count == 200)
        #expect(tokens.allSatisfy { $0.wholeMatch(of: /br_[A-Za-z0-9_-]{43}/) != nil })
        for token in tokens { #expect(try api.providers(token: token) == []) }
    }
}
