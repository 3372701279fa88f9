/// Classes of ASCII code points the URL parser tests, by code point value.
enum ASCII {
    /// `A`–`Z` or `a`–`z`.
    static func isAlpha(_ value: UInt32) -> Bool { (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }

    /// `0`–`9`.
    static func isDigit(_ value: UInt32) -> Bool { (0x30...0x39).contains(value) }

    /// The value of `value` as a digit in `radix` (8, 10 or 16), or nil.
    static func digitValue(_ value: UInt32, radix: UInt32) -> UInt32? {
        let digit: UInt32
        switch value {
        case 0x30...0x39: digit = value - 0x30
        case 0x41...0x46: digit = value - 0x41 + 10
        case 0x61...0x66: digit = value - 0x61 + 10
        default: return nil
        }
        return digit < radix ? digit : nil
    }
}
