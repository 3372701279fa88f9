import Foundation

/// One-shot HTTP requests to a test relay over a fresh connection, and the account calls many tests start with.
package enum RelayRequests {
    /// Sends one request with `Connection: close` and returns the response.
    package static func send(
        port: Int,
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: String? = nil,
        timeout: Double = 10
    ) throws -> RawClient.Response {
        let client = try RawClient(port: port)
        defer { client.close() }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: relay.test\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body {
            head += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        } else {
            head += "\r\n"
        }
        try client.send(head)
        return try client.readResponse(timeout: timeout, bodyless: method == "HEAD")
    }

    /// `POST /users` with the test relays' `APP_SECRET`; the token, or nil with the response when it failed.
    package static func register(port: Int, appID: String = "test-app") throws -> (
        token: String?, response: RawClient.Response
    ) {
        let response = try send(
            port: port,
            "POST",
            "/users",
            headers: [("Authorization", "Bearer test-app-secret"), ("Content-Type", "application/json")],
            body: #"{"app_id":"\#(appID)"}"#
        )
        let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return (response.status == 200 ? object?["token"] as? String : nil, response)
    }

    /// `POST /keys/:provider` with `key`.
    package static func storeKey(port: Int, token: String, provider: String, key: String) throws -> RawClient.Response {
        try send(
            port: port,
            "POST",
            "/keys/\(provider)",
            headers: [("x-relay-token", token), ("Content-Type", "application/json")],
            body: #"{"key":"\#(key)"}"#
        )
    }

    /// `GET /keys`: the provider names, or nil when the answer was not 200.
    package static func providers(port: Int, token: String) throws -> [String]? {
        let response = try send(port: port, "GET", "/keys", headers: [("x-relay-token", token)])
        guard response.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        else { return nil }
        return object["providers"] as? [String]
    }
}
