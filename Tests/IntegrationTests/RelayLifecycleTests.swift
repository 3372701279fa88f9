import Foundation
import TestSupport
import Testing

/// Start-up refusals, the command line and the graceful drain (CONTRACT.md §10.2, §10.3, E7), on the real binary.
@Suite struct RelayLifecycleTests {
    static let slack = 0.25

    @Test func testIdleRelayExitsWithinOneSecondOfSIGTERM() throws {
        let relay = try RelayProcess()
        relay.signal(SIGTERM)
        #expect(relay.waitForExit(timeout: 1 + Self.slack) == 0)
    }

    @Test func testSIGTERMDuringASlowRequestLetsItFinishThenExitsZero() throws {
        let relay = try RelayProcess(environment: ["HTTP_KEEPALIVE_TIMEOUT_MS": "500"])
        let client = try RawClient(port: relay.port)
        try client.send("POST /version HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nabc")
        let waiting = try RawClient(port: relay.port)  // an open connection on which a request still arrives
        relay.signal(SIGTERM)
        #expect(relay.waitForLogLine(containing: "\"msg\":\"draining\"") != nil)
        try waiting.send("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n")
        let readiness = try waiting.readResponse()
        #expect(readiness.status == 503)
        #expect(readiness.bodyText.contains(#""draining":true"#))
        #expect(readiness.header("connection") == "close")
        #expect(waiting.waitForClose())
        waiting.close()
        let response = try client.readResponse()
        #expect(response.status == 405)
        try client.send("def")
        // The body is complete; the connection is now idle and closes at the keep-alive timeout (E7 step 3).
        #expect(client.waitForClose(timeout: 0.5 + Self.slack))
        // Nothing is open any more: like an idle relay, it exits within a second (E7 step 4).
        #expect(relay.waitForExit(timeout: 1 + Self.slack) == 0)
    }

    @Test func testDrainDelayKeepsServingThenRefusesNewConnections() throws {
        let relay = try RelayProcess(environment: ["DRAIN_DELAY_MS": "300"])
        relay.signal(SIGTERM)
        #expect(relay.waitForLogLine(containing: "\"msg\":\"draining\"") != nil)
        let during = try RawClient(port: relay.port)
        try during.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try during.readResponse().status == 200)
        #expect(during.waitForClose())
        #expect(relay.waitForExit(timeout: 1.3 + Self.slack) == 0)
        #expect(throws: (any Error).self) { try RawClient(port: relay.port) }
    }

    /// CONTRACT.md §9.5: probes are logged at `debug` only, also the 503s a draining replica answers its balancer
    /// with; other routes by status.
    @Test func testProbesAreLoggedAtDebugEvenWhenDrainingOthersByStatus() throws {
        let relay = try RelayProcess(environment: ["DRAIN_DELAY_MS": "2000"])
        relay.signal(SIGTERM)
        #expect(relay.waitForLogLine(containing: "\"msg\":\"draining\"") != nil)
        let client = try RawClient(port: relay.port)
        try client.send("GET /readyz HTTP/1.1\r\nHost: t\r\nx-request-id: probe-while-draining\r\n\r\n")
        #expect(try client.readResponse().status == 503)
        let other = try RawClient(port: relay.port)
        try other.send("GET /no-such-route HTTP/1.1\r\nHost: t\r\nx-request-id: other-while-draining\r\n\r\n")
        #expect(try other.readResponse().status == 404)
        func level(_ requestID: String) throws -> String? {
            let line = try #require(relay.waitForLogLine(containing: requestID))
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return json?["level"] as? String
        }
        #expect(try level("probe-while-draining") == "debug")
        #expect(try level("other-while-draining") == "warn")
        relay.signal(SIGTERM)
        #expect(relay.waitForExit(timeout: 1 + Self.slack) == 0)
    }

    @Test func testSecondSignalCutsAStalledRequestAtOnce() throws {
        let relay = try RelayProcess(environment: ["SHUTDOWN_TIMEOUT_MS": "60000"])
        let client = try RawClient(port: relay.port)
        try client.send("POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nabc")
        _ = try client.readResponse()
        relay.signal(SIGTERM)
        #expect(relay.waitForLogLine(containing: "\"msg\":\"draining\"") != nil)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit(timeout: 1 + Self.slack) == 0)
    }

    static func environment(_ overrides: [String: String]) -> [String: String] {
        var environment = RelayProcess.baseEnvironment(dataDirectory: NSTemporaryDirectory() + "byok-relay-cli")
        for (name, value) in overrides { environment[name] = value }
        return environment.filter { !$0.value.isEmpty }
    }

    static let startupRefusals: [([String: String], String)] = [
        (
            ["ENCRYPTION_SECRET": ""],
            "byok-relay: ENCRYPTION_SECRET env var is not set. Generate one with: openssl rand -hex 32"
        ),
        (["ENCRYPTION_SECRET": "short"], "byok-relay: ENCRYPTION_SECRET must be at least 32 characters."),
        (["PORT": "70000"], "byok-relay: PORT must be an integer from 0 to 65535 (got \"70000\")."),
        (
            ["REQUEST_BODY_LIMIT_BYTES": "10mb"],
            "byok-relay: REQUEST_BODY_LIMIT_BYTES must be an integer from 1 to 1073741824 (got \"10mb\")."
        ),
        (
            ["LOG_LEVEL": "loud"],
            "byok-relay: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got \"loud\")."
        ),
    ]

    @Test(arguments: startupRefusals)
    func testInvalidConfigurationIsRefusedWithOneLine(overrides: [String: String], line: String) throws {
        let result = try RelayProcess.runToCompletion(arguments: [], environment: Self.environment(overrides))
        #expect(result.status == 1)
        #expect(result.standardError == line + "\n")
    }

    @Test func testBusyPortIsRefused() throws {
        let relay = try RelayProcess()
        let result = try RelayProcess.runToCompletion(
            arguments: [],
            environment: Self.environment(["PORT": String(relay.port)])
        )
        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("byok-relay: Cannot listen on 127.0.0.1:\(relay.port): "))
    }

    @Test func testCommandLine() throws {
        let environment = Self.environment([:])
        let help = try RelayProcess.runToCompletion(arguments: ["--help"], environment: environment)
        #expect(help.status == 0)
        for variable in ["ENCRYPTION_SECRET", "HTTP_MAX_HEADER_BYTES", "SHUTDOWN_TIMEOUT_MS", "DRAIN_DELAY_MS"] {
            #expect(help.standardOutput.contains(variable))
        }
        let version = try RelayProcess.runToCompletion(arguments: ["--version"], environment: environment)
        #expect(version.status == 0 && version.standardOutput == "0.1.0\n")
        let unknown = try RelayProcess.runToCompletion(arguments: ["--bogus"], environment: environment)
        #expect(unknown.status == 2)
        #expect(unknown.standardError == "byok-relay: unknown option \"--bogus\". Run byok-relay --help.\n")
        let badPort = try RelayProcess.runToCompletion(arguments: ["--port", "x"], environment: environment)
        #expect(badPort.status == 1)
        #expect(
            badPort.standardError
                == "Error: --port requires a valid port number between 1 and 65535, e.g. --port 8080\n"
        )
        let check = try RelayProcess.runToCompletion(arguments: ["check-config"], environment: environment)
        #expect(check.status == 0)
    }

    @Test func testProbeExitsZeroOnlyFor200() throws {
        let relay = try RelayProcess()
        let environment = Self.environment([:])
        let healthy = try RelayProcess.runToCompletion(
            arguments: ["probe", "http://127.0.0.1:\(relay.port)/healthz"],
            environment: environment
        )
        #expect(healthy.status == 0)
        let missing = try RelayProcess.runToCompletion(
            arguments: ["probe", "http://127.0.0.1:\(relay.port)/missing"],
            environment: environment
        )
        #expect(missing.status == 1)
    }

    @Test func testEnvironmentWinsOverDotEnv() throws {
        let directory = NSTemporaryDirectory() + "byok-relay-dotenv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "LOG_LEVEL=loud\nCORS_MAX_AGE_SECONDS=99999999\n".write(
            toFile: directory + "/.env",
            atomically: true,
            encoding: .utf8
        )
        let fromFile = try RelayProcess.runToCompletion(
            arguments: ["check-config"],
            environment: Self.environment(["LOG_LEVEL": "info"]),
            directory: directory
        )
        #expect(fromFile.status == 1)
        #expect(fromFile.standardError.contains("CORS_MAX_AGE_SECONDS"))
    }
}
