/// A rotation-time key format check and the exact hint shown when it fails (CONTRACT.md §3.6, §4.3).
package struct KeyFormat: Sendable, Equatable {
    /// A composable rule over a key; lengths count UTF-16 code units, as the original's `key.length` did.
    package indirect enum Rule: Sendable, Equatable {
        /// The key starts with the string.
        case hasPrefix(String)
        /// The inner rule does not hold.
        case not(Rule)
        /// Every rule holds.
        case all([Rule])
        /// At least one rule holds.
        case any([Rule])
        /// `^<prefix>[A-Za-z0-9_-]{count}$`.
        case prefixedBase64URL(prefix: String, count: Int)
        /// The key is longer than the given length.
        case longerThan(Int)
        /// The key is at least the given length.
        case atLeast(Int)
    }

    /// The rule a key must satisfy.
    package let rule: Rule
    /// The message shown when it does not (exact text of §4.3).
    package let hint: String

    /// A format check.
    package init(rule: Rule, hint: String) {
        self.rule = rule
        self.hint = hint
    }

    /// Whether `key` satisfies the rule.
    package func accepts(_ key: String) -> Bool {
        Self.holds(rule, for: key)
    }

    private static func holds(_ rule: Rule, for key: String) -> Bool {
        switch rule {
        case .hasPrefix(let prefix):
            return key.hasPrefix(prefix)
        case .not(let inner):
            return !holds(inner, for: key)
        case .all(let rules):
            return rules.allSatisfy { holds($0, for: key) }
        case .any(let rules):
            return rules.contains { holds($0, for: key) }
        case .prefixedBase64URL(let prefix, let count):
            // Compared on UTF-8 bytes so no Unicode normalisation can make a look-alike key match.
            let bytes = Array(key.utf8)
            let prefixBytes = Array(prefix.utf8)
            guard bytes.count == prefixBytes.count + count, bytes.starts(with: prefixBytes) else { return false }
            return bytes.dropFirst(prefixBytes.count).allSatisfy(isBase64URL)
        case .longerThan(let length):
            return key.utf16.count > length
        case .atLeast(let length):
            return key.utf16.count >= length
        }
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
