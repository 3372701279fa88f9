import CSQLite
import Glibc

/// Owns one `sqlite3 *` and its prepared statements. Used by one blocking thread at a time (SQLiteStore's pool), never
/// by a loop thread, since every call may touch the disk (CONTRACT.md E1, DESIGN.md §3).
// Sendable: a connection is handed between pool threads only through SQLiteStore's `idle` Mutex, which a thread
// takes it out of before use and puts it back into afterwards, so no two threads ever use it at once.
final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]
    /// Statements handed out since the last `finishJob()`.
    private var used: [SQLiteStatement] = []

    /// Opens (creating it with mode 0600 when missing) the database at `path`, in WAL mode with foreign keys on and a
    /// busy timeout, so that other processes (`migrate`, `rotate-secret`) can share the file.
    init(path: String, busyTimeoutMilliseconds: Int) throws(SQLiteError) {
        // SQLite creates files with 0644 less the umask; a tighter umask around the open makes the new file 0600.
        let previousMask = umask(0o077)
        var opened: OpaquePointer?
        let status = sqlite3_open_v2(
            path,
            &opened,
            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
            nil
        )
        umask(previousMask)
        guard status == SQLITE_OK, let opened else {
            let reason = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(opened)
            throw .cannotOpen(reason: reason)
        }
        handle = opened
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, Int32(clamping: busyTimeoutMilliseconds))
        do {
            try execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
        } catch {
            close()
            throw .cannotOpen(reason: "cannot enable WAL mode (\(error))")
        }
    }

    deinit { close() }

    /// Finalises every statement, then closes the handle. Safe to call twice.
    func close() {
        for statement in statements.values { statement.finalize() }
        statements = [:]
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    /// Runs one or more statements without results (schema scripts, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String) throws(SQLiteError) {
        guard let handle else { throw .closed }
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw SQLiteError(code: status) }
    }

    /// The cached prepared statement for `sql`, reset and with its bindings cleared.
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            used.append(cached)
            return cached
        }
        guard let handle else { throw .closed }
        var prepared: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard status == SQLITE_OK, let prepared else { throw SQLiteError(code: status) }
        let statement = SQLiteStatement(prepared)
        statements[sql] = statement
        used.append(statement)
        return statement
    }

    /// Resets every statement the job used. A statement stepped to a row but not to its end keeps a read
    /// transaction open, and in WAL mode a later write on this connection would then fail at once with
    /// SQLITE_BUSY_SNAPSHOT instead of waiting for the lock.
    func finishJob() {
        for statement in used { statement.reset() }
        used.removeAll(keepingCapacity: true)
    }

    /// Runs `body` in a write transaction taken at once (`BEGIN IMMEDIATE`), so two writers never deadlock on the
    /// lock upgrade; rolls back when `body` throws.
    func transaction<Result>(_ body: () throws(SQLiteError) -> Result) throws(SQLiteError) -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last statement.
    var changes: Int {
        handle.map { Int(sqlite3_changes($0)) } ?? 0
    }
}

/// A prepared statement: bind, step, read columns. Owned by its connection.
final class SQLiteStatement {
    private var handle: OpaquePointer?

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    func finalize() {
        if let handle {
            sqlite3_finalize(handle)
            self.handle = nil
        }
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds the parameters in order (1-based in SQLite).
    func bind(_ values: SQLiteValue...) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null:
                status = sqlite3_bind_null(handle, index)
            case .integer(let number):
                status = sqlite3_bind_int64(handle, index, number)
            case .text(let text):
                status = sqlite3_bind_text(handle, index, text, -1, Self.transient)
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { buffer in
                    // A zero-length blob needs a non-null pointer, or SQLite stores NULL.
                    sqlite3_bind_blob(
                        handle,
                        index,
                        buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                        Int32(buffer.count),
                        Self.transient
                    )
                }
            }
            guard status == SQLITE_OK else { throw SQLiteError(code: status) }
        }
    }

    /// Advances to the next row: true while there is one, false when done.
    func step() throws(SQLiteError) -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(code: status)
        }
    }

    /// Steps through to the end (a statement without result rows).
    func run() throws(SQLiteError) {
        while try step() {}
    }

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: bytes)
    }

    func integer(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let start = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// SQLITE_TRANSIENT: SQLite copies the bound bytes before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// A SQLite failure: its extended result code, or the reason a file could not be opened.
enum SQLiteError: Error, Equatable, CustomStringConvertible {
    case code(Int32)
    case cannotOpen(reason: String)
    case closed

    init(code: Int32) {
        self = .code(code)
    }

    /// SQLite's own text for the code (never a row's content).
    var description: String {
        switch self {
        case .code(let code): "\(String(cString: sqlite3_errstr(code))) (\(code))"
        case .cannotOpen(let reason): reason
        case .closed: "connection closed"
        }
    }

    /// Busy or locked past the busy timeout: the database did not answer in time.
    var isBusy: Bool {
        guard case .code(let code) = self else { return false }
        return code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED
    }

    /// A constraint failed (primary key, foreign key, check).
    var isConstraint: Bool {
        guard case .code(let code) = self else { return false }
        return code & 0xFF == SQLITE_CONSTRAINT
    }
}
