/// Byte-level percent-encoding helpers shared by the path and query rules (CONTRACT.md §5.3).
enum PercentEncoding {
    static let percent: UInt8 = 0x25

    /// The value of an ASCII hex digit, either case; nil for any other byte.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

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
    static func decoded(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == percent, isEscape(bytes, at: index),
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    private static func isEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        index + 2 < bytes.count && hexValue(bytes[index + 1]) != nil && hexValue(bytes[index + 2]) != nil
    }
}
