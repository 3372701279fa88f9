extension BaseURL {
    /// The serialised origin, `scheme://host[:port]`, as the upstream URL starts (the default port left out).
    package var origin: String {
        guard let host else { return scheme + "://" }
        var text = scheme + "://" + host.serialised
        if let port, port != (scheme == "https" ? 443 : 80) { text += ":\(port)" }
        return text
    }

    /// The port connected to: explicit, else the scheme's default.
    package var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }
}

extension BaseURL.Host {
    /// The host as written in a URL (IPv6 in brackets, compressed as the WHATWG URL Standard serialises it).
    package var serialised: String {
        switch self {
        case .ipv4: "\(bare)"
        case .ipv6: "[\(bare)]"
        case .domain(let name), .opaque(let name): name
        }
    }

    /// The host without brackets: what name resolution and `CURLOPT_RESOLVE` take.
    package var bare: String {
        switch self {
        case .ipv4(let address):
            return [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .ipv6(let pieces):
            return Self.compressed(pieces)
        case .domain(let name), .opaque(let name):
            return name
        }
    }

    /// The longest run (the first of equal ones) of two or more zero pieces becomes `::`.
    private static func compressed(_ pieces: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < pieces.count {
            guard pieces[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < pieces.count, pieces[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        let hex = pieces.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
