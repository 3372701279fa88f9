/// Why CONTRACT.md §5.5 checks 2–8 refused a base URL; each case is one check, answered with `400`.
package enum BaseURLRefusal: Error, Sendable, Equatable {
    /// Check 2: not an absolute WHATWG URL, or too long; the parser's reason is for the log only.
    case invalidURL(BaseURLError)
    /// Check 3: the scheme is not `https` (nor an E4-allowed `http`).
    case notHTTPS
    /// Check 4: a user name or password is present.
    case embeddedCredentials
    /// Check 5: the host is an IP literal in a blocked range.
    case blockedAddress
    /// Check 6: `localhost` or a name under it.
    case localhost
    /// Check 7: a single label, or a name under `.local`, `.internal`, `.localdomain` or `.home.arpa`.
    case nonPublicHostname
    /// Check 8: an explicit port 0–1023 other than 443.
    case privilegedPort

    /// The contract's `error` text for the `x-relay-base-url` header.
    package var message: String { message(naming: "x-relay-base-url") }

    /// The contract's `error` text naming `field`: E14 writes `base_url` for a key's bound URL.
    package func message(naming field: String) -> String {
        switch self {
        case .invalidURL: "\(field) must be a valid URL"
        case .notHTTPS: "\(field) must use HTTPS"
        case .embeddedCredentials: "\(field) must not include embedded credentials"
        case .blockedAddress: "\(field) must not target a private or reserved IP address"
        case .localhost: "\(field) must not target localhost"
        case .nonPublicHostname: "\(field) must use a public hostname"
        case .privilegedPort: "\(field) must use port 443 or a port from 1024 to 65535"
        }
    }
}
