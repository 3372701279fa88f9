import EventLoop
import Foundation
import Testing

@testable import Store

@Suite(.timeLimit(.minutes(1)))
struct PostgresConnectionTests {
    static let echo = PreparedStatement(
        name: "echo",
        sql: "SELECT $1::int8 + 1 AS next, $2::text AS label, n FROM generate_series(1, 3) AS n"
    )
    static let whoAmI = PreparedStatement(name: "who_am_i", sql: "SELECT current_user AS name, pg_backend_pid() AS pid")
    static let sleep = PreparedStatement(name: "sleep", sql: "SELECT pg_sleep($1::float8)")
    static let pid = PreparedStatement(name: "pid", sql: "SELECT pg_backend_pid() AS pid")

    @Test func testConnectsWithURL() async throws {
        let configuration = try SharedPostgres.configuration()
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                #expect(await connection.waitUntilConnected(timeoutMilliseconds: 5000))
                #expect(connection.isConnected)
                let rows = try await connection.query(Self.whoAmI)
                #expect(rows.string(0, "name") == "postgres")
            }
        }
    }

    @Test func testConnectsWithKeyValueConninfoResolvingAHostName() async throws {
        let (_, port) = try SharedPostgres.hostAndPort()
        // "localhost" is a name: resolved off the loop and handed to libpq as hostaddr.
        let configuration = try PostgresConfiguration(
            conninfo: "host=localhost port=\(port) user=postgres dbname=postgres connect_timeout=5",
            timeoutMilliseconds: 5000
        )
        #expect(configuration.hostsToResolve == ["localhost"])
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                let rows = try await connection.query(Self.whoAmI)
                #expect(rows.string(0, "name") == "postgres")
            }
        }
    }

    @Test func testPreparedQueryWithParametersReturnsRows() async throws {
        let configuration = try SharedPostgres.configuration()
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                for round in 0..<2 {  // the second round runs the statement prepared by the first
                    let rows = try await connection.query(Self.echo, [.integer(41 + Int64(round)), .text("héllo")])
                    #expect(rows.count == 3)
                    #expect(rows.columnNames == ["next", "label", "n"])
                    #expect(rows.affectedRows == 3)
                    #expect(rows.int64(0, "next") == 42 + Int64(round))
                    #expect(rows.string(2, 1) == "héllo")
                    #expect((0..<3).map { rows.int64($0, "n") } == [1, 2, 3])
                }
            }
        }
    }

    @Test func testByteaRoundTripsEveryByteValue() async throws {
        let statement = PreparedStatement(name: "bytea_echo", sql: "SELECT $1::bytea AS data, length($1::bytea) AS n")
        let configuration = try SharedPostgres.configuration()
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                let everyByte = (0...255).map { UInt8($0) }
                let values: [[UInt8]] = [everyByte, everyByte.reversed(), [], [0], Array(repeating: 0x5C, count: 3)]
                for value in values {
                    let rows = try await connection.query(statement, [.bytea(value)])
                    #expect(rows.bytes(0, "data") == value)
                    #expect(rows.int64(0, "n") == Int64(value.count))
                }
            }
        }
    }

    @Test func testNullsGoBothWays() async throws {
        let statement = PreparedStatement(
            name: "nulls",
            sql: "SELECT $1::text IS NULL AS was_null, $1::text AS echoed, NULL::bytea AS nothing, 'x' AS present"
        )
        let configuration = try SharedPostgres.configuration()
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                let rows = try await connection.query(statement, [nil])
                #expect(rows.bool(0, "was_null") == true)
                #expect(rows.isNull(0, "echoed"))
                #expect(rows.string(0, "echoed") == nil)
                #expect(rows.bytes(0, "nothing") == nil)
                #expect(!rows.isNull(0, "present"))
                let empty = try await connection.query(statement, [.text("")])
                #expect(empty.bool(0, "was_null") == false)
                #expect(empty.string(0, "echoed") == "")
            }
        }
    }

    @Test func testTextParameterWithNULByteIsRefusedWithoutBreakingTheSession() async throws {
        let configuration = try SharedPostgres.configuration()
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                let error = await failure {
                    _ = try await connection.query(Self.echo, [.integer(1), .text("a\u{0}b")])
                }
                #expect(error == .protocolViolation)
                let rows = try await connection.query(Self.echo, [.integer(1), .text("ab")])
                #expect(rows.count == 3)
            }
        }
    }

    @Test func testFiveHundredConcurrentQueriesShareOneSession() async throws {
        let statement = PreparedStatement(
            name: "double",
            sql: "SELECT $1::int8 * 2 AS doubled, $2::text AS tag, pg_backend_pid() AS pid"
        )
        let configuration = try SharedPostgres.configuration(timeoutMilliseconds: 10_000)
        try await withLoop { loop in
            let connection = try await onLoop(loop) { PostgresConnection(loop: loop, configuration: configuration) }
            let results = try await withThrowingTaskGroup(of: (Int64, PostgresRows).self) { group in
                for number in 0..<500 {
                    group.addTask(executorPreference: loop) {
                        let value = Int64(number)
                        return (value, try await connection.query(statement, [.integer(value), .text("tag-\(value)")]))
                    }
                }
                var all: [(Int64, PostgresRows)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.count == 500)
            for (value, rows) in results {
                #expect(rows.int64(0, "doubled") == value * 2)
                #expect(rows.string(0, "tag") == "tag-\(value)")
            }
            #expect(Set(results.map { $0.1.int64(0, "pid") }).count == 1)
            try await onLoop(loop) { connection.close() }
        }
    }

    @Test func testUniqueViolationIsAServerErrorWith23505() async throws {
        let schema = uniqueName("unique")
        let insert = PreparedStatement(name: "insert_email", sql: "INSERT INTO \(schema).users (email) VALUES ($1)")
        let configuration = try SharedPostgres.configuration()
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                try await connection.execute(
                    simple: "CREATE SCHEMA \(schema); CREATE TABLE \(schema).users (email text UNIQUE NOT NULL)"
                )
                let first = try await connection.query(insert, [.text("a@example.com")])
                #expect(first.affectedRows == 1)
                let error = await failure { _ = try await connection.query(insert, [.text("a@example.com")]) }
                guard case .server(let sqlState, let message) = error else {
                    Issue.record("expected a server error, got \(String(describing: error))")
                    return
                }
                #expect(sqlState == "23505")
                #expect(message.contains("unique"))
                #expect(error?.description == "database error 23505")  // the server's words stay out of descriptions
                #expect(try await connection.query(insert, [.text("b@example.com")]).affectedRows == 1)
                try await connection.execute(simple: "DROP SCHEMA \(schema) CASCADE")
            }
        }
    }

    @Test func testDeadlineFailsWithTimeoutInTimeAndTheSessionIsReplaced() async throws {
        let configuration = try SharedPostgres.configuration(timeoutMilliseconds: 300)
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                #expect(await connection.waitUntilConnected(timeoutMilliseconds: 5000))
                // Either our deadline or the server's statement_timeout (the same 300 ms) ends it: .timeout both ways.
                let (error, elapsed) = await measure {
                    await failure { _ = try await connection.query(Self.sleep, [.text("5")]) }
                }
                #expect(error == .timeout)
                #expect(elapsed < .milliseconds(550))

                // Without statement_timeout only our deadline is left: the session is torn down and replaced, and
                // the query pipelined behind the slow one is lost with it.
                try await connection.execute(simple: "SET statement_timeout = 0")
                let before = try #require(try await connection.query(Self.pid).int64(0, "pid"))
                let (outcomes, elapsedTogether) = await measure {
                    async let slow = failure { _ = try await connection.query(Self.sleep, [.text("5")]) }
                    async let behind = failure { _ = try await connection.query(Self.pid) }
                    return await (slow, behind)
                }
                #expect(outcomes.0 == .timeout)
                #expect(outcomes.1 == .connectionLost || outcomes.1 == .timeout)
                #expect(elapsedTogether < .milliseconds(550))
                let after = try #require(try await connection.query(Self.pid).int64(0, "pid"))
                #expect(after != before)
            }
        }
    }

    @Test func testScriptRunsInATransactionAndAFailedOneLeavesNothingBehind() async throws {
        let schema = uniqueName("script")
        let count = PreparedStatement(name: "count_rows", sql: "SELECT count(*) AS n FROM \(schema).items")
        let configuration = try SharedPostgres.configuration()
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                try await connection.execute(
                    simple: """
                        BEGIN;
                        CREATE SCHEMA \(schema);
                        CREATE TABLE \(schema).items (id int PRIMARY KEY);
                        INSERT INTO \(schema).items VALUES (1);
                        INSERT INTO \(schema).items VALUES (2);
                        COMMIT;
                        """
                )
                #expect(try await connection.query(count).int64(0, "n") == 2)

                // Pipelined queries around a failing script: each gets its own answer, in order.
                async let earlier = connection.query(count)
                async let failing = failure {
                    try await connection.execute(
                        simple:
                            "BEGIN; INSERT INTO \(schema).items VALUES (3); INSERT INTO \(schema).items VALUES (1); COMMIT"
                    )
                }
                async let later = connection.query(count)
                #expect(try await earlier.int64(0, "n") == 2)
                guard case .server(let sqlState, _) = await failing else {
                    Issue.record("expected a server error")
                    return
                }
                #expect(sqlState == "23505")
                #expect(try await later.int64(0, "n") == 2)

                // A script that leaves its transaction open is rolled back: the session stays shared-safe.
                let open = await failure {
                    try await connection.execute(simple: "BEGIN; INSERT INTO \(schema).items VALUES (4)")
                }
                #expect(open == .protocolViolation)
                #expect(try await connection.query(count).int64(0, "n") == 2)
                try await connection.execute(simple: "DROP SCHEMA \(schema) CASCADE")
            }
        }
    }

    @Test func testPasswordNeverAppearsInErrorsOrDescriptions() async throws {
        let secret = "s3cr3t-Pa55word"
        let port = try PrivatePostgresServer.freePort()
        let configuration = try PostgresConfiguration(
            conninfo: "postgres://postgres:\(secret)@127.0.0.1:\(port)/postgres?sslmode=disable",
            timeoutMilliseconds: 1000
        )
        for text in [
            "\(configuration)", String(reflecting: configuration),
            "\(Mirror(reflecting: configuration).children.map { $0 })",
        ] {
            #expect(!text.contains(secret))
        }
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                let error = try #require(await failure { _ = try await connection.query(Self.pid) })
                #expect(error == .unavailable)
                for text in [error.description, error.debugDescription, String(reflecting: error), "\(error)"] {
                    #expect(!text.contains(secret))
                }
            }
        }
        for malformed in [
            "postgres://postgres:\(secret)@[::1/postgres", "host=a password=\(secret) bogus_key=1",
        ] {
            #expect(throws: PostgresError.invalidConfiguration) {
                _ = try PostgresConfiguration(conninfo: malformed, timeoutMilliseconds: 1000)
            }
            do {
                _ = try PostgresConfiguration(conninfo: malformed, timeoutMilliseconds: 1000)
            } catch {
                #expect(!String(reflecting: error).contains(secret))
            }
        }
    }

    @Test func testWaitUntilConnectedGivesUpAtItsTimeout() async throws {
        let port = try PrivatePostgresServer.freePort()
        let configuration = try PostgresConfiguration(
            conninfo: "host=127.0.0.1 port=\(port) user=postgres",
            timeoutMilliseconds: 1000
        )
        try await withLoop { loop in
            try await onLoop(loop) {
                let connection = PostgresConnection(loop: loop, configuration: configuration)
                defer { connection.close() }
                let (connected, elapsed) = await measure {
                    await connection.waitUntilConnected(timeoutMilliseconds: 400)
                }
                #expect(!connected)
                #expect(elapsed >= .milliseconds(390) && elapsed < .milliseconds(650))
            }
        }
    }

    @Test
    func testStoppedServerFailsFastWithUnavailableAndRestartedServerIsUsedAgain() async throws {
        let server = try await PrivatePostgresServer.make()
        defer { server.destroy() }
        let timeout = 1000
        let configuration = try PostgresConfiguration(conninfo: server.url, timeoutMilliseconds: timeout)
        try await withLoop { loop in
            let connection = try await onLoop(loop) { PostgresConnection(loop: loop, configuration: configuration) }
            try await onLoop(loop) {
                let rows = try await connection.query(Self.pid)
                #expect(rows.count == 1)
            }

            try await server.stopImmediately()
            try await onLoop(loop) {
                var errors: [PostgresError?] = []
                for _ in 0..<5 {
                    let (error, elapsed) = await measure { await failure { _ = try await connection.query(Self.pid) } }
                    errors.append(error)
                    #expect(elapsed < .milliseconds(timeout / 2))
                }
                // The first may have been sent before the loop saw the session end; after that, nothing is sent.
                #expect(errors[0] == .unavailable || errors[0] == .connectionLost)
                #expect(errors.dropFirst().allSatisfy { $0 == .unavailable })
                #expect(!connection.isConnected)
            }

            try await server.start()
            try await onLoop(loop) {
                let deadline = ContinuousClock.now.advanced(by: .seconds(15))
                var recovered = false
                while !recovered && ContinuousClock.now < deadline {
                    let error = await failure { _ = try await connection.query(Self.pid) }
                    recovered = error == nil
                    if let error {
                        #expect(error == .unavailable)
                        try await Task.sleep(for: .milliseconds(50))  // retry delay between attempts
                    }
                }
                #expect(recovered)
                connection.close()
            }
        }
    }
}
