import Foundation
import Glibc

/// A Redis server of a test's own on a free loopback port, which the test may pause, stop and start again on the
/// same port (fault tests, DESIGN.md §8). Never the shared one `scripts/test` started. No persistence: a restarted
/// server is empty.
package final class RedisServer: @unchecked Sendable {
    // Sendable: `pid` is only touched by the test that owns the server, one call at a time.
    package let port: Int
    private let directory: String
    private var pid: pid_t = 0

    /// `redis://127.0.0.1:<port>`.
    package var url: String { "redis://127.0.0.1:\(port)" }

    private let extraArguments: [String]

    /// Starts a server (with `arguments` added to its command line, e.g. `--requirepass`) and waits until it
    /// answers `PING`.
    package init(arguments: [String] = []) throws {
        extraArguments = arguments
        port = try FreePort.loopback()
        directory = NSTemporaryDirectory() + "byok-relay-redis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts the server (again) on the same port and waits until it answers.
    package func start() throws {
        guard pid == 0 else { return }
        let arguments =
            [
                "/usr/bin/redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                "no",
                "--daemonize", "no", "--dir", directory, "--logfile", directory + "/redis.log",
            ] + extraArguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child = pid_t()
        let spawned = posix_spawn(&child, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw RedisServerError.cannotStart("posix_spawn: \(spawned)") }
        pid = child
        let answered = Eventually.within(milliseconds: 10_000) {
            guard let reply = try? RedisClient(port: port).command(["PING"]) else { return false }
            // A server with a password answers -NOAUTH: it is up all the same.
            if case .error(let message) = reply { return message.hasPrefix("NOAUTH") }
            return reply == .text("PONG")
        }
        guard answered != nil else { throw RedisServerError.cannotStart("no PONG on port \(port)") }
    }

    /// Kills the server at once (connections reset, as in a crash) and reaps it.
    package func stop() {
        guard pid != 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    /// Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a hung server.
    package func pause() { if pid != 0 { kill(pid, SIGSTOP) } }

    /// Lets a paused server run again.
    package func resume() { if pid != 0 { kill(pid, SIGCONT) } }

    package enum RedisServerError: Error { case cannotStart(String) }
}

/// The shared test Redis (`TEST_REDIS_URL`, which `scripts/test` sets), as host and port.
package enum TestRedis {
    package static var url: String? { ProcessInfo.processInfo.environment["TEST_REDIS_URL"] }

    package static var port: Int? {
        guard let url, let colon = url.lastIndex(of: ":") else { return nil }
        return Int(url[url.index(after: colon)...].prefix { $0.isNumber })
    }
}

/// A minimal blocking RESP client for tests: one command at a time, replies read whole.
package final class RedisClient {
    /// A reply, as far as tests need it.
    package indirect enum Reply: Equatable {
        case text(String)
        case error(String)
        case integer(Int64)
        case null
        case array([Reply])
    }

    private let client: RawClient

    package init(port: Int) throws {
        client = try RawClient(port: port)
    }

    deinit { client.close() }

    /// Sends `arguments` as one command and reads its reply.
    package func command(_ arguments: [String], timeout: Double = 5) throws -> Reply {
        var text = "*\(arguments.count)\r\n"
        for argument in arguments { text += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        try client.send(text)
        return try reply(timeout: timeout)
    }

    /// The integers of an array reply (the rate-limit script's), or nil.
    package func integers(_ arguments: [String]) throws -> [Int64]? {
        guard case .array(let elements) = try command(arguments) else { return nil }
        var integers: [Int64] = []
        for element in elements {
            guard case .integer(let value) = element else { return nil }
            integers.append(value)
        }
        return integers
    }

    private func line(timeout: Double) throws -> String {
        let bytes = try client.read(through: Array("\r\n".utf8), timeout: timeout)
        return String(decoding: bytes.dropLast(2), as: UTF8.self)
    }

    private func reply(timeout: Double) throws -> Reply {
        let header = try line(timeout: timeout)
        let rest = String(header.dropFirst())
        switch header.first {
        case "+": return .text(rest)
        case "-": return .error(rest)
        case ":": return .integer(Int64(rest) ?? 0)
        case "$":
            let length = Int(rest) ?? -1
            guard length >= 0 else { return .null }
            let bytes = try client.read(count: length + 2, timeout: timeout)
            return .text(String(decoding: bytes.dropLast(2), as: UTF8.self))
        case "*":
            let count = Int(rest) ?? -1
            guard count >= 0 else { return .null }
            return .array(try (0..<count).map { _ in try reply(timeout: timeout) })
        default:
            return .error("unparsable reply: \(header)")
        }
    }
}
