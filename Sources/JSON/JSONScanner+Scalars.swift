extension JSONScanner {
    /// Scans a number at `index` (RFC 8259 §6): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. The byte
    /// after it is left to the caller, which accepts only a delimiter there.
    mutating func scanNumber() throws(JSONError) {
        if input[index] == JSONSyntax.minus {
            index += 1
        }
        guard index < input.count else {
            throw JSONError(offset: index, reason: .invalidNumber)
        }
        if input[index] == JSONSyntax.zero {
            index += 1
            if index < input.count && JSONSyntax.isDigit(input[index]) {
                throw JSONError(offset: index, reason: .invalidNumber)  // leading zero: `01`, `-00`
            }
        } else {
            try scanDigits()
        }
        if index < input.count && input[index] == JSONSyntax.decimalPoint {
            index += 1
            try scanDigits()
        }
        if index < input.count && (input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E")) {
            index += 1
            if index < input.count && (input[index] == JSONSyntax.plus || input[index] == JSONSyntax.minus) {
                index += 1
            }
            try scanDigits()
        }
    }

    /// One or more decimal digits at `index`.
    private mutating func scanDigits() throws(JSONError) {
        guard index < input.count && JSONSyntax.isDigit(input[index]) else {
            throw JSONError(offset: index, reason: .invalidNumber)
        }
        index += 1
        while index < input.count && JSONSyntax.isDigit(input[index]) {
            index += 1
        }
    }

    /// Scans `literal` (`true`, `false` or `null`, lower case, nothing added) at `index`.
    mutating func scanLiteral(_ literal: [UInt8]) throws(JSONError) {
        for expected in literal {
            guard index < input.count && input[index] == expected else {
                throw JSONError(offset: index, reason: .invalidLiteral)
            }
            index += 1
        }
    }
}
