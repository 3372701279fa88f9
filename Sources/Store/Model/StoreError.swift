/// Why the store could not answer. Cases carry no SQL, connection string or row content (STYLE.md §6): the
/// relay maps `unavailable` and `timeout` to CONTRACT.md's 503 and logs the rest with the request id.
package enum StoreError: Error, Equatable, Sendable {
    /// The database cannot be reached (connection refused or lost, file unopenable).
    case unavailable
    /// No answer within `DB_TIMEOUT_MS`.
    case timeout
    /// The database answered with an error that is not about reachability; `code` is the SQLSTATE or SQLite code.
    case failed(code: String)
    /// The SQLite file could not be opened or created; `reason` is SQLite's or the system's (CONTRACT.md §10.2).
    case cannotOpen(reason: String)
    /// The schema is older than this relay needs and migrations are not applied automatically (§10.2).
    case schemaBehind(current: Int, needed: Int)
    /// The secret-check record does not decrypt under the configured secrets (CONTRACT.md §3.5, §10.2).
    case secretMismatch
}
