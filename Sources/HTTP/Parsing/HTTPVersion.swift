/// The protocol version from a request line; only 1.0 and 1.1 get past the parser (CONTRACT.md §1.7).
package struct HTTPVersion: Equatable, Sendable {
    /// The digit before the dot.
    package var major: Int
    /// The digit after the dot.
    package var minor: Int

    /// HTTP/1.0: no chunked encoding, keep-alive only when asked for.
    package static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1: persistent by default, `Host` required.
    package static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// Makes a version from its two digits.
    package init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
}
