import HTTP
import JSON

extension HTTPExchange {
    /// The whole request body, or nil when the client went away first. The HTTP layer has already bounded it by
    /// `REQUEST_BODY_LIMIT_BYTES` (CONTRACT.md §1.1). Loop thread only; sets `onCancel`.
    func collectBody() async -> [UInt8]? {
        // A request whose client left, or which the connection answered itself (408, drain), while the handler
        // awaited something else (the token check) has no body to give: its callbacks would never run.
        guard canReadBody else { return nil }
        return await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8]?, Never>) in
            let collector = BodyCollector(continuation)
            onCancel = { collector.finish(nil) }
            readBody(chunk: { collector.append($0) }, ended: { collector.finish(collector.bytes) })
        }
    }
}

/// Accumulates body chunks and resumes its continuation exactly once, whichever of end and cancel comes first.
private final class BodyCollector {
    private var continuation: CheckedContinuation<[UInt8]?, Never>?
    private(set) var bytes: [UInt8] = []

    init(_ continuation: CheckedContinuation<[UInt8]?, Never>) {
        self.continuation = continuation
    }

    func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
    }

    func finish(_ result: [UInt8]?) {
        continuation?.resume(returning: result)
        continuation = nil
    }
}

/// A JSON route's body read per CONTRACT.md §1.1: media type, empty-as-`{}`, non-objects as objects without
/// members, nesting limit on the account routes.
struct JSONRequestBody {
    private let document: JSONDocument?

    /// Judges `bytes` sent with `contentType`; 415 or 400 as §1.1 says.
    static func parse(_ bytes: [UInt8], contentType: String?, maximumDepth: Int? = 64) -> Result<Self, RelayError> {
        if bytes.isEmpty { return .success(Self(document: nil)) }
        guard let contentType, isJSONMediaType(contentType) else { return .failure(.unsupportedMediaType) }
        do throws(JSONError) {
            return .success(Self(document: try JSONDocument(parsing: bytes, maximumDepth: maximumDepth)))
        } catch {
            return .failure(.invalidJSON)
        }
    }

    /// The last top-level member called `name` (JavaScript's `JSON.parse` keeps the last duplicate).
    func member(_ name: String) -> JSONBodyValue? {
        guard let document, document.rootKind == .object, let member = document.lastMember(named: name) else {
            return nil
        }
        switch member.kind {
        case .string: return .string(member.stringValue ?? "")
        case .null: return .null
        case .object, .array, .number, .bool: return .other
        }
    }

    /// `application/json` or `application/*+json`, case-insensitive, parameters ignored.
    static func isJSONMediaType(_ value: String) -> Bool { MediaType.isJSON(value) }
}
