import Glibc

/// Resolves database host names with `getaddrinfo` on a detached thread of its own, since libpq would resolve them
/// synchronously on the loop (DESIGN.md §5). One thread per connect attempt to a named host: attempts are rare
/// (start-up and reconnects with backoff), so no pool is kept.
enum PostgresHostResolver {
    /// Most addresses kept per name; libpq tries them in order.
    static let addressLimit = 4

    /// Looks up every entry of `hosts` that is a name (others get one empty address: "use host as it is") and calls
    /// `completion` on the resolver thread with one address list per entry, or nil when a name has no address.
    static func resolve(_ hosts: [String], completion: @escaping @Sendable ([[String]]?) -> Void) {
        let job = ResolverJob {
            var addresses: [[String]] = []
            for host in hosts {
                guard PostgresConfiguration.needsLookup(host) else {
                    addresses.append([""])
                    continue
                }
                let found = numericAddresses(of: host)
                guard !found.isEmpty else { return completion(nil) }
                addresses.append(found)
            }
            completion(addresses)
        }
        let context = Unmanaged.passRetained(job).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let status = pthread_create(
            &thread,
            &attributes,
            { context in
                guard let context else { return nil }
                Unmanaged<ResolverJob>.fromOpaque(context).takeRetainedValue().run()
                return nil
            },
            context
        )
        pthread_attr_destroy(&attributes)
        if status != 0 {
            Unmanaged<ResolverJob>.fromOpaque(context).release()
            completion(nil)
        }
    }

    /// `getaddrinfo` for TCP, as numeric strings in the resolver's order, duplicates dropped.
    private static func numericAddresses(of host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let current = entry, addresses.count < addressLimit {
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                current.pointee.ai_addr,
                current.pointee.ai_addrlen,
                &text,
                socklen_t(text.count),
                nil,
                0,
                NI_NUMERICHOST
            ) == 0 {
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(address) { addresses.append(address) }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}

/// The closure a resolver thread runs.
// Sendable: made on the loop thread, then owned by exactly one resolver thread, handed over by pthread_create.
private final class ResolverJob: @unchecked Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
