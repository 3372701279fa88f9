import Foundation
import Glibc

/// Runs a tool to completion with `posix_spawn` and `waitpid`. Foundation's `Process.waitUntilExit` can miss the exit
/// of a child whose own child lives on (`pg_ctl start` leaves the server running), and then waits forever.
package enum Subprocess {
    /// The exit status and standard output of `path` run with `arguments`; standard error goes to `errorPath` when
    /// given, else to /dev/null. Standard input is /dev/null.
    package static func run(_ path: String, _ arguments: [String], errorPath: String? = nil) throws -> (
        status: Int32, output: String
    ) {
        let outputPath = NSTemporaryDirectory() + "byok-relay-subprocess-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw SubprocessError(description: "cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitStatus, output)
    }

    package struct SubprocessError: Error, CustomStringConvertible {
        package let description: String
    }
}
