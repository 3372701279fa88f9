/// The origin of an absolute URL, parsed as the WHATWG URL Standard does for what CONTRACT.md §5.5 needs: the
/// scheme, the host, an explicit port and whether credentials were given. Path, query and fragment are dropped
/// unread: the standard never fails on them.
package struct BaseURL: Sendable, Hashable {
    /// CONTRACT.md §5.5 check 2: longer inputs are refused, counted in UTF-16 code units as the original's
    /// JavaScript `String.length` did.
    package static let maximumLength = 2048

    /// The scheme, lower-cased (`https`).
    package let scheme: String
    /// The host; nil only for schemes without one here (`file:`, or a non-special scheme with no `//`).
    package let host: Host?
    /// The explicit port; nil when absent or equal to the scheme's default (`https://a:443` has none).
    package let port: Int?
    /// Whether a user name or password is present; `https://:@a` has neither, as in the standard.
    package let hasCredentials: Bool

    /// Parses `header` (an `x-relay-base-url` value or a stored `base_url`).
    package init(parsing header: String) throws(BaseURLError) {
        guard header.utf16.count <= Self.maximumLength else { throw .tooLong }
        let input = Self.preprocessed(header)
        guard let colon = Self.schemeEnd(in: input) else { throw .missingScheme }
        let scheme = String(String.UnicodeScalarView(input[..<colon])).lowercased()
        let rest = input[(colon + 1)...]
        self.scheme = scheme
        if scheme == "file" {
            // file: URLs never fail on their host in the standard's sense that matters here; check 3 refuses them.
            (host, port, hasCredentials) = (nil, nil, false)
        } else if let defaultPort = Self.specialSchemes[scheme] {
            // Special authority (ignore) slashes states: any run of `/` and `\`, even none, precedes the authority.
            let afterSlashes = rest.drop { $0 == "/" || $0 == "\\" }
            let authority = afterSlashes.prefix { !["/", "?", "#", "\\"].contains($0) }
            (host, port, hasCredentials) = try Self.parseAuthority(authority, isSpecial: true, defaultPort: defaultPort)
        } else if rest.starts(with: ["/", "/"]) {
            let authority = rest.dropFirst(2).prefix { !["/", "?", "#"].contains($0) }
            (host, port, hasCredentials) = try Self.parseAuthority(authority, isSpecial: false, defaultPort: nil)
        } else {
            (host, port, hasCredentials) = (nil, nil, false)
        }
    }

    /// An origin assembled from its parts, for tests and for an origin stored with a key (E14).
    package static func make(scheme: String, host: Host?, port: Int?, hasCredentials: Bool) -> BaseURL {
        BaseURL(scheme: scheme, host: host, port: port, hasCredentials: hasCredentials)
    }

    private init(scheme: String, host: Host?, port: Int?, hasCredentials: Bool) {
        (self.scheme, self.host, self.port, self.hasCredentials) = (scheme, host, port, hasCredentials)
    }

    /// The special schemes of the standard with their default ports (`file` has none and is handled apart).
    private static let specialSchemes: [String: Int] = ["http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21]

    /// The input without leading and trailing C0 controls and spaces, and without any ASCII tab or newline.
    private static func preprocessed(_ header: String) -> [Unicode.Scalar] {
        var scalars = Array(header.unicodeScalars)
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        scalars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return scalars
    }

    /// The index of the colon ending a valid scheme (ASCII alpha, then alphanumerics, `+`, `-`, `.`), if any.
    private static func schemeEnd(in input: [Unicode.Scalar]) -> Int? {
        guard let first = input.first, ASCII.isAlpha(first.value) else { return nil }
        for index in input.indices.dropFirst() {
            let scalar = input[index]
            if scalar == ":" { return index }
            guard
                ASCII.isAlpha(scalar.value) || ASCII.isDigit(scalar.value) || scalar == "+" || scalar == "-"
                    || scalar == "."
            else {
                return nil
            }
        }
        return nil
    }

    /// The authority and host states: userinfo before the last `@`, then host, then an optional `:port`.
    private static func parseAuthority(
        _ authority: ArraySlice<Unicode.Scalar>,
        isSpecial: Bool,
        defaultPort: Int?
    ) throws(BaseURLError) -> (Host?, Int?, Bool) {
        var hostAndPort = authority
        var hasCredentials = false
        if let lastAt = authority.lastIndex(of: "@") {
            // Earlier `@`s belong to the userinfo (the standard encodes them as %40), so only "" and ":" are empty.
            let userinfo = authority[..<lastAt]
            hasCredentials = !(userinfo.isEmpty || userinfo.elementsEqual([":"]))
            hostAndPort = authority[(lastAt + 1)...]
            guard !hostAndPort.isEmpty else { throw .missingHost }
        }
        var isInsideBrackets = false
        var portStart: Int?
        for index in hostAndPort.indices {
            switch hostAndPort[index] {
            case "[": isInsideBrackets = true
            case "]": isInsideBrackets = false
            case ":" where !isInsideBrackets: portStart = index
            default: continue
            }
            if portStart != nil { break }
        }
        let hostText = hostAndPort[..<(portStart ?? hostAndPort.endIndex)]
        if hostText.isEmpty && (isSpecial || portStart != nil) { throw .missingHost }
        let host = try Host(parsing: hostText, isSpecial: isSpecial)
        var port: Int?
        if let portStart {
            port = try parsePort(hostAndPort[(portStart + 1)...])
            if port == defaultPort { port = nil }
        }
        return (host, port, hasCredentials)
    }

    /// The port state: ASCII digits only, at most 65535; empty means no port.
    private static func parsePort(_ digits: ArraySlice<Unicode.Scalar>) throws(BaseURLError) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for scalar in digits {
            guard ASCII.isDigit(scalar.value) else { throw .invalidPort }
            value = value * 10 + Int(scalar.value - 0x30)
            guard value <= 65535 else { throw .invalidPort }
        }
        return value
    }
}
