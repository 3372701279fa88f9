import EventLoop
import Glibc

/// Name resolution off the loops (CONTRACT.md §5.5 check 9): `getaddrinfo` blocks, so it runs on a small pool of
/// threads and answers on the caller's loop. A lookup slower than the caller's deadline is abandoned by the
/// caller; its thread finishes on its own.
package final class HostResolver: Sendable {
    private let pool: BlockingPool

    package init(threadCount: Int = 2) {
        pool = BlockingPool(threadCount: threadCount)
    }

    /// The numeric addresses of `host` (IPv4 dotted, IPv6 without brackets), deduplicated in answer order; empty
    /// when the name does not resolve.
    package func resolve(_ host: String, on loop: Loop, completion: @escaping @Sendable ([String]) -> Void) {
        let submitted = pool.submit {
            let addresses = Self.lookUp(host)
            loop.execute { completion(addresses) }
        }
        if !submitted { loop.execute { completion([]) } }
    }

    package func shutDown() { pool.shutDown() }

    static func lookUp(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let list else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = list
        while let current = node {
            node = current.pointee.ai_next
            guard let address = current.pointee.ai_addr else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            let family = Int32(address.pointee.sa_family)
            let converted: UnsafePointer<CChar>? =
                switch family {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                        var raw = inet.pointee.sin_addr
                        return inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet in
                        var raw = inet.pointee.sin6_addr
                        return inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    }
                default: nil
                }
            guard converted != nil else { continue }
            let string = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !addresses.contains(string) { addresses.append(string) }
        }
        return addresses
    }

    /// CONTRACT.md §5.5 check 10 on one numeric address.
    package static func isBlocked(_ address: String) -> Bool {
        if address.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, address, &raw) == 1 else { return true }
            return withUnsafeBytes(of: &raw) { AddressClassifier.isBlocked(ipv6Bytes: $0) }
        }
        var raw = in_addr()
        guard inet_pton(AF_INET, address, &raw) == 1 else { return true }
        return AddressClassifier.isBlocked(ipv4: UInt32(bigEndian: raw.s_addr))
    }
}
