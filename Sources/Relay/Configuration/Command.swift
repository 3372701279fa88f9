/// What the binary was asked to do (CONTRACT.md §10.3).
///
/// Named `Command` rather than `CommandLine` so that it does not shadow the standard library's `CommandLine`.
package enum Command: Equatable, Sendable {
    /// Start the relay (the default); `portOverride` is `--port`'s value, which wins over `PORT`.
    case serve(portOverride: Int?)
    /// Apply pending migrations, then exit 0.
    case migrate
    /// Re-encrypt every stored key under `ENCRYPTION_SECRET` (§3.5).
    case rotateSecret
    /// Print token digest progress as JSON.
    case tokenHMACStatus
    /// Validate the configuration (§10.2) and exit 0 or 1.
    case checkConfig
    /// GET `url`, by default the local `/healthz`; exit 0 on 200, else 1.
    case probe(url: String?)
    /// Print every variable, its default and meaning; exit 0.
    case help
    /// Print the version; exit 0.
    case version

    /// Parses the arguments after the program name.
    ///
    /// `--help`/`-h` and `--version` win wherever they appear (a user asking for help should get it), but an
    /// unknown argument before them is still reported. `--port` (`--port N` or `--port=N`) belongs to `serve`
    /// only and may stand before or after the word `serve`; anywhere else it is an unknown option.
    package static func parse(_ arguments: [String]) throws(CommandLineError) -> Command {
        var commandWord: String?
        var portOverride: Int?
        var sawPort = false
        var probeURL: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            switch argument {
            case "--help", "-h":
                return .help
            case "--version":
                return .version
            case "--port":
                guard index < arguments.count, let port = portNumber(arguments[index]) else {
                    throw .invalidPort
                }
                index += 1
                portOverride = port
                sawPort = true
            case _ where argument.hasPrefix("--port="):
                guard let port = portNumber(String(argument.dropFirst("--port=".count))) else {
                    throw .invalidPort
                }
                portOverride = port
                sawPort = true
            case _ where argument.hasPrefix("-"):
                throw .unknownOption(argument)
            case _ where commandWord == nil && commands.contains(argument):
                commandWord = argument
            case _ where commandWord == "probe" && probeURL == nil:
                probeURL = argument
            default:
                throw .unknownOption(argument)
            }
        }
        if sawPort, let commandWord, commandWord != "serve" {
            throw .unknownOption("--port")
        }
        switch commandWord {
        case nil, "serve": return .serve(portOverride: portOverride)
        case "migrate": return .migrate
        case "rotate-secret": return .rotateSecret
        case "token-hmac-status": return .tokenHMACStatus
        case "check-config": return .checkConfig
        case "probe": return .probe(url: probeURL)
        default: throw .unknownOption(commandWord ?? "")
        }
    }

    /// The command words of §10.3.
    package static let commands = ["serve", "migrate", "rotate-secret", "token-hmac-status", "check-config", "probe"]

    /// §10.3: 0–65535 in decimal digits, like `PORT` (`0` picks a free port).
    private static func portNumber(_ text: String) -> Int? {
        URLSyntax.portNumber(Substring(text))
    }
}
