import Relay
import Testing

/// CONTRACT.md §5.8's SSE error frames and §5.9's `${seconds}`.
@Suite struct StreamFailureTests {
    // (chunks already sent, whether they end at an event boundary).
    static let tails: [([String], Bool)] = [
        ([], true),
        ([""], true),
        (["data: a\n\n"], true),
        (["data: a\r\n\r\n"], true),
        (["\n\n"], true),
        (["\r\n\n"], true),
        (["data: a\n"], false),
        (["data: a\r\n"], false),
        (["data: a"], false),
        (["\n"], false),
        (["x"], false),
        (["\n\r\n"], false),
        (["\r\r"], false),
        (["\n\r"], false),
        (["data: a\n\n", "data: b"], false),
        (["data: a\n\n", ""], true),
        (["data: a\n", "\n"], true),
        (["data: a\r\n", "\r\n"], true),
        (["\r", "\n", "\r", "\n"], true),
        (["\r", "\n", "\r"], false),
        (["data: a\r\n\r", "\n"], true),
        (["data: a\n\nx", "\n", "\n"], true),
        ([String(repeating: "data: x\n", count: 1000) + "\n"], true),
        ([String(repeating: "\n", count: 1000) + "data: x"], false),
    ]

    @Test(arguments: tails)
    func testBoundaryIsTrackedAcrossChunks(_ chunks: [String], _ expected: Bool) {
        var tracker = EventBoundaryTracker()
        for chunk in chunks {
            tracker.bytesSent(Array(chunk.utf8))
        }
        #expect(tracker.isAtEventBoundary == expected)
    }

    @Test(arguments: tails)
    func testEverySplitOfTheBytesGivesTheSameAnswer(_ chunks: [String], _ expected: Bool) {
        let bytes = Array(chunks.joined().utf8)
        var byteByByte = EventBoundaryTracker()
        for byte in bytes {
            byteByByte.bytesSent([byte])
        }
        #expect(byteByByte.isAtEventBoundary == expected)
        for split in 0...bytes.count {
            var tracker = EventBoundaryTracker()
            tracker.bytesSent(bytes[..<split])
            tracker.bytesSent(bytes[split...])
            #expect(tracker.isAtEventBoundary == expected, "split at \(split)")
        }
    }

    static let frames: [(StreamFailure, String)] = [
        (.providerFailed, #"event: error\#ndata: {"error":"Stream interrupted by provider"}\#n\#n"#),
        (.idleTimedOut, #"event: error\#ndata: {"error":"AI provider stream timed out"}\#n\#n"#),
        (.relayShuttingDown, #"event: error\#ndata: {"error":"Relay is shutting down"}\#n\#n"#),
    ]

    @Test(arguments: frames)
    func testFrameIsExactAtABoundary(_ cause: StreamFailure, _ frame: String) {
        var tracker = EventBoundaryTracker()
        #expect(cause.errorFrame(after: tracker) == Array(frame.utf8))
        tracker.bytesSent(Array("data: {}\r\n\r\n".utf8))
        #expect(cause.errorFrame(after: tracker) == Array(frame.utf8))
    }

    @Test(arguments: frames)
    func testFrameClosesAHalfSentEventFirst(_ cause: StreamFailure, _ frame: String) {
        var tracker = EventBoundaryTracker()
        tracker.bytesSent(Array("data: {\"partial\":".utf8))
        #expect(cause.errorFrame(after: tracker) == Array(("\n\n" + frame).utf8))
        tracker.bytesSent(Array("1}\n".utf8))
        #expect(cause.errorFrame(after: tracker) == Array(("\n\n" + frame).utf8))
    }

    // (timeout, `${seconds}`).
    static let seconds: [(Duration, String)] = [
        (.milliseconds(30_000), "30"), (.milliseconds(1_500), "1.5"), (.milliseconds(250), "0.25"),
        (.milliseconds(10_000), "10"), (.milliseconds(300_000), "300"), (.milliseconds(1), "0.001"),
        (.milliseconds(1_001), "1.001"), (.milliseconds(1_010), "1.01"), (.milliseconds(100), "0.1"),
        (.milliseconds(999), "0.999"), (.milliseconds(0), "0"), (.seconds(2), "2"),
        (.microseconds(1_500), "0.001"), (.milliseconds(86_400_000), "86400"),
    ]

    @Test(arguments: seconds)
    func testSecondsText(_ timeout: Duration, _ expected: String) {
        #expect(timeout.secondsText == expected)
    }
}
