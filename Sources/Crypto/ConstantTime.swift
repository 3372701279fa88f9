import COpenSSL

/// Comparison of byte strings in time that does not depend on where they differ.
package enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Uses CRYPTO_memcmp over the common prefix even when the lengths
    /// differ, so the content never causes an early exit; only the lengths themselves are observable (callers that
    /// must hide lengths compare fixed-size digests, as `SecretComparator` does).
    package static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        a.withContiguousBytes { left in
            b.withContiguousBytes { right in
                let common = min(left.count, right.count)
                var difference: Int32 = 0
                if common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
                    difference = CRYPTO_memcmp(leftBase, rightBase, common)
                }
                // Both facts are computed before they are combined, so the content is always compared in full.
                let sameContent = difference == 0
                let sameLength = left.count == right.count
                return sameContent && sameLength
            }
        }
    }
}
