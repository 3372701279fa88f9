import EventLoop
import HTTP
import Testing
import YAML

@testable import Relay

/// The OpenAPI document against the router's table (CONTRACT.md §9.3): every route documented, nothing documented
/// that is not routed, and the document's fixed parts.
@Suite struct OpenAPIDocumentTests {
    /// `METHOD /openapi/path` for every route of the router.
    static let routed = Endpoint.routes.map { "\($0.method) \(OpenAPIOperation.openAPIPath($0.template))" }

    static func members(_ value: JSONValue?) -> [(String, JSONValue)] {
        if case .object(let members)? = value { return members }
        return []
    }

    static func member(_ name: String, of value: JSONValue?) -> JSONValue? {
        members(value).first { $0.0 == name }?.1
    }

    static let document = OpenAPIDocument.document(routes: Endpoint.routes, version: BuildInfo.version)

    @Test func testEveryRouteIsDescribedAndEveryDescriptionIsRouted() {
        let described = OpenAPIOperation.table.map { "\($0.method) \(OpenAPIOperation.openAPIPath($0.template))" }
        #expect(Set(Self.routed).subtracting(described).isEmpty, "routed without a description")
        #expect(Set(described).subtracting(Self.routed).isEmpty, "described but not routed")
        #expect(Set(described).count == described.count, "a route described twice")
    }

    /// The served document itself, read path by path and method by method, equals the router's table.
    @Test func testDocumentPathsAndMethodsEqualTheRouterTable() {
        var documented: [String] = []
        for (path, item) in Self.members(Self.member("paths", of: Self.document)) {
            for (method, _) in Self.members(item) { documented.append("\(method.uppercased()) \(path)") }
        }
        #expect(documented.sorted() == Self.routed.sorted())
    }

    @Test func testPathParametersAreDeclared() throws {
        let paths = Self.members(Self.member("paths", of: Self.document))
        #expect(!paths.isEmpty)
        for (path, item) in paths {
            let names = path.split(separator: "/").filter { $0.first == "{" }.map { String($0.dropFirst().dropLast()) }
            for (_, operation) in Self.members(item) {
                guard case .array(let parameters)? = Self.member("parameters", of: operation) else {
                    #expect(names.isEmpty, "\(path) declares no parameters")
                    continue
                }
                let declared = parameters.compactMap { parameter -> String? in
                    if case .string(let name)? = Self.member("name", of: parameter) { return name }
                    return nil
                }
                #expect(declared == names, "\(path)")
            }
        }
    }

    /// Each operation answers its own statuses, a 429 exactly when a limit applies (§1.8), and the generic errors.
    @Test func testEveryOperationDocumentsItsRefusals() {
        for operation in OpenAPIOperation.table {
            let path = Self.member("paths", of: Self.document)
            let item = Self.member(OpenAPIOperation.openAPIPath(operation.template), of: path)
            let responses = Self.members(
                Self.member("responses", of: Self.member(operation.method.lowercased(), of: item))
            )
            let statuses = responses.map(\.0)
            #expect(statuses.contains("200"), "\(operation.operationID)")
            #expect(statuses.contains("429") == operation.isRateLimited, "\(operation.operationID)")
            #expect(statuses.last == "default", "\(operation.operationID)")
            if case .token = operation.credential { #expect(statuses.contains("401"), "\(operation.operationID)") }
            if operation.requestBody != nil && operation.method == "POST" && operation.template != "/relay/:provider/*"
            {
                #expect(statuses.contains("415"), "\(operation.operationID): a JSON route (§1.1)")
            }
        }
        #expect(Set(OpenAPIOperation.table.map(\.operationID)).count == OpenAPIOperation.table.count)
    }

    @Test func testFixedParts() {
        #expect(Self.member("openapi", of: Self.document) == .string("3.0.3"))
        #expect(Self.member("version", of: Self.member("info", of: Self.document)) == .string(BuildInfo.version))
        #expect(Self.member("servers", of: Self.document) == .array([.object([("url", .string("/"))])]))
        let schemes = Self.members(Self.member("securitySchemes", of: Self.member("components", of: Self.document)))
        #expect(
            schemes.map(\.0) == [
                "relayToken", "relayTokenBearer", "relayTokenApiKey", "relayTokenGoogApiKey", "appSecret",
                "metricsToken",
            ]
        )
        #expect(OpenAPIOperation.openAPIPath("/relay/:provider/*") == "/relay/{provider}/{path}")
        #expect(OpenAPIOperation.parameterNames("/keys/:provider/rotate") == ["provider"])
    }

    @Test func testServedBytesAreTheDocumentInBothForms() {
        #expect(OpenAPIDocument.json == Self.document.bytes)
        #expect(YAMLReader.read(String(decoding: OpenAPIDocument.yaml, as: UTF8.self)) == Self.document)
    }
}
