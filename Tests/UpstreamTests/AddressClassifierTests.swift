import Testing

@testable import Upstream

/// CONTRACT.md §5.5's IPv4 table written out again as (first, last) addresses.
private let blockedIPv4: [(UInt32, UInt32)] = [
    (0x0000_0000, 0x00FF_FFFF), (0x0A00_0000, 0x0AFF_FFFF), (0x6440_0000, 0x647F_FFFF),
    (0x7F00_0000, 0x7FFF_FFFF), (0xA9FE_0000, 0xA9FE_FFFF), (0xAC10_0000, 0xAC1F_FFFF),
    (0xC000_0000, 0xC000_00FF), (0xC000_0200, 0xC000_02FF), (0xC058_6300, 0xC058_63FF),
    (0xC0A8_0000, 0xC0A8_FFFF), (0xC612_0000, 0xC613_FFFF), (0xC633_6400, 0xC633_64FF),
    (0xCB00_7100, 0xCB00_71FF), (0xE000_0000, 0xEFFF_FFFF), (0xF000_0000, 0xFFFF_FFFF),
]

/// CONTRACT.md §5.5's IPv6 table as (first, last) pieces.
private let blockedIPv6: [([UInt16], [UInt16])] = [
    ([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0xFFFF, 0xFFFF]),  // ::/96 covers ::/128 and ::1/128
    ([0, 0, 0, 0, 0, 0xFFFF, 0, 0], [0, 0, 0, 0, 0, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0x64, 0xFF9B, 0, 0, 0, 0, 0, 0], [0x64, 0xFF9B, 0, 0, 0, 0, 0xFFFF, 0xFFFF]),
    ([0x64, 0xFF9B, 1, 0, 0, 0, 0, 0], [0x64, 0xFF9B, 1, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0x100, 0, 0, 0, 0, 0, 0, 0], [0x100, 0, 0, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], [0x2001, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0x2001, 0xDB8, 0, 0, 0, 0, 0, 0], [0x2001, 0xDB8, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0x2002, 0, 0, 0, 0, 0, 0, 0], [0x2002, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0xFC00, 0, 0, 0, 0, 0, 0, 0], [0xFDFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0xFE80, 0, 0, 0, 0, 0, 0, 0], [0xFEBF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0xFEC0, 0, 0, 0, 0, 0, 0, 0], [0xFEFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
    ([0xFF00, 0, 0, 0, 0, 0, 0, 0], [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
]

private func isListed(_ address: UInt32) -> Bool { blockedIPv4.contains { $0.0 <= address && address <= $0.1 } }

private func isListed(_ pieces: [UInt16]) -> Bool {
    blockedIPv6.contains { range in
        (range.0.lexicographicallyPrecedes(pieces) || range.0 == pieces)
            && (pieces.lexicographicallyPrecedes(range.1) || pieces == range.1)
    }
}

/// The address after (`step` 1) or before (`step` -1) `pieces`, nil past either end.
private func neighbour(of pieces: [UInt16], step: Int) -> [UInt16]? {
    var result = pieces
    for index in result.indices.reversed() {
        if step > 0 {
            if result[index] == 0xFFFF { result[index] = 0 } else { result[index] += 1; return result }
        } else {
            if result[index] == 0 { result[index] = 0xFFFF } else { result[index] -= 1; return result }
        }
    }
    return nil
}

@Test(arguments: blockedIPv4.indices)
func testIPv4RangeBoundariesAreBlockedAndNeighboursAreNot(_ index: Int) {
    let (first, last) = blockedIPv4[index]
    #expect(AddressClassifier.isBlocked(ipv4: first))
    #expect(AddressClassifier.isBlocked(ipv4: last))
    #expect(AddressClassifier.isBlocked(ipv4: first / 2 + last / 2))
    if first > 0, !isListed(first - 1) { #expect(!AddressClassifier.isBlocked(ipv4: first - 1)) }
    if last < .max, !isListed(last + 1) { #expect(!AddressClassifier.isBlocked(ipv4: last + 1)) }
}

@Test(arguments: blockedIPv6.indices)
func testIPv6RangeBoundariesAreBlockedAndNeighboursAreNot(_ index: Int) {
    let (first, last) = blockedIPv6[index]
    #expect(AddressClassifier.isBlocked(ipv6: first))
    #expect(AddressClassifier.isBlocked(ipv6: last))
    if let before = neighbour(of: first, step: -1), !isListed(before) {
        #expect(!AddressClassifier.isBlocked(ipv6: before))
    }
    if let after = neighbour(of: last, step: 1), !isListed(after) {
        #expect(!AddressClassifier.isBlocked(ipv6: after))
    }
}

@Test func testEveryIPv4NeighbourOutsideTheTableIsCheckedAtLeastOnce() {
    // Guards the boundary test above: most ranges must have a free neighbour on each side.
    let freeNeighbours = blockedIPv4.filter { $0.1 < .max && !isListed($0.1 + 1) }
    #expect(freeNeighbours.count >= 12)
}

@Test func testNamedAddressesAreClassified() {
    #expect(AddressClassifier.isBlocked(ipv4: 0xA9FE_A9FE))  // 169.254.169.254
    #expect(AddressClassifier.isBlocked(ipv4: 0x6464_64C8))  // 100.100.100.200
    #expect(!AddressClassifier.isBlocked(ipv4: 0x0808_0808))  // 8.8.8.8
    #expect(!AddressClassifier.isBlocked(ipv4: 0x0101_0101))  // 1.1.1.1
    #expect(!AddressClassifier.isBlocked(ipv4: 0xC000_0100))  // 192.0.1.0, between two blocked /24s
    #expect(!AddressClassifier.isBlocked(ipv6: [0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111]))
    #expect(!AddressClassifier.isBlocked(ipv6: [0x2001, 1, 0, 0, 0, 0, 0, 1]))  // 2001:1::1, outside 2001::/32
    #expect(!AddressClassifier.isBlocked(ipv6: [0, 0, 0, 0, 1, 0, 0, 0]))  // ::1:0:0:0, outside ::/96
    #expect(AddressClassifier.isBlocked(ipv6: [0, 0, 0, 0, 0, 0, 0, 0]))  // ::
    #expect(AddressClassifier.isBlocked(ipv6: [0, 0, 0, 0, 0, 0, 0, 1]))  // ::1
    #expect(AddressClassifier.isBlocked(ipv6: [0, 0, 0, 0, 0, 0xFFFF, 0x0808, 0x0808]))  // ::ffff:8.8.8.8
    #expect(AddressClassifier.isBlocked(ipv6: [1, 2, 3]))
}

@Test func testRawIPv6BytesAreReadInNetworkOrder() {
    let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
    #expect(AddressClassifier.isBlocked(ipv6Bytes: loopback))
    let cloudflare: [UInt8] = [0x26, 0x06, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11]
    #expect(!AddressClassifier.isBlocked(ipv6Bytes: cloudflare))
    let metadata: [UInt8] = [0xFD, 0, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]
    #expect(AddressClassifier.isBlocked(ipv6Bytes: metadata))
    #expect(AddressClassifier.isBlocked(ipv6Bytes: loopback.dropLast()))
}
