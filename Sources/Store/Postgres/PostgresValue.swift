/// A statement parameter. Text goes in PostgreSQL's text format (the server converts it to the parameter's type, so
/// numbers are sent as `.text("42")`); bytea goes in binary format, unescaped, so the statement must give that
/// parameter a bytea type (`$1::bytea` or a bytea column).
package enum PostgresValue: Sendable, Hashable {
    case text(String)
    case bytea([UInt8])

    /// An integer as text.
    package static func integer(_ value: Int64) -> PostgresValue { .text(String(value)) }

    /// Whether libpq can carry the value: text parameters travel as NUL-terminated C strings.
    var isTransmittable: Bool {
        switch self {
        case .text(let string): !string.utf8.contains(0)
        case .bytea: true
        }
    }
}

/// A statement prepared once per connection under `name` (lazily, on first use) and executed by name afterwards.
/// Declare each as a `static let`; one name must always carry the same SQL.
package struct PreparedStatement: Sendable, Hashable {
    /// The server-side statement name; unique per SQL text.
    package let name: String
    /// The SQL, with `$1`, `$2`, ... placeholders.
    package let sql: String

    /// A statement named `name` running `sql`.
    package init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}
