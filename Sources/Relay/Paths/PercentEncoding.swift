import EventLoop

/// Byte-level percent-encoding helpers shared by the path and query rules (CONTRACT.md §5.3).
enum PercentEncoding {
    static let percent: UInt8 = 0x25

    /// The value of an ASCII hex digit, either case; nil for any other byte.
    static func hexValue(_ byte: UInt8) -> UInt8? { PercentDecoding.hexValue(byte) }

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

    /// `bytes` with every `%XX` decoded once; a `%` not followed by two hex digits stays literal.
    static func decoded(_ bytes: some Collection<UInt8>) -> [UInt8] { PercentDecoding.decoded(bytes) }

    private static func isEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        index + 2 < bytes.count && hexValue(bytes[index + 1]) != nil && hexValue(bytes[index + 2]) != nil
    }
}
