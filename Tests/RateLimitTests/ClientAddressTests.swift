import RateLimit
import Testing

/// CONTRACT.md E5 (which address is the client) and §7.2 (its identity text).
@Suite struct ClientAddressTests {
    struct Case: CustomStringConvertible, Sendable {
        let hops: Int
        let peer: String?
        let forwardedFor: [String]
        let identity: String
        var description: String { "TRUST_PROXY=\(hops) peer=\(peer ?? "nil") XFF=\(forwardedFor)" }
    }

    static let cases: [Case] = [
        // TRUST_PROXY=0: X-Forwarded-For is ignored, whatever it says.
        Case(hops: 0, peer: "203.0.113.7", forwardedFor: [], identity: "203.0.113.7"),
        Case(hops: 0, peer: "203.0.113.7", forwardedFor: ["198.51.100.1"], identity: "203.0.113.7"),
        // One proxy: the last entry is what it saw; entries a client wrote before it are not trusted.
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: ["198.51.100.1"], identity: "198.51.100.1"),
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 198.51.100.1"], identity: "198.51.100.1"),
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: ["1.2.3.4", "198.51.100.1"], identity: "198.51.100.1"),
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: [], identity: "10.0.0.2"),
        // Two proxies: the second entry from the right.
        Case(hops: 2, peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 198.51.100.1, 10.0.0.9"], identity: "198.51.100.1"),
        Case(hops: 2, peer: "10.0.0.2", forwardedFor: ["6.6.6.6 ,198.51.100.1", "10.0.0.9"], identity: "198.51.100.1"),
        // A shorter list: its left-most entry.
        Case(hops: 2, peer: "10.0.0.2", forwardedFor: ["198.51.100.1"], identity: "198.51.100.1"),
        Case(hops: 5, peer: "10.0.0.2", forwardedFor: ["198.51.100.1, 10.0.0.9"], identity: "198.51.100.1"),
        // Not an IP address: the peer.
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: ["unknown"], identity: "10.0.0.2"),
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: ["198.51.100.1:4711"], identity: "10.0.0.2"),
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: ["[2001:db8::1]"], identity: "10.0.0.2"),
        Case(hops: 2, peer: "10.0.0.2", forwardedFor: ["evil, 198.51.100.1"], identity: "10.0.0.2"),
        // Empty entries are not entries.
        Case(hops: 2, peer: "10.0.0.2", forwardedFor: ["198.51.100.1,, 10.0.0.9,"], identity: "198.51.100.1"),
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: [" , "], identity: "10.0.0.2"),
        // IPv6: the /64 prefix in RFC 5952 form.
        Case(hops: 0, peer: "2001:db8:1:2:3:4:5:6", forwardedFor: [], identity: "2001:db8:1:2::/64"),
        Case(hops: 0, peer: "2001:DB8:0001:0002:ffff::1", forwardedFor: [], identity: "2001:db8:1:2::/64"),
        Case(hops: 0, peer: "2001:db8::1", forwardedFor: [], identity: "2001:db8::/64"),
        Case(hops: 0, peer: "2001:0:0:1::5", forwardedFor: [], identity: "2001:0:0:1::/64"),
        Case(hops: 0, peer: "::1", forwardedFor: [], identity: "::/64"),
        Case(hops: 0, peer: "fe80::1", forwardedFor: [], identity: "fe80::/64"),
        Case(hops: 1, peer: "10.0.0.2", forwardedFor: ["2001:db8:aa:bb:cc::1"], identity: "2001:db8:aa:bb::/64"),
        // IPv4-mapped IPv6 is the IPv4 client (a dual-stack listener's view).
        Case(hops: 0, peer: "::ffff:192.0.2.1", forwardedFor: [], identity: "192.0.2.1"),
        Case(hops: 1, peer: "::ffff:10.0.0.2", forwardedFor: ["::ffff:198.51.100.1"], identity: "198.51.100.1"),
        // A peer the system could not tell.
        Case(hops: 0, peer: nil, forwardedFor: [], identity: "unknown"),
        Case(hops: 1, peer: nil, forwardedFor: ["bogus"], identity: "unknown"),
    ]

    @Test(arguments: cases)
    func testClientIdentity(_ example: Case) {
        let identity = ClientAddress.identity(
            peer: example.peer,
            forwardedFor: example.forwardedFor,
            trustedHops: example.hops
        )
        #expect(identity == example.identity)
    }

    @Test func testKeyMaterialIsTheHMACOfTheIdentity() throws {
        let keys = try RateLimitKeyMaker(encryptionSecret: String(repeating: "s", count: 32), salt: "salt")
        let other = try RateLimitKeyMaker(encryptionSecret: String(repeating: "t", count: 32), salt: "salt")
        #expect(keys.key(for: "192.0.2.1") == keys.key(for: "192.0.2.1"))
        #expect(keys.key(for: "192.0.2.1") != keys.key(for: "192.0.2.2"))
        #expect(keys.key(for: "192.0.2.1") != other.key(for: "192.0.2.1"))  // a new secret starts fresh counters
        let hex = keys.key(for: "2001:db8::/64").hex
        #expect(hex.count == 32 && hex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    /// §7.2 exactly: HMAC-SHA-256(HKDF-SHA-256(secret, salt, "byok-relay/rate-limit/v1", 32), identity), first 16
    /// bytes in lower-case hex (values computed independently with Python's hmac and hashlib).
    @Test func testKeyMaterialMatchesTheContract() throws {
        let keys = try RateLimitKeyMaker(
            encryptionSecret: "test-secret-0123456789abcdef0123456789abcdef",
            salt: "test-salt"
        )
        #expect(keys.key(for: "192.0.2.1").hex == "3e6971b8b5fb1456fa01159b22c614e8")
        #expect(keys.key(for: "2001:db8:1:2::/64").hex == "d1dfb18eaf3e92dfb9d079c2bf6f8925")
    }
}
