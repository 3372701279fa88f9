import Foundation
import Synchronization

/// The real `byok-relay` binary started for a test on a free port (`PORT=0`, port read from its `listening` line,
/// CONTRACT.md §9.5). Rate limits are off unless a test sets them (DESIGN.md §8).
package final class RelayProcess: @unchecked Sendable {
    // Sendable: `process` is only started and signalled; output lines are kept behind a Mutex.
    package let port: Int
    /// The relay's `DATA_DIR`: its own directory, holding the default SQLite database `relay.db` (CONTRACT.md §10.1).
    package let dataDirectory: String
    private let process: Process
    private let output: OutputCollector
    private let exited = DispatchSemaphore(value: 0)

    /// Path of the built binary: next to the test bundle's runner.
    package static var binaryPath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("byok-relay").path
    }

    /// The environment a test relay starts with, before `environment` overrides.
    package static func baseEnvironment(dataDirectory: String) -> [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "PORT": "0",
            "HOST": "127.0.0.1",
            "WORKERS": "2",
            "ENCRYPTION_SECRET": "test-secret-0123456789abcdef0123456789abcdef",
            "TOKEN_HMAC_SECRET": "test-token-key-0123456789abcdef0123456789",
            "APP_SECRET": "test-app-secret",
            "ALLOWED_MODELS": "gpt-4o-mini",
            "ENCRYPTION_SALT": "test-salt",
            "DATA_DIR": dataDirectory,
            "LOG_LEVEL": "debug",
            "RATE_LIMIT_GLOBAL_PER_MIN": "0",
            "RATE_LIMIT_RELAY_PER_MIN": "0",
            "RATE_LIMIT_REGISTER_PER_HOUR": "0",
            "RATE_LIMIT_HEALTH_DEEP_PER_MIN": "0",
        ]
    }

    /// Starts the relay and waits (up to `timeout` s) until it is listening and `/readyz` answers 200.
    /// `listening` gets the port as soon as the relay listens, before start-up work is done. An empty value in
    /// `environment` removes that variable from the base environment (empty counts as unset, CONTRACT.md §10.1).
    package init(
        environment: [String: String] = [:],
        arguments: [String] = [],
        timeout: Double = 10,
        listening: (@Sendable (Int) -> Void)? = nil
    ) throws {
        let dataDirectory = NSTemporaryDirectory() + "byok-relay-test-\(UUID().uuidString)"
        self.dataDirectory = dataDirectory
        var fullEnvironment = Self.baseEnvironment(dataDirectory: dataDirectory)
        for (name, value) in environment { fullEnvironment[name] = value.isEmpty ? nil : value }
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = arguments
        process.environment = fullEnvironment
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        output = OutputCollector()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        output.attach(stdout, stream: .standardOutput)
        output.attach(stderr, stream: .standardError)
        let exited = exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        LiveRelays.shared.add(process.processIdentifier)
        guard let line = output.waitForLine(containing: "\"msg\":\"listening\"", timeout: timeout),
            let port = Self.port(fromListeningLine: line)
        else {
            process.terminate()
            throw RelayProcessError.didNotStart(output.text(.standardError))
        }
        self.port = port
        listening?(port)
        // The relay logs `ready` once start-up work is done and /readyz answers 200 (CONTRACT.md E6).
        guard output.waitForLine(containing: "\"msg\":\"ready\"", timeout: timeout) != nil else {
            throw RelayProcessError.didNotStart(output.text(.standardError))
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        LiveRelays.shared.remove(process.processIdentifier)
    }

    /// The relay's process id (for its memory in /proc).
    package var processIdentifier: Int32 { process.processIdentifier }

    /// Sends a signal (SIGTERM by default).
    package func signal(_ signal: Int32 = SIGTERM) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit; its status, or nil if it is still running after `timeout` seconds.
    package func waitForExit(timeout: Double) -> Int32? {
        guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        exited.signal()  // let later waits see it too
        return process.terminationStatus
    }

    /// Waits for a standard-output line containing `fragment`.
    package func waitForLogLine(containing fragment: String, timeout: Double = 5) -> String? {
        output.waitForLine(containing: fragment, timeout: timeout)
    }

    /// Everything written to standard output so far.
    package var standardOutput: String { output.text(.standardOutput) }

    /// Everything written to standard error so far.
    package var standardError: String { output.text(.standardError) }

    /// Runs the binary to completion with `arguments` and `environment` (not merged with the base environment).
    /// Output goes to temporary files, not pipes: a pipe's write end can leak into a relay another test spawns at
    /// the same moment, and reading it to EOF would then wait for that relay.
    package static func runToCompletion(
        arguments: [String],
        environment: [String: String],
        directory: String = NSTemporaryDirectory(),
        timeout: Double = 30
    ) throws -> (status: Int32, standardOutput: String, standardError: String) {
        let base = NSTemporaryDirectory() + "byok-relay-run-\(UUID().uuidString)"
        let outPath = base + ".out"
        let errPath = base + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, out, err)
    }

    private static func port(fromListeningLine line: String) -> Int? {
        guard let range = line.range(of: "\"port\":") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
}

package enum RelayProcessError: Error { case didNotStart(String) }

/// Relays still running when the test process exits (suites keep one in a `static let`) are killed then, so no
/// test leaves a process behind.
private final class LiveRelays: Sendable {
    static let shared = LiveRelays()
    private let pids = Mutex<Set<Int32>>([])

    private init() {
        atexit {
            for pid in LiveRelays.shared.pids.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }

    func add(_ pid: Int32) { pids.withLock { _ = $0.insert(pid) } }
    func remove(_ pid: Int32) { pids.withLock { _ = $0.remove(pid) } }
}

/// Collects a child's output lines as they arrive.
private final class OutputCollector: Sendable {
    enum Stream { case standardOutput, standardError }
    private let lines = Mutex<(out: [String], err: [String], partial: [Stream: String])>(([], [], [:]))
    private let condition = NSCondition()

    func attach(_ pipe: Pipe, stream: Stream) {
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            condition.lock()
            lines.withLock { state in
                var pending = (state.partial[stream] ?? "") + text
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    if stream == .standardOutput { state.out.append(line) } else { state.err.append(line) }
                    pending = String(pending[pending.index(after: newline)...])
                }
                state.partial[stream] = pending
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    func waitForLine(containing fragment: String, timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let line = lines.withLock({ $0.out.first { $0.contains(fragment) } }) { return line }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    func text(_ stream: Stream) -> String {
        lines.withLock { state in
            (stream == .standardOutput ? state.out : state.err).joined(separator: "\n")
                + (state.partial[stream] ?? "")
        }
    }
}
