import EventLoop

/// Where Redis is and how to log in: `redis://[user:password@]host[:port][/db]` (CONTRACT.md E2). The relay's
/// configuration has already refused other forms and TLS (§10.2); this only takes the URL apart.
package struct RedisEndpoint: Sendable, Equatable {
    /// A host name, IPv4 address or IPv6 address (without brackets).
    package var host: String
    package var port: Int
    /// `AUTH user password` when both are set, `AUTH password` when only the password is (percent-decoded).
    package var username: String?
    package var password: String?
    /// `SELECT` index; 0 needs no command.
    package var database: Int

    package init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Takes `url` apart; nil when it is not a `redis://` URL with a host.
    package init?(url: String) {
        guard url.lowercased().hasPrefix("redis://") else { return nil }
        var rest = Substring(url.dropFirst("redis://".count))
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        let authority = rest.prefix { $0 != "/" }
        let path = rest[authority.endIndex...].dropFirst()
        var hostAndPort = authority
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            hostAndPort = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = PercentDecoding.decoded(credentials[..<colon])
                username = user.isEmpty ? nil : user
                password = PercentDecoding.decoded(credentials[credentials.index(after: colon)...])
            } else if !credentials.isEmpty {
                // `redis://secret@host`: a lone value is the password, as redis-cli and most clients read it.
                password = PercentDecoding.decoded(credentials)
            }
        }
        port = 6379
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            host = String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
            let after = hostAndPort[hostAndPort.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = hostAndPort.lastIndex(of: ":") {
            host = String(hostAndPort[..<colon])
            guard let value = Int(hostAndPort[hostAndPort.index(after: colon)...]) else { return nil }
            port = value
        } else {
            host = String(hostAndPort)
        }
        guard !host.isEmpty, (0...65535).contains(port) else { return nil }
        if path.isEmpty {
            database = 0
        } else {
            guard let index = Int(path), index >= 0 else { return nil }
            database = index
        }
    }
}

/// Printed without the credentials, so no interpolation of an endpoint can put the password in a log line.
extension RedisEndpoint: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "RedisEndpoint(\(host):\(port)/\(database), credentials redacted)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["host": host, "port": port, "database": database]) }
}
