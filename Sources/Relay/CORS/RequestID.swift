/// The `x-request-id` of CONTRACT.md §1.5: adopted from the request when well-formed, generated otherwise.
package enum RequestID {
    /// The longest id adopted from a request (§1.5).
    package static let maximumLength = 128

    /// The incoming id to adopt, or nil when there is not exactly one value of 1–128 bytes, each `0x21`–`0x7E`
    /// other than `"` and `\` (§1.5). The caller passes every `x-request-id` field value of the request.
    package static func adopt(_ values: [String]) -> String? {
        guard values.count == 1, let value = values.first, (1...maximumLength).contains(value.utf8.count),
            value.utf8.allSatisfy(isAdoptableByte)
        else { return nil }
        return value
    }

    /// Visible ASCII except `"` and `\`, which would need escaping in the JSON log line (§1.5, §9.5).
    private static func isAdoptableByte(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    /// A random UUID version 4 in lower case, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` (§1.5).
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A UUID version 4 from `generator`, so that tests can fix the randomness and each loop can draw from its own
    /// buffered source (one `getrandom` per many ids instead of per id).
    package static func generate<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        let high = generator.next()
        let low = generator.next()
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for index in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> (UInt64(index % 8) * 8))
                // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 0b10 in the top bits of byte 8.
                if index == 6 { byte = (byte & 0x0F) | 0x40 }
                if index == 8 { byte = (byte & 0x3F) | 0x80 }
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = hexDigit(byte >> 4)
                text[position + 1] = hexDigit(byte & 0x0F)
                position += 2
            }
            return position
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
