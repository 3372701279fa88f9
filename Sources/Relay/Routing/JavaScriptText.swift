/// The two pieces of JavaScript string semantics the routing rules depend on: `\s` and `String.prototype.trim`
/// (ECMA-262 WhiteSpace and LineTerminator), and the case folding of a regular expression's `i` flag.
///
/// CONTRACT.md §6.2 and §6.5 are stated as the original's JavaScript (`/^claude-/i`, `.trim()`, globs compared
/// case-insensitively), so the relay answers exactly as it did for names with unusual spaces or letters.
enum JavaScriptText {
    /// Whether `scalar` is matched by `\s` and removed by `trim()`: TAB, VT, FF, ZWNBSP, every `Zs` space
    /// (U+0020, U+00A0, U+1680, U+2000–U+200A, U+202F, U+205F, U+3000) and the line terminators LF, CR, LS, PS.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xFEFF, 0x2028, 0x2029:
            return true
        default:
            return scalar.properties.generalCategory == .spaceSeparator
        }
    }

    /// `text.trim()`: without leading and trailing `isWhitespace` scalars.
    static func trimmed(_ text: Substring.UnicodeScalarView) -> String {
        guard let first = text.firstIndex(where: { !isWhitespace($0) }),
            let last = text.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(String.UnicodeScalarView(text[first...last]))
    }

    /// The `Canonicalize` of ECMA-262 §22.2.2.7.3 for a non-Unicode pattern with the `i` flag: the scalar's
    /// upper-case mapping when that is one UTF-16 code unit and does not turn a non-ASCII character into an ASCII
    /// one; the scalar itself otherwise.
    ///
    /// So `K` matches `k`, `é` matches `É`, but neither KELVIN SIGN (U+212A) nor LATIN SMALL LETTER LONG S (U+017F)
    /// matches an ASCII letter, and characters outside the BMP (two code units in JavaScript) never fold.
    static func caseFolded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard scalar.value <= 0xFFFF else { return scalar }
        let upper = scalar.properties.uppercaseMapping.unicodeScalars
        guard upper.count == 1, let mapped = upper.first, mapped.value <= 0xFFFF else { return scalar }
        if scalar.value >= 0x80 && mapped.value < 0x80 {
            return scalar
        }
        return mapped
    }
}
