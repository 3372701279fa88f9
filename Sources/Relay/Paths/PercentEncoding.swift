import EventLoop

/// Byte-level percent-encoding checks shared by the path and query rules (CONTRACT.md §5.3); decoding is
/// `PercentDecoding`'s.
enum PercentEncoding {
    static let percent: UInt8 = 0x25

    /// Whether `bytes` holds a `%` not followed by two hex digits.
    static func hasLonePercent(_ bytes: some Collection<UInt8>) -> Bool {
        let bytes = Array(bytes)
        for index in bytes.indices where bytes[index] == percent && !isEscape(bytes, at: index) {
            return true
        }
        return false
    }

    /// Whether `bytes` holds a `%` followed by two hex digits.
    static func hasDecodableEscape(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { bytes[$0] == percent && isEscape(bytes, at: $0) }
    }

    private static func isEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        index + 2 < bytes.count && PercentDecoding.hexValue(bytes[index + 1]) != nil
            && PercentDecoding.hexValue(bytes[index + 2]) != nil
    }
}
