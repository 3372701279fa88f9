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
        UUIDv4.make()
    }

    /// A UUID version 4 from `generator`, so that tests can fix the randomness and each loop can draw from its own
    /// buffered source (one `getrandom` per many ids instead of per id).
    package static func generate<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        UUIDv4.make(using: &generator)
    }
}
