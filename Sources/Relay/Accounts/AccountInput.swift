/// Validation of what clients send to the account routes (CONTRACT.md §2.1 checks 4–6, §3.4 checks 1, 3–5). Pure:
/// each check answers with the refusal it leads to, in the contract's order.
enum AccountInput {
    /// The ten providers of CONTRACT.md §4, in the contract's order.
    static let providers = Provider.all.map(\.name)

    /// The longest stored key in bytes (§3.4 check 4).
    static let maximumKeyBytes = 4096
    /// The shortest key after trimming (§3.4 check 3).
    static let minimumKeyCharacters = 10
    /// The longest `app_id` (§2.1 check 6).
    static let maximumAppIDCharacters = 128

    /// The `app_id` of a registration body, or the refusal (§2.1 checks 4–6). JSON's last duplicate wins, as in
    /// JavaScript's `JSON.parse`.
    static func appID(_ member: JSONBodyValue?) -> Result<String, RelayError> {
        switch member {
        case nil, .null: return .failure(.appIDRequired)
        case .string(let value) where value.isEmpty: return .failure(.appIDRequired)
        case .string(let value):
            let scalars = value.unicodeScalars
            guard scalars.count <= maximumAppIDCharacters, !scalars.contains(where: isControl) else {
                return .failure(.appIDInvalid)
            }
            return .success(value)
        case .other: return .failure(.appIDNotString)
        }
    }

    /// The trimmed key of a store or rotate body, or the refusal (§3.4 checks 3–5).
    static func key(_ member: JSONBodyValue?, rotating: Bool) -> Result<String, RelayError> {
        guard case .string(let raw) = member else { return .failure(.keyRequired(rotating: rotating)) }
        let trimmed = trimmingWhitespace(raw)
        guard trimmed.count >= minimumKeyCharacters else { return .failure(.keyRequired(rotating: rotating)) }
        guard trimmed.utf8.count <= maximumKeyBytes else { return .failure(.keyTooLong) }
        guard trimmed.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return .failure(.keyNotPrintable) }
        return .success(String(trimmed))
    }

    /// U+0000–U+001F and U+007F.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }

    /// Leading and trailing whitespace removed, as JavaScript's `String.prototype.trim` does (Unicode white space
    /// and line terminators), so a key pasted with a stray newline is stored without it.
    private static func trimmingWhitespace(_ text: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text[first...last]
    }
}

/// A top-level member of a JSON body as the account routes see it.
enum JSONBodyValue: Equatable {
    case string(String)
    case null
    /// A number, boolean, object or array.
    case other
}
