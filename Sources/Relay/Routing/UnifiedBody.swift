import JSON

/// A `POST /relay` body that passed CONTRACT.md §6.1 checks 2–5, with the route its `model` resolves to (§6.2) and
/// the bytes to forward (§6.3).
///
/// The body is scanned once, never re-serialised: the rewrite splices the original bytes, so member order,
/// spacing, numbers and escapes reach the provider as the client wrote them.
package struct UnifiedBody: Sendable {
    /// The `model` string exactly as sent (after JSON unescaping): what `ALLOWED_MODELS` matches (§6.5) and the
    /// request record keeps (§5.10).
    package let model: String
    /// Where the body goes.
    package let route: ModelRouter.Route
    private let bytes: [UInt8]
    private let document: JSONDocument
    private let modelMember: JSONMember

    /// Checks `bytes`, sent with `contentType`, in §6.1's order; the first failing check is thrown.
    ///
    /// As on every JSON route (§1.1), an empty body counts as `{}` and a value that is not an object as an object
    /// without members, so both end at "model field is required". No nesting limit: that is the account routes'.
    package init(parsing bytes: [UInt8], contentType: String?) throws(ModelRefusal) {
        // Step 2: JSON at all (§1.1).
        guard !bytes.isEmpty else { throw .modelRequired }
        guard let contentType, JSONRequestBody.isJSONMediaType(contentType) else { throw .unsupportedMediaType }
        let document: JSONDocument
        do throws(JSONError) {
            document = try JSONDocument(parsing: bytes, maximumDepth: nil)
        } catch {
            throw .invalidJSON
        }
        // Step 3: names compare after unescaping, so `"mod\u0065l"` is a second `model` (§5.6).
        guard document.count(ofMembersNamed: "model") <= 1 else { throw .duplicateModelMember }
        // Step 4: JavaScript's falsy values, as the original's `if (!model)`.
        guard let member = document.lastMember(named: "model"), !Self.isFalsy(member, in: bytes) else {
            throw .modelRequired
        }
        // Step 5: only a string can name a route; anything else is echoed as its JSON text.
        guard member.kind == .string, let model = member.stringValue else {
            throw .unroutableModel(String(decoding: bytes[member.valueRange], as: UTF8.self))
        }
        // §6.2: `streaming` is the literal `true` in the member JavaScript's `JSON.parse` would keep (the last).
        let streaming = document.lastMember(named: "stream")?.boolValue == true
        guard let route = ModelRouter.resolve(model: model, streaming: streaming) else {
            throw .unroutableModel(model)
        }
        self.model = model
        self.route = route
        self.bytes = bytes
        self.document = document
        self.modelMember = member
    }

    /// The body to forward: the bytes as received, with the `model` value replaced by the route's name or the
    /// member cut out with one comma (`JSONSplice`), as `route.bodyRewrite` says.
    package var forwardedBody: [UInt8] {
        switch route.bodyRewrite {
        case .none:
            return bytes
        case .replaceModel(let name):
            return JSONSplice.replacingStringValue(of: modelMember, in: bytes, with: name)
        case .removeModel:
            return JSONSplice.removing(modelMember, from: bytes, document: document)
        }
    }

    /// `null`, `false`, `""`, and any number whose value is zero (`0`, `-0`, `0.0e5`, and `1e-400`, which
    /// JavaScript reads as 0): the JSON values JavaScript treats as false.
    private static func isFalsy(_ member: JSONMember, in bytes: [UInt8]) -> Bool {
        switch member.kind {
        case .null:
            return true
        case .bool:
            return member.boolValue == false
        case .string:
            return member.stringValue?.isEmpty ?? true
        case .number:
            return Double(String(decoding: bytes[member.valueRange], as: UTF8.self)) == 0
        case .object, .array:
            return false
        }
    }
}
