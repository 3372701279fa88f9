import Glibc

/// The client IP of CONTRACT.md E5 and its identity text for the per-IP limits (§7.2).
package enum ClientAddress {
    /// The identity of the client: the socket peer, or with `trustedHops` N ≥ 1 the N-th address from the right of
    /// every `X-Forwarded-For` entry followed by the peer (E5). A shorter list gives its left-most entry; an entry
    /// that is not an IP address gives the peer. `forwardedFor` is the headers' values in order; entries are split on
    /// commas and trimmed, and empty ones dropped (as proxies and Express's `proxy-addr` do).
    ///
    /// The identity is the IPv4 address in dotted decimal (an IPv4-mapped IPv6 address counts as its IPv4
    /// address), or for IPv6 its /64 prefix in RFC 5952 form, e.g. `2001:db8:1:2::/64` (§7.2). A peer the system
    /// could not tell (nil), or one that is not an IP address, is `unknown`.
    package static func identity(peer: String?, forwardedFor: [String], trustedHops: Int) -> String {
        guard trustedHops > 0, !forwardedFor.isEmpty else { return peerIdentity(peer) }
        // Walk the entries from the right, without collecting them: the peer is the list's right-most address, so
        // N = 1 is the last X-Forwarded-For entry.
        var toSkip = trustedHops - 1
        var leftMost: Substring?
        for value in forwardedFor.reversed() {
            var end = value.endIndex
            while true {
                let comma = value[..<end].lastIndex(of: ",")
                let start = comma.map { value.index(after: $0) } ?? value.startIndex
                let entry = value[start..<end].trimmingOptionalWhitespace()
                if !entry.isEmpty {
                    if toSkip == 0 { return identity(ofAddress: String(entry)) ?? peerIdentity(peer) }
                    toSkip -= 1
                    leftMost = entry
                }
                guard let comma else { break }
                end = comma
            }
        }
        // A shorter list: its left-most entry.
        guard let leftMost else { return peerIdentity(peer) }
        return identity(ofAddress: String(leftMost)) ?? peerIdentity(peer)
    }

    private static func peerIdentity(_ peer: String?) -> String {
        peer.flatMap(identity(ofAddress:)) ?? "unknown"
    }

    /// The identity text of one address, or nil when `text` is not an IPv4 or IPv6 address (`inet_pton(3)`).
    package static func identity(ofAddress text: String) -> String? {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, text, &ipv4) == 1 {
            return withUnsafeBytes(of: ipv4) { dottedDecimal($0[0], $0[1], $0[2], $0[3]) }
        }
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, text, &ipv6) == 1 else { return nil }
        return withUnsafeBytes(of: ipv6) { bytes in
            // ::ffff:a.b.c.d is the IPv4 client a dual-stack listener saw.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return dottedDecimal(bytes[12], bytes[13], bytes[14], bytes[15])
            }
            return prefix64(bytes)
        }
    }

    private static func dottedDecimal(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> String {
        // At most 15 bytes: a small string, built without interpolation's intermediate storage.
        var text = String(a)
        for part in [b, c, d] {
            text.append(".")
            text.append(String(part))
        }
        return text
    }

    /// RFC 5952 text of the address's first four groups followed by four zero groups, and `/64`. The trailing run
    /// of zero groups (at least four) is always the longest, so it is the one written as `::`.
    private static func prefix64(_ bytes: UnsafeRawBufferPointer) -> String {
        var groups: [UInt16] = []
        for index in 0..<4 { groups.append(UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1])) }
        while let last = groups.last, last == 0 { groups.removeLast() }
        return groups.map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (RFC 9110 OWS).
    fileprivate func trimmingOptionalWhitespace() -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isWhitespace($0) }), let last = lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return self[first...last]
    }
}
