import Foundation
import Synchronization
import Testing

@testable import EventLoop

/// Runs `body` with one started loop, stopped and joined afterwards.
private func withRunningLoop(_ body: (Loop) throws -> Void) throws {
    let workers = try WorkerGroup(count: 1)
    workers.start()
    defer {
        workers.stop()
        workers.join()
    }
    try body(workers.loops[0])
}

@Suite struct LoopTests {

    @Test func testJobsPostedFromOtherThreadsRunOnTheLoopThread() throws {
        try withRunningLoop { loop in
            let ranOnLoop = Mutex<[Bool]>([])
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.concurrentPerform(iterations: 100) { _ in
                loop.execute {
                    let count = ranOnLoop.withLock { results in
                        results.append(loop.isCurrent)
                        return results.count
                    }
                    if count == 100 { done.signal() }
                }
            }
            #expect(done.wait(timeout: .now() + 5) == .success)
            #expect(ranOnLoop.withLock { $0.allSatisfy { $0 } })
        }
    }

    @Test func testStopBeforeRunIsHonoured() throws {
        let workers = try WorkerGroup(count: 1)
        workers.stop()
        let joined = DispatchSemaphore(value: 0)
        workers.start()
        Thread.detachNewThread {
            workers.join()
            joined.signal()
        }
        #expect(joined.wait(timeout: .now() + 5) == .success)
    }

    @Test func testTimerFiresOnceAfterItsDelay() throws {
        try withRunningLoop { loop in
            let fired = DispatchSemaphore(value: 0)
            let armedAt = Date()
            loop.execute {
                let box = TimerBox()
                box.timer = LoopTimer(loop: loop) {
                    fired.signal()
                    box.timer = nil
                }
                box.timer?.schedule(afterMilliseconds: 50)
            }
            #expect(fired.wait(timeout: .now() + 5) == .success)
            #expect(Date().timeIntervalSince(armedAt) >= 0.045)
        }
    }
}

/// Keeps a timer alive until it fires (the loop does not retain it).
private final class TimerBox: @unchecked Sendable {
    var timer: LoopTimer?
}

@Suite struct JSONAndClockTests {
    @Test(arguments: [
        ("plain", #""plain""#), ("quote\"back\\slash", #""quote\"back\\slash""#),
        ("line\nfeed\ttab", #""line\nfeed\ttab""#),
        ("\u{1}", #""\u0001""#), ("héllo — ok", "\"héllo — ok\""),
    ])
    func testStringsAreEscapedAsJSON(_ input: String, _ expected: String) {
        #expect(JSONText.string(input) == expected)
    }

    @Test func testValuesKeepMemberOrder() {
        let value = JSONValue.object([("b", .int(1)), ("a", .array([.bool(true), .null, .string("x")]))])
        #expect(String(decoding: value.bytes, as: UTF8.self) == #"{"b":1,"a":[true,null,"x"]}"#)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"), (Int64(1_769_860_800_123), "2026-01-31T12:00:00.123Z"),
        (Int64(951_782_400_007), "2000-02-29T00:00:00.007Z"),
    ])
    func testISO8601HasMilliseconds(_ milliseconds: Int64, _ expected: String) {
        #expect(WallClock.iso8601(milliseconds: milliseconds) == expected)
    }
}

@Suite struct LoopExecutorTests {
    @Test func testTasksPreferringALoopRunAndResumeOnIt() async throws {
        let workers = try WorkerGroup(count: 2)
        workers.start()
        defer {
            workers.stop()
            workers.join()
        }
        let loop = workers.loops[1]
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<1000 {
                group.addTask(executorPreference: loop) {
                    let startedOnLoop = loop.isCurrent
                    await Task.yield()  // suspends; must resume on the same loop
                    return startedOnLoop && loop.isCurrent
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 1000)
        #expect(results.allSatisfy { $0 })
    }
}

@Suite struct WriteBatchTests {
    /// Inside `Loop.batchingWrites` nothing reaches the peer; when the batch ends everything does, in order, and the
    /// owner hears `socketDrained` (the held bytes counted as queued: a producer may have paused on them).
    @Test func testWritesInsideABatchLeaveTogetherWhenItEnds() throws {
        try withRunningLoop { loop in try Self.checkBatch(on: loop) }
    }

    private static func checkBatch(on loop: Loop) throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        _ = fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK)
        let observed = Mutex<(heldBytes: Int, peerHadBytes: Bool, drained: Int, afterBytes: Int)>((0, true, 0, -1))
        let done = DispatchSemaphore(value: 0)
        let peer = pair[1]
        let descriptor = pair[0]
        let keeper = SocketKeeper()
        loop.execute {
            let socket = SocketConnection(loop: loop, descriptor: descriptor)
            let delegate = DrainCounter { observed.withLock { $0.drained += 1 } }
            keeper.socket = socket
            keeper.delegate = delegate
            socket.delegate = delegate
            loop.batchingWrites {
                socket.write(Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
                socket.write(Array("body".utf8))
                var probe: UInt8 = 0
                let peerHadBytes = recv(peer, &probe, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
                observed.withLock {
                    $0.heldBytes = socket.queuedByteCount
                    $0.peerHadBytes = peerHadBytes
                }
            }
            observed.withLock { $0.afterBytes = socket.queuedByteCount }
            // Closed here, on the loop: its watchers must not outlive the loop's event base. What was sent stays
            // readable at the peer.
            socket.close()
            keeper.socket = nil
            keeper.delegate = nil
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 5) == .success)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(peer, &buffer, buffer.count, 0)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "HTTP/1.1 200 OK\r\n\r\nbody")
        let result = observed.withLock { $0 }
        #expect(result.heldBytes == 23)
        #expect(!result.peerHadBytes)
        #expect(result.afterBytes == 0)
        #expect(result.drained == 1)
    }
}

/// Keeps the socket under test and its delegate alive across loop jobs.
private final class SocketKeeper: @unchecked Sendable {
    var socket: SocketConnection?
    var delegate: DrainCounter?
}

private final class DrainCounter: SocketConnectionDelegate {
    let drained: () -> Void
    init(_ drained: @escaping () -> Void) { self.drained = drained }
    func socketReceived(_ bytes: UnsafeRawBufferPointer) {}
    func socketClosedByPeer() {}
    func socketDrained() { drained() }
    func socketClosed() {}
}
