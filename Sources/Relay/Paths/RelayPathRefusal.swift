/// Why a relay path remainder was refused; every case is a `400` with the same contract sentence (CONTRACT.md §5.3).
package enum RelayPathRefusal: Error, Equatable, Sendable {
    /// Rule 1: the remainder contains a backslash.
    case backslash
    /// Rule 2: a raw segment is `.` or `..`.
    case dotSegment
    /// Rule 3: a segment contains a `%` not followed by two hex digits.
    case malformedPercentEncoding
    /// Rule 4: a segment decoded once, twice or three times holds `/`, `\`, a control character, or is `.`/`..`.
    case forbiddenDecodedSegment
    /// Rule 5: a segment still holds a decodable `%XX` when decoding stopped.
    case excessiveEncoding

    /// The wire message, identical for every rule so a refusal never tells a prober which check it tripped.
    package var message: String {
        "Invalid relay path: dot-segments, backslashes, encoded slashes, control characters and malformed "
            + "percent-encoding are not allowed."
    }
}
