/// Where the relay keeps its data: `DATABASE_URL` of CONTRACT.md §10.1 and E1.
package enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    /// An embedded SQLite file at `path` (from `sqlite:PATH`, `DB_PATH`, or the `DATA_DIR` default).
    case sqlite(path: String)
    /// A PostgreSQL server, as a URL or a libpq key=value string, handed to libpq unchanged.
    case postgres(conninfo: String)

    /// The location a `DATABASE_URL` value names, or nil when it has none of E1's forms.
    package init?(databaseURL value: String) {
        // libpq recognises its URI prefixes case-sensitively, so we do as well.
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            self = .postgres(conninfo: value)
        } else if value.hasPrefix("sqlite:") {
            let path = value.dropFirst("sqlite:".count)
            guard !path.isEmpty else { return nil }
            self = .sqlite(path: String(path))
        } else if Self.isKeyValueConnectionString(value) {
            self = .postgres(conninfo: value)
        } else {
            return nil
        }
    }

    /// Never the connection string itself: it may carry a password (CONTRACT.md §10.2, no secret in output).
    package var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres: "postgres (connection string redacted)"
        }
    }

    /// libpq's `keyword = value` form: at least one pair; values bare (backslash escapes) or single-quoted.
    ///
    /// Only the shape is checked; libpq itself judges the keywords when it connects.
    static func isKeyValueConnectionString(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var pairs = 0
        func skipSpaces() {
            while index < scalars.count, scalars[index].properties.isWhitespace {
                index += 1
            }
        }
        while true {
            skipSpaces()
            guard index < scalars.count else { return pairs > 0 }
            let keywordStart = index
            while index < scalars.count,
                URLSyntax.isASCIILetter(scalars[index]) || URLSyntax.isDigit(scalars[index]) || scalars[index] == "_"
            {
                index += 1
            }
            guard index > keywordStart, !URLSyntax.isDigit(scalars[keywordStart]) else { return false }
            skipSpaces()
            guard index < scalars.count, scalars[index] == "=" else { return false }
            index += 1
            skipSpaces()
            if index < scalars.count, scalars[index] == "'" {
                index += 1
                var closed = false
                while index < scalars.count {
                    if scalars[index] == "\\" {
                        index += 2
                        continue
                    }
                    if scalars[index] == "'" {
                        closed = true
                        index += 1
                        break
                    }
                    index += 1
                }
                guard closed else { return false }
            } else {
                let valueStart = index
                while index < scalars.count, !scalars[index].properties.isWhitespace {
                    index += scalars[index] == "\\" ? 2 : 1
                }
                guard index > valueStart else { return false }
            }
            pairs += 1
        }
    }
}
