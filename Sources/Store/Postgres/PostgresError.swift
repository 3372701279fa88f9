/// Why a PostgreSQL operation failed. `description` is a fixed sentence per case, so an error can be logged or
/// interpolated without leaking anything; the server's message is only in `debugDescription` (STYLE.md §6). No case
/// ever carries the connection string, a host name or a password.
package enum PostgresError: Error, Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The statement was never sent: the database cannot be reached, a connect attempt failed or is backing off, or
    /// the connection was closed. Safe to retry; callers answer 503.
    case unavailable
    /// The statement was sent but the connection broke (or was torn down after another statement's deadline) before
    /// its answer came: whether it ran is unknown. Callers answer 503.
    case connectionLost
    /// The answer did not arrive within the deadline (`DB_TIMEOUT_MS`), or the server's `statement_timeout` fired.
    case timeout
    /// The server refused the statement, e.g. `23505` for a unique violation.
    case server(sqlState: String, message: String)
    /// libpq or the server answered out of order, or the caller broke a rule of this client (a text parameter
    /// holding a NUL byte, a script leaving a transaction open).
    case protocolViolation
    /// The connection string could not be parsed. libpq's explanation is dropped: it may quote the string.
    case invalidConfiguration

    package var description: String {
        switch self {
        case .unavailable: "database unavailable"
        case .connectionLost: "database connection lost"
        case .timeout: "database query timed out"
        case .server(let sqlState, _): "database error \(sqlState)"
        case .protocolViolation: "database protocol violation"
        case .invalidConfiguration: "invalid database connection string"
        }
    }

    package var debugDescription: String {
        switch self {
        case .server(let sqlState, let message): "database error \(sqlState): \(message)"
        default: description
        }
    }

    /// The error a failed result stands for. `sqlState` is nil for errors libpq made up itself, which are all about
    /// the connection ("server closed the connection unexpectedly").
    static func failedResult(sqlState: String?, message: String) -> PostgresError {
        guard let sqlState else { return .connectionLost }
        // 57014 query_canceled: our statement_timeout (set to the deadline) fired on the server first.
        if sqlState == "57014" { return .timeout }
        // 08xxx connection exceptions; 57P01-57P05: the server is shutting down or crashed (the session ends).
        if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") { return .connectionLost }
        return .server(sqlState: sqlState, message: message)
    }
}
