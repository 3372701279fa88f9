/// The header fields of a request in the order received, names as sent; lookups fold ASCII case (RFC 9110 §5.1).
package struct HTTPHeaders: Equatable, Sendable, Sequence {
    /// One field line.
    package typealias Element = (name: String, value: String)

    private var fields: [Element]

    /// Makes headers from fields in order.
    package init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// The value of the first field with this name, nil when there is none.
    package subscript(name: String) -> String? {
        fields.first { HTTPSyntax.equalsIgnoringASCIICase($0.name.utf8, name.utf8) }?.value
    }

    /// The values of every field with this name, in order.
    package func values(for name: String) -> [String] {
        fields.filter { HTTPSyntax.equalsIgnoringASCIICase($0.name.utf8, name.utf8) }.map(\.value)
    }

    /// Whether a field with this name is present.
    package func contains(_ name: String) -> Bool {
        fields.contains { HTTPSyntax.equalsIgnoringASCIICase($0.name.utf8, name.utf8) }
    }

    /// The number of field lines.
    package var count: Int {
        fields.count
    }

    /// Appends a field after the existing ones.
    package mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Iterates the fields in order.
    package func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// Equal when the same fields come in the same order with the same spelling.
    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}
