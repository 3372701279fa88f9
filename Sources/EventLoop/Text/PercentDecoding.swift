/// `%XX` escapes decoded once, the one decoder every layer uses (relay paths and queries, the `x-relay-base-url`
/// host, the Redis URL, the mock provider's query): a `%` not followed by two hex digits stays as it is.
package enum PercentDecoding {
    package static func decoded(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        guard bytes.contains(UInt8(ascii: "%")) else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
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

    /// `text` decoded, read back as UTF-8 (ill-formed sequences become U+FFFD).
    package static func decoded(_ text: some StringProtocol) -> String {
        String(decoding: decoded(text.utf8), as: UTF8.self)
    }

    /// The value of one hex digit, or nil.
    package static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
