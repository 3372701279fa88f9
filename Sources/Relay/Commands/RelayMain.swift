import Glibc

/// The command line of CONTRACT.md §10.3: parses arguments, runs the command, returns the exit status.
package enum RelayMain {
    /// Runs `arguments` (without the program name) and returns the process exit status.
    package static func run(_ arguments: [String]) -> Int32 {
        let command: Command
        do {
            command = try Command.parse(arguments)
        } catch {
            printError(error.message)
            return error.exitStatus
        }
        switch command {
        case .help:
            print(Command.helpText)
            return 0
        case .version:
            print(BuildInfo.version)
            return 0
        case .probe(let url):
            return ProbeCommand.run(url: url)
        case .checkConfig:
            guard let configuration = loadConfiguration(portOverride: nil) else { return 1 }
            _ = configuration
            print("Configuration is valid.")
            return 0
        case .serve(let portOverride):
            guard let (configuration, warnings) = loadConfiguration(portOverride: portOverride) else { return 1 }
            return ServeCommand.run(configuration: configuration, warnings: warnings)
        case .migrate:
            guard let (configuration, _) = loadConfiguration(portOverride: nil) else { return 1 }
            return StoreCommands.migrate(configuration)
        case .rotateSecret:
            guard let (configuration, _) = loadConfiguration(portOverride: nil) else { return 1 }
            return StoreCommands.rotateSecret(configuration)
        case .tokenHMACStatus:
            guard let (configuration, _) = loadConfiguration(portOverride: nil) else { return 1 }
            return StoreCommands.tokenHMACStatus(configuration)
        }
    }

    /// Loads and validates the configuration (CONTRACT.md §10.2); on a refusal prints its one line and returns nil.
    private static func loadConfiguration(portOverride: Int?) -> (Configuration, [String])? {
        do {
            var (configuration, warnings) = try Configuration.loadFromProcess()
            if let portOverride { configuration.port = portOverride }
            return (configuration, warnings)
        } catch {
            printError("byok-relay: \(error.message)")
            return nil
        }
    }

    static func printError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
