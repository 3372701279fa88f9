/// Why `BaseURL` refused a header value: each case is a WHATWG URL Standard failure, or one of our documented
/// refusals where we lack the standard's machinery. It carries no input, so it is safe to log; the wire only ever
/// sees CONTRACT.md §5.5 check 2's generic text.
package enum BaseURLError: Error, Sendable, Equatable {
    /// Longer than `BaseURL.maximumLength` (CONTRACT.md §5.5 check 2).
    case tooLong
    /// No `scheme:` at the start, so not an absolute URL (there is no base URL to resolve against).
    case missingScheme
    /// The host is empty where the scheme needs one, or `@` is followed by nothing.
    case missingHost
    /// The host holds a forbidden host or domain code point (space, `%` left after decoding, `<`, `^`, ...).
    case forbiddenHostCodePoint
    /// The host is not ASCII once percent-decoded. The WHATWG parser would run IDNA (UTS #46); we have no IDNA
    /// here, so a non-ASCII name is refused and clients write its `xn--` form instead.
    case nonASCIIHost
    /// The host's last label is a number, so it must be an IPv4 address, and it is not one (`256.0.0.1`).
    case invalidIPv4
    /// A bracketed host that is not an IPv6 address; zone identifiers (`%25eth0`) included.
    case invalidIPv6
    /// A port with a non-digit, or above 65535.
    case invalidPort
}
