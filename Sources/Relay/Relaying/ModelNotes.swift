/// Notes the top-level `model` of a JSON request body as it streams upstream, for the request record (CONTRACT.md
/// §5.10): a copy of the first bytes is kept on the side and read at the end; the body is never held back for it.
struct ModelNotes {
    /// Bodies longer than this are not noted (the record's model is then null).
    static let limit = 256 * 1024
    private var bytes: [UInt8] = []
    private var isOverLimit = false

    mutating func observe(_ chunk: UnsafeRawBufferPointer) {
        guard !isOverLimit else { return }
        if bytes.count + chunk.count > Self.limit {
            isOverLimit = true
            bytes = []
        } else {
            bytes.append(contentsOf: chunk)
        }
    }

    /// A body that arrived whole: kept by reference (arrays are copy-on-write), read at the end.
    mutating func observe(whole body: [UInt8]) {
        guard bytes.isEmpty, !isOverLimit else { return }
        if body.count > Self.limit { isOverLimit = true } else { bytes = body }
    }

    /// The body's top-level `model` string, if the body was a JSON object that had one.
    var model: String? {
        guard !isOverLimit, !bytes.isEmpty,
            case .success(let body) = JSONRequestBody.parse(bytes, contentType: "application/json"),
            case .string(let model) = body.member("model")
        else { return nil }
        return model
    }
}
