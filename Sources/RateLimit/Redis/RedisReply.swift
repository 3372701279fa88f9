/// What the relay needs of a hiredis reply, copied out inside the callback (hiredis frees the reply after it).
package enum RedisReply: Equatable, Sendable {
    /// A status (`+OK`) or bulk string (`SCRIPT LOAD`'s SHA-1).
    case text(String)
    case integer(Int64)
    /// An array of integers (the script's reply); other arrays are `.other`.
    case integers([Int64])
    /// An error reply (`-NOSCRIPT ...`, `-MOVED 3999 10.0.0.5:6379`, `-WRONGPASS ...`).
    case error(String)
    case other

    /// For an error reply, its first word (`NOSCRIPT`, `MOVED`, ...).
    package var errorCode: Substring? {
        guard case .error(let message) = self else { return nil }
        return message.prefix { $0 != " " }
    }

    /// The `host:port` a `MOVED <slot> <host>:<port>` error names (E2: the relay reconnects there).
    package var movedAddress: (host: String, port: Int)? {
        guard case .error(let message) = self, errorCode == "MOVED" else { return nil }
        let words = message.split(separator: " ")
        guard words.count == 3, let colon = words[2].lastIndex(of: ":"),
            let port = Int(words[2][words[2].index(after: colon)...])
        else { return nil }
        var host = words[2][..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        // Redis 7 may name an unknown endpoint as `?`; there is nowhere to go then.
        guard !host.isEmpty, host != "?" else { return nil }
        return (String(host), port)
    }
}
