import EventLoop
import HTTP

/// The mock's side of the HTTP server on one loop: starts a `MockExchange` per request and tells the recorder which
/// requests a closing connection carried. Loop thread only.
final class MockHandler: HTTPHandler {
    private let recorder: MockRecorder
    /// Recorded requests per open connection, for the close events. Empty when nothing is recorded.
    private var sequencesByConnection: [UInt64: [Int]] = [:]

    init(recorder: MockRecorder) {
        self.recorder = recorder
    }

    func requestReceived(_ exchange: HTTPExchange) {
        let sequence = recorder.nextSequence()
        let behavior: MockBehavior
        do {
            behavior = try MockBehavior(target: exchange.head.target)
        } catch {
            recordArrival(of: exchange, sequence: sequence, tag: String(sequence))
            MockExchange(exchange: exchange, behavior: MockBehavior(), tag: String(sequence), sequence: sequence)
                .refuse(error.message, recorder: recorder)
            return
        }
        let tag = behavior.tag ?? String(sequence)
        recordArrival(of: exchange, sequence: sequence, tag: tag)
        MockExchange(exchange: exchange, behavior: behavior, tag: tag, sequence: sequence).begin(recorder: recorder)
    }

    func requestRefused(_ refusal: HTTPRefusal, exchange: HTTPExchange) {
        exchange.respond(
            status: refusal.status,
            headers: HTTPResponseHeaders([("content-type", "application/json")]),
            body: Array(#"{"error":{"message":"mock provider refused the request","type":"mock_error"}}"#.utf8)
        )
    }

    func connectionClosed(_ connection: HTTPConnectionInfo, byPeer: Bool) {
        guard let sequences = sequencesByConnection.removeValue(forKey: connection.id), byPeer else { return }
        let now = MonotonicClock.nowNanoseconds()
        for sequence in sequences {
            recorder.update(sequence) { record in
                let hasEnded = record.events.contains { $0.kind == .responseFinished || $0.kind == .responseAborted }
                let kind: RecordedEvent.Kind =
                    hasEnded ? .closedByPeerAfterResponseFinished : .closedByPeerBeforeResponseFinished
                record.events.append(RecordedEvent(kind: kind, nanoseconds: now))
            }
        }
    }

    private func recordArrival(of exchange: HTTPExchange, sequence: Int, tag: String) {
        guard recorder.isRecording else { return }
        let head = exchange.head
        sequencesByConnection[exchange.connectionInfo.id, default: []].append(sequence)
        recorder.requestArrived(
            RecordedRequest(
                sequence: sequence,
                tag: tag,
                method: head.method,
                target: head.target,
                headers: head.headers,
                connection: exchange.connectionInfo,
                events: [RecordedEvent(kind: .headReceived, nanoseconds: exchange.startedAt)]
            )
        )
    }
}
