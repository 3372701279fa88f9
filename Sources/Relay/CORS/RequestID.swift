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

    /// A UUID version 4 from `generator`, so that tests can fix the randomness.
    package static func generate<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in stride(from: 0, to: 16, by: 8) {
            let random = generator.next()
            for offset in 0..<8 {
                bytes[index + offset] = UInt8(truncatingIfNeeded: random >> (offset * 8))
            }
        }
        // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 0b10 in the top bits of byte 8.
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 {
                text.append(UInt8(ascii: "-"))
            }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
