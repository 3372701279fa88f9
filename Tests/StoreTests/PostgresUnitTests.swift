import Testing

@testable import Store

@Suite struct PostgresConnectionStateMachineTests {
    @Test func testFirstRequestConnectsAndWaits() {
        var machine = PostgresConnectionStateMachine()
        #expect(machine.requestArrived() == .waitAndConnect)
        #expect(machine.requestArrived() == .wait)
        #expect(machine.connectSucceeded() == .startSending)
        #expect(machine.requestArrived() == .send)
    }

    @Test func testFailedAttemptsBackOffAndRefuseMeanwhile() {
        var machine = PostgresConnectionStateMachine()
        #expect(machine.connectRequested() == .connect)
        #expect(machine.connectRequested() == .none)
        #expect(machine.connectFailed() == .refuseWaitingAndReconnect(afterMilliseconds: 100))
        #expect(machine.requestArrived() == .refuse)
        #expect(machine.reconnectTimerFired() == .connect)
        #expect(machine.requestArrived() == .wait)
        #expect(machine.connectFailed() == .refuseWaitingAndReconnect(afterMilliseconds: 200))
        #expect(machine.reconnectTimerFired() == .connect)
        #expect(machine.connectFailed() == .refuseWaitingAndReconnect(afterMilliseconds: 400))
        #expect(machine.reconnectTimerFired() == .connect)
        #expect(machine.connectSucceeded() == .startSending)
    }

    @Test func testBrokenConnectionReconnectsAtOnceWithBackoffReset() {
        var machine = PostgresConnectionStateMachine()
        _ = machine.connectRequested()
        _ = machine.connectFailed()
        _ = machine.reconnectTimerFired()
        #expect(machine.connectSucceeded() == .startSending)
        #expect(machine.connectionBroke() == .connect)
        #expect(machine.requestArrived() == .wait)
        #expect(machine.connectFailed() == .refuseWaitingAndReconnect(afterMilliseconds: 100))
    }

    @Test func testCloseIsFinalAndIdempotent() {
        var machine = PostgresConnectionStateMachine()
        _ = machine.connectRequested()
        _ = machine.connectFailed()
        #expect(machine.closeRequested() == .closeEverything)
        #expect(machine.closeRequested() == .none)
        #expect(machine.reconnectTimerFired() == .none)
        #expect(machine.requestArrived() == .refuse)
        #expect(machine.connectRequested() == .none)
    }

    @Test(arguments: [(0, 100), (1, 200), (2, 400), (3, 800), (4, 1600), (5, 2000), (60, 2000)])
    func testBackoffDoublesUpToTwoSeconds(_ failures: Int, _ milliseconds: Int) {
        #expect(PostgresConnectionStateMachine.backoffMilliseconds(afterFailures: failures) == milliseconds)
    }
}

@Suite struct PostgresValueDecodingTests {
    @Test(arguments: [
        (#"\x"#, [UInt8]()), (#"\x00ff10"#, [0, 255, 16]), (#"\xDEADbeef"#, [0xDE, 0xAD, 0xBE, 0xEF]),
    ])
    func testHexByteaDecodes(_ text: String, _ bytes: [UInt8]) {
        #expect(PostgresRows.decodeHexBytea(ArraySlice(text.utf8)) == bytes)
    }

    @Test(arguments: [#"\x0"#, #"\xzz"#, "abcd", "", #"\"#, #"\y00"#])
    func testMalformedHexByteaIsNil(_ text: String) {
        #expect(PostgresRows.decodeHexBytea(ArraySlice(text.utf8)) == nil)
    }

    @Test(arguments: [
        ("0", Int64(0)), ("-1", -1), ("+7", 7), ("9223372036854775807", .max), ("-9223372036854775808", .min),
    ])
    func testIntegersDecode(_ text: String, _ value: Int64) {
        #expect(PostgresRows.decodeInteger(ArraySlice(text.utf8)) == value)
    }

    @Test(arguments: ["", "-", "1.5", "9223372036854775808", "-9223372036854775809", " 1", "1e3"])
    func testNonIntegersAreNil(_ text: String) {
        #expect(PostgresRows.decodeInteger(ArraySlice(text.utf8)) == nil)
    }
}

@Suite struct PostgresConfigurationTests {
    @Test(arguments: [
        ("db.example.com", true), ("localhost", true), ("127.0.0.1", false), ("::1", false), ("fe80::1", false),
        ("/var/run/postgresql", false), ("", false), ("@abstract", false),
    ])
    func testOnlyHostNamesNeedALookup(_ host: String, _ needsLookup: Bool) {
        #expect(PostgresConfiguration.needsLookup(host) == needsLookup)
    }

    @Test func testURLAndKeyValueFormsParseAlike() throws {
        let url = try PostgresConfiguration(
            conninfo: "postgres://u:p@db.internal:6543/app?sslmode=require",
            timeoutMilliseconds: 2000
        )
        let keyValue = try PostgresConfiguration(
            conninfo: "host=db.internal port=6543 user=u password=p dbname=app sslmode=require",
            timeoutMilliseconds: 2000
        )
        #expect(url.hostsToResolve == ["db.internal"])
        let fromURL = url.connectParameters(addresses: nil)
        let fromKeyValue = keyValue.connectParameters(addresses: nil)
        #expect(
            Dictionary(uniqueKeysWithValues: zip(fromURL.keywords, fromURL.values))
                == Dictionary(uniqueKeysWithValues: zip(fromKeyValue.keywords, fromKeyValue.values))
        )
        let settings = Dictionary(uniqueKeysWithValues: zip(fromURL.keywords, fromURL.values))
        #expect(settings["options"] == "-c statement_timeout=2000 -c bytea_output=hex")
        #expect(settings["keepalives"] == "1")
        #expect(settings["client_encoding"] == "UTF8")
    }

    @Test func testResolvedAddressesBecomeHostaddrWithHostsRepeated() throws {
        let configuration = try PostgresConfiguration(
            conninfo: "host=db.internal,10.0.0.9,/tmp port=6543,6544,6545 options='-c search_path=app'",
            timeoutMilliseconds: 500
        )
        #expect(configuration.hostsToResolve == ["db.internal", "10.0.0.9", "/tmp"])
        let parameters = configuration.connectParameters(addresses: [["10.0.0.1", "fd00::1"], [""], [""]])
        let settings = Dictionary(uniqueKeysWithValues: zip(parameters.keywords, parameters.values))
        #expect(settings["host"] == "db.internal,db.internal,10.0.0.9,/tmp")
        #expect(settings["hostaddr"] == "10.0.0.1,fd00::1,,")
        #expect(settings["port"] == "6543,6543,6544,6545")
        #expect(settings["options"] == "-c search_path=app -c statement_timeout=500 -c bytea_output=hex")
    }

    @Test func testLiteralAddressesAndSocketsNeedNoLookup() throws {
        for conninfo in [
            "postgres://u@127.0.0.1:5432/d", "host=/var/run/postgresql", "dbname=x", "host=h hostaddr=::1",
        ] {
            #expect(try PostgresConfiguration(conninfo: conninfo, timeoutMilliseconds: 1).hostsToResolve == nil)
        }
    }

    @Test func testListenScriptQuotesChannels() {
        #expect(PostgresListener.listenScript(["a", "Cache \"x\""]) == #"LISTEN "a"; LISTEN "Cache ""x""""#)
    }
}
