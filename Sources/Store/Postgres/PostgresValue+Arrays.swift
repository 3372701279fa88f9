extension PostgresValue {
    /// A one-dimensional array in PostgreSQL's text format (`{"a","b",NULL}`), for a parameter cast to an array
    /// type (`$1::text[]`, `$1::uuid[]`): every element quoted with `"` and `\` escaped, nil as an unquoted NULL, so
    /// no element text can change the array's shape. Batches travel as one array per column and `unnest` into rows.
    package static func textArray(_ elements: [String?]) -> PostgresValue {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { literal += "," }
            guard let element else {
                literal += "NULL"
                continue
            }
            literal += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return .text(literal + "}")
    }

    /// A one-dimensional integer array in PostgreSQL's text format (`{1,2,3}`).
    package static func integerArray(_ elements: [Int64]) -> PostgresValue {
        .text("{" + elements.map(String.init).joined(separator: ",") + "}")
    }
}
