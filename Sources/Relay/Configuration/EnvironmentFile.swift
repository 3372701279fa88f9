/// The `.env` file format of CONTRACT.md §10.1: `NAME=value` lines read next to the environment.
package enum EnvironmentFile {
    /// The variables a `.env` text defines; a name defined twice keeps its last value.
    ///
    /// Lines that are not `NAME=value` (no `=`, or a name that is not `[A-Za-z_][A-Za-z0-9_.-]*`) are
    /// skipped rather than refused: CONTRACT.md §10.1 only defines what the file holds, and the original's
    /// dotenv skipped such lines too.
    package static func parse(_ text: String) -> [String: String] {
        // Unicode scalars, not Characters: Swift treats "\r\n" as one Character, which would hide line ends.
        var scanner = EnvironmentFileScanner(Array(text.unicodeScalars))
        var variables: [String: String] = [:]
        scanner.skipByteOrderMark()
        while !scanner.isAtEnd {
            if let (name, value) = scanner.nextAssignment() {
                variables[name] = value
            }
        }
        return variables
    }
}

/// A cursor over the scalars of a `.env` text that reads one assignment line at a time.
private struct EnvironmentFileScanner {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var isAtEnd: Bool { index >= scalars.count }

    mutating func skipByteOrderMark() {
        if index < scalars.count, scalars[index] == "\u{FEFF}" {
            index += 1
        }
    }

    /// Reads from the start of a line through its end (or through a closing quote on a later line).
    mutating func nextAssignment() -> (String, String)? {
        skipBlanksAndLineEnds()
        guard !isAtEnd else { return nil }
        if scalars[index] == "#" {
            skipRestOfLine()
            return nil
        }
        if hasPrefix("export"), index + 6 < scalars.count, Self.isBlank(scalars[index + 6]) {
            index += 6
            skipBlanks()
        }
        let nameStart = index
        while index < scalars.count, Self.isNameScalar(scalars[index]) {
            index += 1
        }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<index]))
        skipBlanks()
        guard !name.isEmpty, Self.isNameStart(scalars[nameStart]), index < scalars.count, scalars[index] == "="
        else {
            skipRestOfLine()
            return nil
        }
        index += 1
        skipBlanks()
        return (name, readValue())
    }

    private mutating func readValue() -> String {
        guard index < scalars.count else { return "" }
        let quote = scalars[index]
        if quote == "\"" || quote == "'", let value = readQuoted(quote) {
            skipRestOfLine()
            return value
        }
        return readUnquoted()
    }

    /// A quoted value, or nil when the quote never closes (the value is then read as unquoted text).
    private mutating func readQuoted(_ quote: Unicode.Scalar) -> String? {
        var cursor = index + 1
        var value = String.UnicodeScalarView()
        while cursor < scalars.count {
            let scalar = scalars[cursor]
            if scalar == quote {
                index = cursor + 1
                return String(value)
            }
            // CONTRACT.md §10.1: double quotes understand `\n`; `\"` and `\\` are needed to write a quote
            // or a backslash before `n`. Single quotes are literal.
            if quote == "\"", scalar == "\\", cursor + 1 < scalars.count {
                switch scalars[cursor + 1] {
                case "n":
                    value.append("\n")
                    cursor += 2
                    continue
                case "r":
                    value.append("\r")
                    cursor += 2
                    continue
                case "\"", "\\":
                    value.append(scalars[cursor + 1])
                    cursor += 2
                    continue
                default:
                    break
                }
            }
            value.append(scalar)
            cursor += 1
        }
        return nil
    }

    /// CONTRACT.md §10.1: an unquoted value ends at ` #` (a blank, then `#`) or at the end of the line.
    private mutating func readUnquoted() -> String {
        var value = String.UnicodeScalarView()
        var previousWasBlank = true  // the blanks after `=` were skipped, so `A= # note` is empty
        while index < scalars.count, !Self.isLineEnd(scalars[index]) {
            let scalar = scalars[index]
            if scalar == "#", previousWasBlank {
                break
            }
            previousWasBlank = Self.isBlank(scalar)
            value.append(scalar)
            index += 1
        }
        skipRestOfLine()
        while let last = value.last, Self.isBlank(last) {
            value.removeLast()
        }
        return String(value)
    }

    private func hasPrefix(_ word: String) -> Bool {
        var cursor = index
        for scalar in word.unicodeScalars {
            guard cursor < scalars.count, scalars[cursor] == scalar else { return false }
            cursor += 1
        }
        return true
    }

    private mutating func skipBlanks() {
        while index < scalars.count, Self.isBlank(scalars[index]) {
            index += 1
        }
    }

    private mutating func skipBlanksAndLineEnds() {
        while index < scalars.count, Self.isBlank(scalars[index]) || Self.isLineEnd(scalars[index]) {
            index += 1
        }
    }

    private mutating func skipRestOfLine() {
        while index < scalars.count, !Self.isLineEnd(scalars[index]) {
            index += 1
        }
        if index < scalars.count {
            index += 1
        }
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }

    private static func isLineEnd(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r"
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-"
    }
}
