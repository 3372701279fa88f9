/// A command line the binary refuses (CONTRACT.md §10.3), with the message and exit status it prescribes.
package enum CommandLineError: Error, Equatable, Sendable {
    /// `--port` without a value, or with one that is not a port number.
    case invalidPort
    /// An option or command the relay does not know, as given.
    case unknownOption(String)

    /// The line written to standard error, byte for byte.
    package var message: String {
        switch self {
        // The original's message, kept although `0` is accepted (§10.3).
        case .invalidPort: "Error: --port requires a valid port number between 1 and 65535, e.g. --port 8080"
        case .unknownOption(let argument): "byok-relay: unknown option \"\(argument)\". Run byok-relay --help."
        }
    }

    /// 1 for a bad `--port`, 2 for an unknown option or command (§10.3: a typo in a unit file should fail).
    package var exitStatus: Int32 {
        switch self {
        case .invalidPort: 1
        case .unknownOption: 2
        }
    }
}
