/// The six kinds of JSON value (RFC 8259 §3), so callers can check a member's type before using it.
package enum JSONValueKind: Sendable, Equatable {
    /// `{ … }`
    case object
    /// `[ … ]`
    case array
    /// `"…"`
    case string
    /// `-1.5e3` and the like.
    case number
    /// `true` or `false`.
    case bool
    /// `null`.
    case null
}
