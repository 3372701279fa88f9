import Glibc
import Synchronization

/// A bound, listening TCP socket shared by every worker loop (DESIGN.md §3): bound without `SO_REUSEPORT`, so a
/// second relay on the same port is refused instead of silently sharing it.
package final class ListeningSocket: Sendable {
    /// The listening descriptor (non-blocking). Each loop watches its own `dup` of it.
    package let descriptor: Int32
    private let isClosed = Atomic<Bool>(false)
    /// The host as configured, for the `listening` log line.
    package let host: String
    /// The port actually bound (also when 0 asked the system to pick one).
    package let port: Int

    private init(descriptor: Int32, host: String, port: Int) {
        self.descriptor = descriptor
        self.host = host
        self.port = port
    }

    /// Binds `host:port` and starts listening. `host` is an address (`0.0.0.0`, `::`, `127.0.0.1`) or a name.
    package static func bind(host: String, port: Int, backlog: Int32 = 4096) throws(ListenError) -> ListeningSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var results: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &results)
        guard lookup == 0, let first = results else {
            throw ListenError(reason: String(cString: gai_strerror(lookup)))
        }
        defer { freeaddrinfo(results) }

        let descriptor = socket(
            first.pointee.ai_family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                | Int32(SOCK_CLOEXEC.rawValue),
            0
        )
        guard descriptor >= 0 else { throw ListenError(reason: Self.lastErrorText()) }
        var one: Int32 = 1
        var zero: Int32 = 0
        // SO_REUSEADDR only lets us rebind over TIME_WAIT leftovers; unlike SO_REUSEPORT it never shares a live port.
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if first.pointee.ai_family == AF_INET6 {
            // `::` means dual stack (CONTRACT.md §10.1 HOST).
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
        }
        guard Glibc.bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0,
            listen(descriptor, backlog) == 0
        else {
            let reason = Self.lastErrorText()
            Glibc.close(descriptor)
            throw ListenError(reason: reason)
        }
        return ListeningSocket(descriptor: descriptor, host: host, port: Self.boundPort(of: descriptor) ?? port)
    }

    /// Closes the listening descriptor; later connection attempts are refused. Safe to call twice: the number may
    /// already belong to another socket by then.
    package func close() {
        if !isClosed.exchange(true, ordering: .acquiringAndReleasing) { Glibc.close(descriptor) }
    }

    private static func boundPort(of descriptor: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafeBytes(of: storage) { raw -> Int in
            // sin_port and sin6_port sit at the same offset, in network byte order.
            Int(UInt16(raw[2]) << 8 | UInt16(raw[3]))
        }
    }

    static func lastErrorText() -> String { String(cString: strerror(errno)) }
}

/// Why the listening socket could not be opened; `reason` is the system's text (CONTRACT.md §10.2).
package struct ListenError: Error, Equatable {
    /// e.g. "Address already in use".
    package let reason: String
}
