import Glibc

/// The address and port of a connected socket's peer (getpeername(2)).
package struct PeerAddress: Hashable, Sendable {
    /// The numeric address: `127.0.0.1`, `::1`.
    package let host: String
    /// The peer's port.
    package let port: Int

    /// Makes an address from its parts.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The peer of the connected socket `descriptor`, nil when the system cannot tell (not connected, not IP).
    package static func ofConnectedSocket(_ descriptor: Int32) -> PeerAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var bytes = address.pointee.sin_addr
                    guard inet_ntop(AF_INET, &bytes, &text, socklen_t(text.count)) != nil else { return nil }
                    return PeerAddress(host: Self.text(text), port: Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var bytes = address.pointee.sin6_addr
                    guard inet_ntop(AF_INET6, &bytes, &text, socklen_t(text.count)) != nil else { return nil }
                    return PeerAddress(
                        host: Self.text(text),
                        port: Int(UInt16(bigEndian: address.pointee.sin6_port))
                    )
                }
            }
        default:
            return nil
        }
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
