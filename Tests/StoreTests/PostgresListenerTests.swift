import EventLoop
import Foundation
import Testing

@testable import Store

@Suite(.timeLimit(.minutes(1)))
struct PostgresListenerTests {
    struct Notification: Equatable, Sendable {
        let channel: String
        let payload: String
    }

    /// A started listener on `loop` whose callbacks feed the two inboxes.
    private func makeListener(
        loop: Loop,
        configuration: PostgresConfiguration,
        channel: String,
        notifications: EventInbox<Notification>,
        reconnects: EventInbox<Void>
    ) -> PostgresListener {
        let listener = PostgresListener(loop: loop, configuration: configuration)
        listener.onNotification = { channel, payload in
            notifications.push(Notification(channel: channel, payload: payload))
        }
        listener.onReconnect = { reconnects.push(()) }
        listener.listen(channels: [channel])
        listener.start()
        return listener
    }

    @Test func testNotificationFromAnotherSessionArrivesWithinOneSecond() async throws {
        let configuration = try SharedPostgres.configuration()
        let channel = uniqueName("Cache \"invalidation\"")  // quoting: spaces, capitals and quotes survive
        let notifications = EventInbox<Notification>()
        let reconnects = EventInbox<Void>()
        try await withLoop { loop in
            let listener = try await onLoop(loop) {
                makeListener(
                    loop: loop,
                    configuration: configuration,
                    channel: channel,
                    notifications: notifications,
                    reconnects: reconnects
                )
            }
            #expect(await reconnects.next(withinMilliseconds: 5000) != nil)  // listening
            let notifier = try await onLoop(loop) { PostgresConnection(loop: loop, configuration: configuration) }
            let notify = PreparedStatement(name: "notify", sql: "SELECT pg_notify($1, $2)")
            try await onLoop(loop) { _ = try await notifier.query(notify, [.text("unrelated"), .text("x")]) }
            let (received, elapsed) = try await measure {
                try await onLoop(loop) { _ = try await notifier.query(notify, [.text(channel), .text("user 42")]) }
                return await notifications.next(withinMilliseconds: 1000)
            }
            #expect(received == Notification(channel: channel, payload: "user 42"))
            #expect(elapsed < .seconds(1))
            try await onLoop(loop) {
                notifier.close()
                listener.close()
                listener.close()  // idempotent
            }
        }
    }

    @Test
    func testListenerReconnectsAfterServerRestartAndListensAgain() async throws {
        let server = try await PrivatePostgresServer.make()
        defer { server.destroy() }
        let configuration = try PostgresConfiguration(conninfo: server.url, timeoutMilliseconds: 1000)
        let channel = uniqueName("restart")
        let notifications = EventInbox<Notification>()
        let reconnects = EventInbox<Void>()
        try await withLoop { loop in
            let listener = try await onLoop(loop) {
                makeListener(
                    loop: loop,
                    configuration: configuration,
                    channel: channel,
                    notifications: notifications,
                    reconnects: reconnects
                )
            }
            #expect(await reconnects.next(withinMilliseconds: 5000) != nil)

            try await server.stopImmediately()
            try await server.start()
            // Backoff tops out at 2 s (plus the ping interval to notice a restart that came too fast for the socket).
            #expect(await reconnects.next(withinMilliseconds: 10_000) != nil)
            #expect(try await onLoop(loop) { listener.isConnected })

            let notifier = try await onLoop(loop) { PostgresConnection(loop: loop, configuration: configuration) }
            try await onLoop(loop) { try await notifier.execute(simple: "NOTIFY \"\(channel)\", 'after restart'") }
            #expect(
                await notifications.next(withinMilliseconds: 1000)
                    == Notification(channel: channel, payload: "after restart")
            )
            try await onLoop(loop) {
                notifier.close()
                listener.close()
            }
        }
    }
}
