/// The origins `ALLOWED_ORIGINS` admits (CONTRACT.md §1.4): any origin, or a list of normalised origins.
package enum AllowedOrigins: Equatable, Sendable {
    /// Wildcard mode: `Access-Control-Allow-Origin: *` on every response.
    case any
    /// List mode: normalised origins (`scheme://host[:port]`, lower-case scheme and host) and possibly `null`.
    case list([String])

    /// Reads an `ALLOWED_ORIGINS` value.
    ///
    /// Every entry is checked, even next to a `*`, so that a typo is reported whichever mode results. A value
    /// with no entries at all (`" , "`) is an empty list: no origin is allowed, the restrictive reading.
    package init(configurationValue value: String) throws(ConfigurationError) {
        var origins: [String] = []
        var isWildcard = false
        // CONTRACT.md §1.4: entries trimmed, empty entries dropped, any `*` means wildcard mode.
        for rawEntry in value.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = rawEntry.trimmingBlanks()
            if entry.isEmpty {
                continue
            }
            if entry == "*" {
                isWildcard = true
                continue
            }
            guard let origin = Self.normalisedOrigin(entry) else {
                throw ConfigurationError.invalidOrigin(String(entry))
            }
            if !origins.contains(origin) {
                origins.append(origin)
            }
        }
        self = isWildcard ? .any : .list(origins)
    }

    /// `scheme://host[:port]` with scheme and host lower-cased and one trailing `/` removed; `null` as is.
    ///
    /// Nil for anything else: a path, query, fragment, user info or an empty host.
    package static func normalisedOrigin(_ entry: Substring) -> String? {
        if entry == "null" {
            return "null"
        }
        let withoutSlash = entry.hasSuffix("/") ? entry.dropLast() : entry
        guard let separator = withoutSlash.firstRange(of: "://") else { return nil }
        let scheme = withoutSlash[..<separator.lowerBound]
        let authority = withoutSlash[separator.upperBound...]
        guard URLSyntax.isScheme(scheme), let hostAndPort = URLSyntax.hostAndPort(authority) else { return nil }
        let port = hostAndPort.portText.map { ":\($0)" } ?? ""
        return "\(scheme.lowercased())://\(hostAndPort.host.lowercased())\(port)"
    }
}
