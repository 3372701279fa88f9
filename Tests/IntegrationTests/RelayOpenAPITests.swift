import EventLoop
import Foundation
import TestSupport
import Testing
import YAML

/// `GET /openapi.json` and `GET /openapi.yaml` on the real binary (CONTRACT.md §9.3): both parse, and say the same.
@Suite struct RelayOpenAPITests {
    static let relay = Result { try RelayProcess() }

    func get(_ path: String) throws -> RawClient.Response {
        let client = try RawClient(port: try Self.relay.get().port)
        try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
        return try client.readResponse()
    }

    @Test func testJSONAndYAMLDescribeTheSameDocument() throws {
        let json = try get("/openapi.json")
        #expect(json.status == 200)
        #expect(json.header("content-type") == "application/json; charset=utf-8")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.body)) as? NSDictionary)
        #expect(document["openapi"] as? String == "3.0.3")
        let paths = try #require(document["paths"] as? [String: Any])
        for path in ["/users", "/keys/{provider}", "/relay/{provider}/{path}", "/openapi.json", "/openapi.yaml"] {
            #expect(paths[path] != nil, "\(path)")
        }

        let yaml = try get("/openapi.yaml")
        #expect(yaml.status == 200)
        #expect(yaml.header("content-type") == "text/yaml; charset=utf-8")
        #expect(yaml.header("x-request-id") != nil && yaml.header("access-control-allow-origin") == "*")
        #expect(!yaml.body.contains(0x09), "a tab in the YAML")
        let read = try #require(YAMLReader.read(yaml.bodyText), "the YAML does not read back")
        #expect(read.bytes == json.body, "the YAML's data differs from the JSON")
        let fromYAML = try #require(try JSONSerialization.jsonObject(with: Data(read.bytes)) as? NSDictionary)
        #expect(fromYAML == document)
    }

    @Test func testWrongMethodIsRefused() throws {
        let client = try RawClient(port: try Self.relay.get().port)
        try client.send("POST /openapi.yaml HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
        let refused = try client.readResponse()
        #expect(refused.status == 405)
        #expect(refused.header("allow") == "GET, HEAD, OPTIONS")
    }
}
