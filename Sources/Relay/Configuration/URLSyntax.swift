#if canImport(Glibc)
    import Glibc
#endif

/// The small pieces of URL syntax (RFC 3986) that configuration values are checked against.
enum URLSyntax {
    /// A host and an optional port as written in an authority, e.g. `example.com:8080` or `[fd00::5]`.
    struct HostAndPort: Equatable {
        /// The host as written; an IPv6 address keeps its brackets.
        let host: String
        /// The port digits as written, when the authority has a port.
        let portText: String?
        /// The port's value, when the authority has a port.
        let port: Int?
        /// The address between the brackets when the host is an IPv6 literal.
        let ipv6Address: String?
    }

    /// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, isASCIILetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { isASCIILetter($0) || isDigit($0) || "+-.".unicodeScalars.contains($0) }
    }

    /// Splits `host[:port]`; nil when the host is empty or not a name, IPv4 address or bracketed IPv6 address, or
    /// when the port is not 1–5 digits within 0–65535.
    static func hostAndPort(_ authority: Substring) -> HostAndPort? {
        let host: Substring
        let rest: Substring
        var ipv6Address: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let inner = authority[authority.index(after: authority.startIndex)..<close]
            guard isIPv6Address(String(inner)) else { return nil }
            ipv6Address = String(inner)
            host = authority[...close]
            rest = authority[authority.index(after: close)...]
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            rest = authority[colon...]
        } else {
            host = authority
            rest = ""
        }
        if ipv6Address == nil {
            guard !host.isEmpty, host.unicodeScalars.allSatisfy(isHostNameScalar) else { return nil }
        }
        guard !rest.isEmpty else {
            return HostAndPort(host: String(host), portText: nil, port: nil, ipv6Address: ipv6Address)
        }
        guard rest.hasPrefix(":") else { return nil }
        let digits = rest.dropFirst()
        guard let port = portNumber(digits) else { return nil }
        return HostAndPort(host: String(host), portText: String(digits), port: port, ipv6Address: ipv6Address)
    }

    /// 1–5 ASCII digits with a value within 0–65535.
    static func portNumber(_ digits: Substring) -> Int? {
        guard (1...5).contains(digits.utf8.count), digits.unicodeScalars.allSatisfy(isDigit),
            let value = Int(digits), value <= 65535
        else { return nil }
        return value
    }

    /// Whether `text` is an IPv6 address in any textual form `inet_pton(3)` accepts.
    static func isIPv6Address(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// The canonical (RFC 5952) form of an IPv6 address, so that `FD00:0::5` and `fd00::5` compare equal.
    static func canonicalIPv6Address(_ text: String) -> String? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    /// Host names and IPv4 addresses: letters, digits, `-`, `.` and `_` (IDNs arrive as punycode).
    private static func isHostNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || isDigit(scalar) || scalar == "-" || scalar == "." || scalar == "_"
    }
}
