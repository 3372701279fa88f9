import Foundation
import Glibc

/// A PostgreSQL server of a test's own, which it may stop and start again on the same port (fault tests, DESIGN.md
/// §8). Never the shared one `scripts/test` started. PostgreSQL refuses to run as root, so as root its tools run as
/// the `postgres` user in a directory that user owns.
package final class PostgresServer: Sendable {
    package let directory: String
    package let port: Int
    /// The server's `postgres` database.
    package var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    static let binaryDirectory: String = {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let newest = versions.sorted { $0.compare($1, options: .numeric) == .orderedAscending }.last ?? "15"
        return "/usr/lib/postgresql/\(newest)/bin"
    }()

    /// initdb in a fresh temporary directory, then start.
    package init() throws {
        var template = Array("/tmp/byok-relay-pg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ServerError.setUpFailed("mkdtemp") }
        directory = String(cString: made)
        port = try FreePort.loopback()
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres", directory]) }
        try Self.run(
            Self.binaryDirectory + "/initdb",
            ["-D", directory + "/data", "-U", "postgres", "-A", "trust", "--no-sync"],
            asPostgres: true
        )
        try start()
    }

    deinit { destroy() }

    /// Starts the server and waits until it accepts connections.
    package func start() throws {
        try Self.run(
            Self.binaryDirectory + "/pg_ctl",
            [
                "-D", directory + "/data", "-w", "-l", directory + "/log", "-o",
                "-k \(directory) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ],
            asPostgres: true
        )
    }

    /// `pg_ctl stop -m immediate`: every session ends at once, as when the server crashes.
    package func stopImmediately() throws {
        try Self.run(
            Self.binaryDirectory + "/pg_ctl",
            ["-D", directory + "/data", "-m", "immediate", "-w", "stop"],
            asPostgres: true
        )
    }

    /// Stops the server if it runs and removes its directory.
    package func destroy() {
        if FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") { try? stopImmediately() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    package enum ServerError: Error {
        case setUpFailed(String)
    }

    /// Runs a PostgreSQL tool to completion; as root, as the `postgres` user.
    static func run(_ path: String, _ arguments: [String], asPostgres: Bool = false) throws {
        let asUser = asPostgres && getuid() == 0
        let result = try Subprocess.run(
            asUser ? "/usr/sbin/runuser" : path,
            asUser ? ["-u", "postgres", "--", path] + arguments : arguments
        )
        guard result.status == 0 else { throw ServerError.setUpFailed("\(path) \(arguments) exited \(result.status)") }
    }
}

/// Fresh databases on the shared server `scripts/test` started (`TEST_DATABASE_URL`), one per test, so tests that
/// share the server never share tables.
package enum TestDatabase {
    package struct Unavailable: Error, CustomStringConvertible {
        package let description: String
    }

    /// The shared server's URL; `scripts/test` always sets it.
    package static var serverURL: String? { ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] }

    /// Creates a database with a unique name on `server` (default: the shared one) and returns its URL.
    package static func create(on server: String? = nil) throws -> String {
        guard let server = server ?? serverURL else {
            throw Unavailable(description: "TEST_DATABASE_URL is not set (run scripts/test)")
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(server, "CREATE DATABASE \(name)")
        guard let slash = server.lastIndex(of: "/") else {
            throw Unavailable(description: "TEST_DATABASE_URL has no database name")
        }
        return String(server[...slash]) + name
    }

    /// Runs SQL with `psql`; returns its unaligned, tuples-only output.
    @discardableResult
    package static func psql(_ url: String, _ sql: String) throws -> String {
        try tool("psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-c", sql])
    }

    /// `pg_dump` of a database, as text.
    package static func dump(_ url: String) throws -> String {
        try tool(PostgresServer.binaryDirectory + "/pg_dump", [url])
    }

    private static func tool(_ path: String, _ arguments: [String]) throws -> String {
        let errorPath = NSTemporaryDirectory() + "byok-relay-tool-\(UUID().uuidString)"
        defer { unlink(errorPath) }
        let result = try Subprocess.run(
            path.hasPrefix("/") ? path : "/usr/bin/" + path,
            arguments,
            errorPath: errorPath
        )
        guard result.status == 0 else {
            let message = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw Unavailable(description: "\(path) failed: \(message)")
        }
        return result.output
    }
}

/// Loopback ports nothing listens on.
package enum FreePort {
    /// Binds port 0 on 127.0.0.1, reads the port the kernel chose, releases it.
    package static func loopback() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PostgresServer.ServerError.setUpFailed("socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw PostgresServer.ServerError.setUpFailed("bind") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
