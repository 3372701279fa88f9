import JSON
import Testing

/// A document the scanner must accept, with the root kind and every top-level member it must report.
struct AcceptedCase: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let rootKind: JSONValueKind
    let members: [JSONMember]
    let maximumDepth: Int?

    var testDescription: String { label }

    init(
        _ label: String,
        _ text: String,
        _ rootKind: JSONValueKind,
        _ members: [JSONMember] = [],
        maximumDepth: Int? = 64
    ) {
        self.label = label
        self.bytes = Array(text.utf8)
        self.rootKind = rootKind
        self.members = members
        self.maximumDepth = maximumDepth
    }
}

/// A document the scanner must refuse, with the exact offset and reason.
struct RefusedCase: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let error: JSONError
    let maximumDepth: Int?

    var testDescription: String { label }

    init(_ label: String, _ text: String, at offset: Int, _ reason: JSONError.Reason, maximumDepth: Int? = 64) {
        self.init(label, bytes: Array(text.utf8), at: offset, reason, maximumDepth: maximumDepth)
    }

    init(_ label: String, bytes: [UInt8], at offset: Int, _ reason: JSONError.Reason, maximumDepth: Int? = 64) {
        self.label = label
        self.bytes = bytes
        self.error = JSONError(offset: offset, reason: reason)
        self.maximumDepth = maximumDepth
    }
}

/// A member as a table row writes it.
func member(
    _ name: String,
    _ kind: JSONValueKind,
    _ memberRange: Range<Int>,
    _ valueRange: Range<Int>,
    string: String? = nil,
    bool: Bool? = nil
) -> JSONMember {
    JSONMember(
        name: name,
        kind: kind,
        memberRange: memberRange,
        valueRange: valueRange,
        stringValue: string,
        boolValue: bool
    )
}

/// What one scan reported, comparable across the ways of handing bytes in.
struct ScanOutcome: Equatable, Sendable {
    var rootKind: JSONValueKind
    var members: [JSONMember]
}

extension JSONDocument {
    /// Scans `bytes` handed in every way the API takes them (an array, a slice that does not start at index 0,
    /// a raw buffer, a collection without contiguous storage), records an issue if they disagree, and returns
    /// the array's outcome.
    static func scannedEveryWay(_ bytes: [UInt8], maximumDepth: Int? = 64) -> Result<ScanOutcome, JSONError> {
        func outcome(_ scan: () throws(JSONError) -> JSONDocument) -> Result<ScanOutcome, JSONError> {
            Result { () throws(JSONError) in
                let document = try scan()
                return ScanOutcome(rootKind: document.rootKind, members: document.members)
            }
        }
        let whole = outcome { () throws(JSONError) in try JSONDocument(parsing: bytes, maximumDepth: maximumDepth) }
        let padded = Array("[{".utf8) + bytes
        let slice = outcome { () throws(JSONError) in
            try JSONDocument(parsing: padded[2...], maximumDepth: maximumDepth)
        }
        let raw = bytes.withUnsafeBytes { buffer in
            outcome { () throws(JSONError) in try JSONDocument(parsing: buffer, maximumDepth: maximumDepth) }
        }
        let lazy = outcome { () throws(JSONError) in
            try JSONDocument(parsing: bytes.lazy.map { $0 }, maximumDepth: maximumDepth)
        }
        #expect(slice == whole, "scanned as a slice")
        #expect(raw == whole, "scanned as a raw buffer")
        #expect(lazy == whole, "scanned as a non-contiguous collection")
        return whole
    }
}
