import EventLoop

/// A relay path remainder that passed the checks of CONTRACT.md §5.3, in its two forms.
package struct RelayPath: Equatable, Sendable {
    /// `N` of §5.3: for the allowlist, the Google model, the `alt=sse` rule and messages; never forwarded.
    package let normalised: String
    /// The remainder with runs of `/` collapsed and percent-encoding as received: what reaches the provider.
    package let forwarded: String

    /// Most rounds of percent-decoding a segment is checked through (rule 4).
    private static let decodingRounds = 3
    private static let slash: UInt8 = 0x2F
    private static let backslash: UInt8 = 0x5C
    private static let dot: UInt8 = 0x2E

    /// The checked path for `remainder`, the raw path after `/relay/<provider>` (starting with `/`, or empty).
    package static func parse(remainder: Substring) -> Result<RelayPath, RelayPathRefusal> {
        let bytes = remainder.utf8
        let segments = bytes.split(separator: slash, omittingEmptySubsequences: true)
        // CONTRACT.md §5.3: the five rules in order, each over the whole remainder, so a path breaking
        // several is always reported under the same rule.
        if bytes.contains(backslash) {
            return .failure(.backslash)
        }
        if segments.contains(where: isDotSegment) {
            return .failure(.dotSegment)
        }
        if segments.contains(where: PercentEncoding.hasLonePercent) {
            return .failure(.malformedPercentEncoding)
        }
        var decodedOnce: [[UInt8]] = []
        decodedOnce.reserveCapacity(segments.count)
        for segment in segments {
            switch finalDecoding(of: segment) {
            case .failure(let refusal): return .failure(refusal)
            case .success(let once): decodedOnce.append(once)
            }
        }
        return .success(
            RelayPath(
                normalised: normalisedPath(decodedOnce, hasTrailingSlash: bytes.last == slash),
                forwarded: forwardedPath(remainder)
            )
        )
    }

    /// Rules 4 and 5 for one segment; on success, the segment decoded once (its form in `N`).
    private static func finalDecoding(of segment: some Collection<UInt8>) -> Result<[UInt8], RelayPathRefusal> {
        let once = PercentDecoding.decoded(segment)
        var current = once
        var round = 1
        while true {
            if isForbidden(current) {
                return .failure(.forbiddenDecodedSegment)
            }
            // Stop early when nothing is left to decode, or a lone `%` shows the bytes are no longer an encoding.
            if round == decodingRounds || !current.contains(PercentEncoding.percent)
                || PercentEncoding.hasLonePercent(current)
            {
                break
            }
            current = PercentDecoding.decoded(current)
            round += 1
        }
        // Checked also after an early stop on a lone `%`: `%25%252F` leaves `%%2F`, and a lenient upstream
        // decoder would still turn its `%2F` into a slash.
        if PercentEncoding.hasDecodableEscape(current) {
            return .failure(.excessiveEncoding)
        }
        return .success(once)
    }

    private static func isDotSegment(_ segment: some Collection<UInt8>) -> Bool {
        segment.elementsEqual([dot]) || segment.elementsEqual([dot, dot])
    }

    private static func isForbidden(_ segment: [UInt8]) -> Bool {
        isDotSegment(segment)
            || segment.contains { $0 == slash || $0 == backslash || $0 < 0x20 || $0 == 0x7F }
    }

    private static func normalisedPath(_ segments: [[UInt8]], hasTrailingSlash: Bool) -> String {
        var path = "/" + segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        if hasTrailingSlash && path != "/" {
            path += "/"
        }
        return path
    }

    private static func forwardedPath(_ remainder: Substring) -> String {
        var path = ""
        var previousWasSlash = false
        for scalar in remainder.unicodeScalars {
            let isSlash = scalar == "/"
            if !(isSlash && previousWasSlash) {
                path.unicodeScalars.append(scalar)
            }
            previousWasSlash = isSlash
        }
        return path.isEmpty ? "/" : path
    }
}
