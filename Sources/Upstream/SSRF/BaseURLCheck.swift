/// CONTRACT.md §5.5 checks 2–8 on an `x-relay-base-url` value (or an E14 `base_url`), in the contract's order.
package enum BaseURLCheck {
    /// The parsed origin when checks 2–8 pass, or the first refusal. `allowsHTTP` is E4's allowlist, asked with
    /// the host (a domain's one trailing dot removed) and the effective port (explicit, else 443 or 80); when it
    /// answers true, `http` is allowed and checks 5–8 are skipped. Credentials are refused all the same.
    package static func evaluate(
        header: String,
        allowsHTTP: (BaseURL.Host, Int) -> Bool
    ) -> Result<BaseURL, BaseURLRefusal> {
        let url: BaseURL
        do {
            url = try BaseURL(parsing: header)
        } catch {
            return .failure(.invalidURL(error))
        }
        guard let host = url.host, url.scheme == "https" || url.scheme == "http" else {
            return .failure(.notHTTPS)
        }
        let effectivePort = url.port ?? (url.scheme == "https" ? 443 : 80)
        if allowsHTTP(host.withoutTrailingDot, effectivePort) {
            return url.hasCredentials ? .failure(.embeddedCredentials) : .success(url)
        }
        guard url.scheme == "https" else { return .failure(.notHTTPS) }
        guard !url.hasCredentials else { return .failure(.embeddedCredentials) }
        if let refusal = hostRefusal(host) { return .failure(refusal) }
        if let port = url.port, port <= 1023, port != 443 { return .failure(.privilegedPort) }
        return .success(url)
    }

    /// Checks 5–7 on the host.
    private static func hostRefusal(_ host: BaseURL.Host) -> BaseURLRefusal? {
        switch host {
        case .ipv4(let address):
            return AddressClassifier.isBlocked(ipv4: address) ? .blockedAddress : nil
        case .ipv6(let pieces):
            return AddressClassifier.isBlocked(ipv6: pieces) ? .blockedAddress : nil
        case .domain, .opaque:
            guard case .domain(let name) = host.withoutTrailingDot else { return .nonPublicHostname }
            if name == "localhost" || name.hasSuffix(".localhost") { return .localhost }
            let isPrivateName = [".local", ".internal", ".localdomain", ".home.arpa"].contains { name.hasSuffix($0) }
            if !name.contains(".") || isPrivateName { return .nonPublicHostname }
            return nil
        }
    }
}

extension BaseURL.Host {
    /// The host with one trailing dot removed from a domain (CONTRACT.md §5.5 check 6, E4 matching).
    package var withoutTrailingDot: BaseURL.Host {
        guard case .domain(let name) = self, name.hasSuffix(".") else { return self }
        return .domain(String(name.dropLast()))
    }
}
