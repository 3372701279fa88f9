extension CORSPolicy {
    /// The headers every response carries (CONTRACT.md §1.6's table, the helmet 8 defaults) plus our
    /// `Cache-Control: no-store`.
    ///
    /// Event streams replace `Cache-Control: no-store` with `Cache-Control: no-cache` (§1.6, §5.7); the other
    /// values are never changed, and upstream copies of these names are dropped so that ours win.
    package static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';"
                + "frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';"
                + "script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"
        ),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Origin-Agent-Cluster", "?1"),
        ("Referrer-Policy", "no-referrer"),
        ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-DNS-Prefetch-Control", "off"),
        ("X-Download-Options", "noopen"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-Permitted-Cross-Domain-Policies", "none"),
        ("X-XSS-Protection", "0"),
        ("Cache-Control", "no-store"),
    ]

    /// The `Cache-Control` value of event streams, which replaces `no-store` on them (§1.6).
    package static let eventStreamCacheControl = "no-cache"
}
