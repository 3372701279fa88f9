import Relay
import Testing

@Suite struct CommandTests {
    static let commands: [([String], Command)] = [
        ([], .serve(portOverride: nil)),
        (["serve"], .serve(portOverride: nil)),
        (["--port", "8080"], .serve(portOverride: 8080)),
        (["--port=8080"], .serve(portOverride: 8080)),
        (["serve", "--port", "0"], .serve(portOverride: 0)),
        (["--port", "65535", "serve"], .serve(portOverride: 65535)),
        (["--port", "1", "--port", "2"], .serve(portOverride: 2)),
        (["migrate"], .migrate),
        (["rotate-secret"], .rotateSecret),
        (["token-hmac-status"], .tokenHMACStatus),
        (["check-config"], .checkConfig),
        (["probe"], .probe(url: nil)),
        (["probe", "http://127.0.0.1:3000/healthz"], .probe(url: "http://127.0.0.1:3000/healthz")),
        (["--help"], .help),
        (["-h"], .help),
        (["migrate", "--help"], .help),
        (["--version"], .version),
    ]

    @Test(arguments: commands)
    func testCommandLineIsParsed(_ arguments: [String], _ expected: Command) throws {
        #expect(try Command.parse(arguments) == expected)
    }

    static let refusals: [([String], CommandLineError)] = [
        (["--port"], .invalidPort),
        (["--port", "abc"], .invalidPort),
        (["--port", "65536"], .invalidPort),
        (["--port", "-1"], .invalidPort),
        (["--port", " 80"], .invalidPort),
        (["--port="], .invalidPort),
        (["--port=8o"], .invalidPort),
        (["serve", "--port"], .invalidPort),
        (["--prot", "8080"], .unknownOption("--prot")),
        (["-p"], .unknownOption("-p")),
        (["start"], .unknownOption("start")),
        (["migrate", "now"], .unknownOption("now")),
        (["serve", "migrate"], .unknownOption("migrate")),
        (["probe", "http://a", "http://b"], .unknownOption("http://b")),
        (["migrate", "--port", "80"], .unknownOption("--port")),
        (["--bogus", "--help"], .unknownOption("--bogus")),
    ]

    @Test(arguments: refusals)
    func testBadCommandLineIsRefused(_ arguments: [String], _ expected: CommandLineError) {
        #expect(throws: expected) { try Command.parse(arguments) }
    }

    @Test func testRefusalMessagesAndStatuses() {
        #expect(
            CommandLineError.invalidPort.message
                == "Error: --port requires a valid port number between 1 and 65535, e.g. --port 8080"
        )
        #expect(CommandLineError.invalidPort.exitStatus == 1)
        #expect(
            CommandLineError.unknownOption("--prot").message
                == "byok-relay: unknown option \"--prot\". Run byok-relay --help."
        )
        #expect(CommandLineError.unknownOption("x").exitStatus == 2)
    }

    @Test func testHelpStartsWithUsageAndNamesGroups() {
        let help = Command.helpText
        #expect(help.hasPrefix("Usage:\n  byok-relay [serve] [--port N]"))
        for line in ["byok-relay probe [URL]", "byok-relay --help | -h", "byok-relay --version"] {
            #expect(help.contains(line))
        }
        for group in [
            "Secrets and access:", "Network and process:", "Upstream:", "Storage and limits:", "Build metadata:",
        ] {
            #expect(help.contains(group))
        }
        #expect(help.contains("RELAY_UPSTREAM_OPENAI_COMPATIBLE"))
        #expect(help.contains("RELAY_UPSTREAM_<PROVIDER>"))
    }
}
