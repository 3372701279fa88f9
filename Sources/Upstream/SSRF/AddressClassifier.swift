/// The blocked address ranges of CONTRACT.md §5.5, for IP literals (check 5) and resolved addresses (check 10).
package enum AddressClassifier {
    /// CONTRACT.md §5.5 "Blocked IPv4 ranges", in the table's order: (network, prefix length).
    private static let blockedIPv4: [(network: UInt32, prefixLength: Int)] = [
        (0x0000_0000, 8),  // 0.0.0.0/8 "this" network
        (0x0A00_0000, 8),  // 10.0.0.0/8 private
        (0x6440_0000, 10),  // 100.64.0.0/10 CGNAT, Alibaba Cloud metadata
        (0x7F00_0000, 8),  // 127.0.0.0/8 loopback
        (0xA9FE_0000, 16),  // 169.254.0.0/16 link-local, cloud metadata
        (0xAC10_0000, 12),  // 172.16.0.0/12 private
        (0xC000_0000, 24),  // 192.0.0.0/24 IETF protocol assignments
        (0xC000_0200, 24),  // 192.0.2.0/24 TEST-NET-1
        (0xC058_6300, 24),  // 192.88.99.0/24 6to4 relay anycast
        (0xC0A8_0000, 16),  // 192.168.0.0/16 private
        (0xC612_0000, 15),  // 198.18.0.0/15 benchmarking
        (0xC633_6400, 24),  // 198.51.100.0/24 TEST-NET-2
        (0xCB00_7100, 24),  // 203.0.113.0/24 TEST-NET-3
        (0xE000_0000, 4),  // 224.0.0.0/4 multicast
        (0xF000_0000, 4),  // 240.0.0.0/4 reserved, broadcast
    ]

    /// CONTRACT.md §5.5 "Blocked IPv6 ranges", as 128-bit (high, low) networks with prefix lengths.
    private static let blockedIPv6: [(high: UInt64, low: UInt64, prefixLength: Int)] = [
        (0, 0, 128),  // ::/128 unspecified
        (0, 1, 128),  // ::1/128 loopback
        (0, 0, 96),  // ::/96 IPv4-compatible
        (0, 0x0000_FFFF_0000_0000, 96),  // ::ffff:0:0/96 IPv4-mapped
        (0x0064_FF9B_0000_0000, 0, 96),  // 64:ff9b::/96 NAT64
        (0x0064_FF9B_0001_0000, 0, 48),  // 64:ff9b:1::/48 local-use NAT64
        (0x0100_0000_0000_0000, 0, 64),  // 100::/64 discard-only
        (0x2001_0000_0000_0000, 0, 32),  // 2001::/32 Teredo
        (0x2001_0DB8_0000_0000, 0, 32),  // 2001:db8::/32 documentation
        (0x2002_0000_0000_0000, 0, 16),  // 2002::/16 6to4
        (0xFC00_0000_0000_0000, 0, 7),  // fc00::/7 unique local, AWS metadata fd00:ec2::254
        (0xFE80_0000_0000_0000, 0, 10),  // fe80::/10 link-local
        (0xFEC0_0000_0000_0000, 0, 10),  // fec0::/10 site-local
        (0xFF00_0000_0000_0000, 0, 8),  // ff00::/8 multicast
    ]

    /// Whether `ipv4` (most significant byte first) lies in a blocked IPv4 range.
    package static func isBlocked(ipv4 address: UInt32) -> Bool {
        blockedIPv4.contains { range in
            let mask = range.prefixLength == 0 ? 0 : UInt32.max << (32 - range.prefixLength)
            return address & mask == range.network
        }
    }

    /// Whether the eight 16-bit pieces `ipv6` lie in a blocked IPv6 range; anything but eight pieces is blocked.
    package static func isBlocked(ipv6 pieces: [UInt16]) -> Bool {
        guard pieces.count == 8 else { return true }
        let high = pieces[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = pieces[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return blockedIPv6.contains { range in
            let highMask = range.prefixLength >= 64 ? UInt64.max : UInt64.max << (64 - range.prefixLength)
            let lowMask = range.prefixLength <= 64 ? 0 : UInt64.max << (128 - range.prefixLength)
            return high & highMask == range.high && low & lowMask == range.low
        }
    }

    /// Whether the 16 bytes `ipv6` (network order, as in `in6_addr`) lie in a blocked IPv6 range; anything but
    /// 16 bytes is blocked.
    package static func isBlocked(ipv6Bytes bytes: some Collection<UInt8>) -> Bool {
        let bytes = Array(bytes)
        guard bytes.count == 16 else { return true }
        let pieces = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return isBlocked(ipv6: pieces)
    }
}
