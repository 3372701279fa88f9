import EventLoop

extension BaseURL {
    /// A host as the WHATWG host parser returns it.
    package enum Host: Sendable, Hashable {
        /// An IPv4 address, in any spelling the standard accepts (`127.1`, `0x7f000001`, ...), as a number.
        case ipv4(UInt32)
        /// An IPv6 address as its eight 16-bit pieces, most significant first.
        case ipv6([UInt16])
        /// A domain: ASCII, lower-cased, percent-decoded, a trailing dot kept as written.
        case domain(String)
        /// The host of a non-special scheme (`foo://h`), kept as written; check 3 refuses such URLs anyway.
        case opaque(String)

        /// The host parser for `text` (without its port).
        init(parsing text: ArraySlice<Unicode.Scalar>, isSpecial: Bool) throws(BaseURLError) {
            if text.first == "[" {
                guard text.count >= 2, text.last == "]" else { throw .invalidIPv6 }
                let inside = text.dropFirst().dropLast().map { $0.value }
                guard let pieces = Self.ipv6Pieces(inside) else { throw .invalidIPv6 }
                self = .ipv6(pieces)
            } else if !isSpecial {
                guard !text.contains(where: { Self.isForbiddenHostCodePoint($0.value) }) else {
                    throw .forbiddenHostCodePoint
                }
                self = .opaque(String(String.UnicodeScalarView(text)))
            } else {
                self = try Self.domainOrIPv4(text)
            }
        }

        /// A special scheme's host: percent-decoded, to ASCII (ASCII only here, see `nonASCIIHost`), checked
        /// for forbidden domain code points, then IPv4 when its last label is a number.
        private static func domainOrIPv4(_ text: ArraySlice<Unicode.Scalar>) throws(BaseURLError) -> Host {
            guard text.allSatisfy({ $0.isASCII }) else { throw .nonASCIIHost }
            let decoded = PercentDecoding.decoded(text.map { UInt8($0.value) })
            guard decoded.allSatisfy({ $0 < 0x80 }) else { throw .nonASCIIHost }
            // UTS #46 maps ASCII upper case to lower case and nothing else in ASCII.
            let lowered = decoded.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
            guard !lowered.isEmpty else { throw .missingHost }
            guard !lowered.contains(where: { isForbiddenDomainCodePoint(UInt32($0)) }) else {
                throw .forbiddenHostCodePoint
            }
            if endsInNumber(lowered) {
                guard let address = ipv4Address(lowered) else { throw .invalidIPv4 }
                return .ipv4(address)
            }
            // Labels starting `xn--` are kept without Punycode validation, which the standard would do; the name
            // still has to resolve and pass check 10 before anything connects.
            return .domain(String(decoding: lowered, as: UTF8.self))
        }

        /// The standard's forbidden host code points: NUL, tab, LF, CR, space, `# / : < > ? @ [ \ ] ^ |`.
        private static func isForbiddenHostCodePoint(_ value: UInt32) -> Bool {
            [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x23, 0x2F, 0x3A, 0x3C, 0x3E, 0x3F, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x7C]
                .contains(value)
        }

        /// The forbidden domain code points: the forbidden host code points, C0 controls, `%` and DEL.
        private static func isForbiddenDomainCodePoint(_ value: UInt32) -> Bool {
            isForbiddenHostCodePoint(value) || value <= 0x1F || value == 0x25 || value == 0x7F
        }
    }
}
