/// A JSON text (RFC 8259) checked in full, keeping what the relay reads from small request bodies: the root's
/// kind and the top-level object's members with their byte ranges. Nothing is re-serialised; the ranges let a
/// caller splice the original bytes with `JSONSplice`.
package struct JSONDocument: Sendable {
    /// The kind of the top-level value.
    package let rootKind: JSONValueKind
    /// The top-level object's members in document order, duplicates kept; empty when the root is not an object.
    package let members: [JSONMember]

    /// Scans `bytes`, refusing anything RFC 8259 does not allow (see `JSONError.Reason`), empty input included.
    /// Offsets count from the first byte of `bytes`, whatever the collection's own indices. Arrays and objects may
    /// nest `maximumDepth` deep (nil: no limit; the scan keeps its own stack, so depth costs heap, not recursion).
    package init(parsing bytes: some Collection<UInt8>, maximumDepth: Int?) throws(JSONError) {
        let scanned =
            bytes.withContiguousStorageIfAvailable { Self.scan($0, maximumDepth: maximumDepth) }
            ?? Array(bytes).withUnsafeBufferPointer { Self.scan($0, maximumDepth: maximumDepth) }
        self = try scanned.get()
    }

    /// Scans raw bytes, as `init(parsing:maximumDepth:)` does; no pointer is kept past the call.
    package init(parsing bytes: UnsafeRawBufferPointer, maximumDepth: Int?) throws(JSONError) {
        self = try bytes.withMemoryRebound(to: UInt8.self) { Self.scan($0, maximumDepth: maximumDepth) }.get()
    }

    private init(rootKind: JSONValueKind, members: [JSONMember]) {
        self.rootKind = rootKind
        self.members = members
    }

    /// The last member named `name`: the one JavaScript's `JSON.parse` keeps, so the relay reads what an
    /// upstream written in JavaScript would. Names compare as decoded UTF-8, exactly.
    package func lastMember(named name: String) -> JSONMember? {
        members.last { $0.isNamed(name) }
    }

    /// How many members are named `name` once decoded (`"mod\u0065l"` counts as `model`), to refuse duplicates.
    package func count(ofMembersNamed name: String) -> Int {
        members.reduce(0) { $1.isNamed(name) ? $0 + 1 : $0 }
    }

    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        maximumDepth: Int?
    ) -> Result<JSONDocument, JSONError> {
        var scanner = JSONScanner(bytes, maximumDepth: maximumDepth)
        return Result { () throws(JSONError) in
            try scanner.scanDocument()
            return JSONDocument(rootKind: scanner.rootKind, members: scanner.members)
        }
    }
}
