/// This relay's own version (CONTRACT.md §9.2: a constant compiled into the binary, not the original's).
package enum BuildInfo {
    /// Semantic version of this release.
    package static let version = "0.1.0"
}
