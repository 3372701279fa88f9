/// One `RELAY_ALLOWED_UPSTREAM_HOSTS` entry (CONTRACT.md E4): a `host:port` the SSRF guard lets through.
package struct AllowedUpstreamHost: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The host lower-cased without one trailing dot; an IPv6 address in canonical form without brackets.
    package let host: String
    /// The port, 1–65535.
    package let port: Int

    /// An entry from its parts, normalised as E4's matching rule normalises a URL's host.
    package init(host: String, port: Int) {
        self.host = Self.normalisedHost(host)
        self.port = port
    }

    /// Reads one entry: a host name, IPv4 address or bracketed IPv6 address, `:`, and a port (required).
    package init?(entry: Substring) {
        guard let parts = URLSyntax.hostAndPort(entry), let port = parts.port, port > 0 else { return nil }
        if let address = parts.ipv6Address {
            self.init(host: address, port: port)
        } else {
            self.init(host: parts.host, port: port)
        }
    }

    /// Reads the whole comma-separated list; entries are trimmed and empty entries dropped.
    package static func list(configurationValue value: String) throws(ConfigurationError) -> [AllowedUpstreamHost] {
        var hosts: [AllowedUpstreamHost] = []
        for rawEntry in value.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = rawEntry.trimmingBlanks()
            if entry.isEmpty {
                continue
            }
            guard let host = AllowedUpstreamHost(entry: entry) else {
                throw ConfigurationError.invalidAllowedUpstreamHost(String(entry))
            }
            hosts.append(host)
        }
        return hosts
    }

    /// Whether a URL's host and effective port name this entry (E4: host lower-cased, one trailing dot removed).
    package func matches(host urlHost: String, port urlPort: Int) -> Bool {
        urlPort == port && Self.normalisedHost(urlHost) == host
    }

    /// `host:port`, with brackets around an IPv6 address.
    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func normalisedHost(_ host: String) -> String {
        var text = Substring(host)
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = text.dropFirst().dropLast()
        }
        if let canonical = URLSyntax.canonicalIPv6Address(String(text)) {
            return canonical
        }
        let lowered = text.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}
