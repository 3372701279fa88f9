import Glibc

/// What a `SocketConnection` reports to its owner, on the loop thread.
package protocol SocketConnectionDelegate: AnyObject {
    /// Bytes arrived. The buffer is only valid during the call: copy what is not consumed at once.
    func socketReceived(_ bytes: UnsafeRawBufferPointer)
    /// The peer closed or reset the connection, or a write failed: nothing more can be sent. Reported once.
    func socketClosedByPeer()
    /// Everything queued has been handed to the kernel (backpressure: the owner may produce more).
    func socketDrained()
    /// A `closeAfterFlush()` finished: the descriptor is closed now.
    func socketClosed()
}

/// A non-blocking client socket on one loop: reads are delivered as they arrive, writes are attempted at once and
/// queued when the kernel buffer is full. Reading continues while a response is pending, so a client close is seen
/// at once (CONTRACT.md §5.8, DESIGN.md §4 step 6). Loop thread only.
package final class SocketConnection {
    /// How long a closing connection keeps draining the peer's unread bytes after its last write, so the close does
    /// not turn into a reset that destroys the response in flight.
    private static let lingerMilliseconds = 1000
    /// How long a closing connection may take to hand its last bytes to a peer that reads slowly or not at all.
    private static let closingFlushMilliseconds = 10_000

    private let loop: Loop
    private var descriptor: Int32
    private var readWatcher: FileDescriptorWatcher?
    private var writeWatcher: FileDescriptorWatcher?
    /// Copies of bytes the kernel did not take yet, oldest first; owned here and freed once written.
    private var outbound: [UnsafeMutableRawBufferPointer] = []
    private var outboundOffset = 0
    private var lingerTimer: LoopTimer?
    private var isClosingAfterFlush = false
    /// Bytes were queued without a send because the loop is batching writes; `sendBatched` sends them.
    private var isHeldForBatch = false
    private var hasReportedPeerClose = false

    /// The peer's address and port, read once when the connection is taken over (nil if the system could not tell).
    package let peerAddress: PeerAddress?
    /// Bytes queued but not yet accepted by the kernel.
    package private(set) var queuedByteCount = 0
    /// Receives events. Weak: the owner holds the connection. Each report holds a strong reference for its
    /// duration, because the owner may drop its last reference to itself (closing) inside the call.
    package weak var delegate: (any SocketConnectionDelegate)?

    /// Takes ownership of a connected, non-blocking `descriptor`. Call `startReading()` once the delegate is set.
    package init(loop: Loop, descriptor: Int32) {
        self.loop = loop
        self.descriptor = descriptor
        self.peerAddress = PeerAddress.ofConnectedSocket(descriptor)
        readWatcher = FileDescriptorWatcher(loop: loop, descriptor: descriptor, interest: .readable) {
            [unowned self] in readReady()
        }
        writeWatcher = FileDescriptorWatcher(loop: loop, descriptor: descriptor, interest: .writable) {
            [unowned self] in flush()
        }
    }

    /// Starts (or resumes) delivering received bytes.
    package func startReading() { readWatcher?.arm() }

    /// Stops delivering received bytes; the kernel buffer then pushes back on the peer.
    package func pauseReading() { readWatcher?.disarm() }

    /// Sends `bytes` to the peer: written at once when nothing else is queued, the rest copied and queued. Inside
    /// `Loop.batchingWrites` everything is queued and sent when the batch ends.
    package func write(_ bytes: UnsafeRawBufferPointer) {
        guard descriptor >= 0, !isClosingAfterFlush, !bytes.isEmpty else { return }
        var start = 0
        if outbound.isEmpty, !isHeldForBatch, loop.isBatchingWrites {
            isHeldForBatch = true
            loop.sendAfterBatch(self)
        } else if outbound.isEmpty {
            while true {
                let written = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
                if written >= 0 {
                    start = written
                    break
                }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                peerClosed()
                return
            }
            if start == bytes.count { return }
        }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: rest.count, alignment: 1)
        copy.copyMemory(from: rest)
        outbound.append(copy)
        queuedByteCount += rest.count
        if !isHeldForBatch { writeWatcher?.arm() }
    }

    /// Sends what was queued during a write batch, like any queued bytes (`flush`: one `sendmsg`, the rest when the
    /// socket is writable). Once all is sent the owner hears `socketDrained`: the held bytes counted as queued, so
    /// it may have stopped producing (backpressure).
    func sendBatched() {
        guard isHeldForBatch else { return }
        isHeldForBatch = false
        flush()
    }

    /// Sends `bytes` to the peer (see `write(_:)` for raw buffers).
    package func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Closes once everything queued has been written: half-closes our side, discards what the peer still sends
    /// until it closes or `lingerMilliseconds` pass, then closes.
    package func closeAfterFlush() {
        guard descriptor >= 0, !isClosingAfterFlush else { return }
        isClosingAfterFlush = true
        readWatcher?.arm()
        if outbound.isEmpty {
            beginLinger()
        } else {
            // A peer that never reads must not hold the descriptor forever (nor a drain until its timeout).
            closingTimer().schedule(afterMilliseconds: Self.closingFlushMilliseconds)
        }
    }

    /// Closes the descriptor now, dropping anything queued. Safe to call twice.
    package func close() {
        readWatcher?.close()
        readWatcher = nil
        writeWatcher?.close()
        writeWatcher = nil
        lingerTimer?.close()
        lingerTimer = nil
        for chunk in outbound { chunk.deallocate() }
        outbound = []
        outboundOffset = 0
        queuedByteCount = 0
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    deinit { close() }

    private func readReady() {
        let scratch = loop.readBuffer
        while descriptor >= 0 {
            let count = read(descriptor, scratch.baseAddress, scratch.count)
            if count > 0 {
                if isClosingAfterFlush { continue }  // lingering: discard
                if let delegate { delegate.socketReceived(UnsafeRawBufferPointer(rebasing: scratch[0..<count])) }
                return  // level-triggered: the loop calls again if more is waiting; keeps loops fair
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            // EOF or an error such as ECONNRESET.
            if isClosingAfterFlush {
                finishClosing()
            } else {
                peerClosed()
            }
            return
        }
    }

    private func flush() {
        while descriptor >= 0, !outbound.isEmpty {
            let written = writeQueued()
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    writeWatcher?.arm()
                    return
                }
                peerClosed()
                return
            }
            consume(written)
        }
        writeWatcher?.disarm()
        guard descriptor >= 0 else { return }
        if isClosingAfterFlush {
            beginLinger()
        } else {
            if let delegate { delegate.socketDrained() }
        }
    }

    /// One `sendmsg` over up to 64 queued chunks; MSG_NOSIGNAL so a vanished peer is EPIPE, not SIGPIPE.
    private func writeQueued() -> Int {
        let chunkCount = min(outbound.count, 64)
        // On the stack: every batched write and every drain goes through here.
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: chunkCount) { vectors -> Int in
            for index in 0..<chunkCount {
                let start = index == 0 ? outboundOffset : 0
                let chunk = outbound[index]
                vectors.initializeElement(
                    at: index,
                    to: iovec(iov_base: chunk.baseAddress.map { $0 + start }, iov_len: chunk.count - start)
                )
            }
            var message = msghdr()
            message.msg_iov = vectors.baseAddress
            message.msg_iovlen = chunkCount
            return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
        }
    }

    private func consume(_ written: Int) {
        var remaining = written
        queuedByteCount -= written
        while remaining > 0, let first = outbound.first {
            let available = first.count - outboundOffset
            if remaining >= available {
                remaining -= available
                outbound.removeFirst().deallocate()
                outboundOffset = 0
            } else {
                outboundOffset += remaining
                remaining = 0
            }
        }
    }

    private func beginLinger() {
        shutdown(descriptor, Int32(SHUT_WR))
        closingTimer().schedule(afterMilliseconds: Self.lingerMilliseconds)
    }

    private func closingTimer() -> LoopTimer {
        if let lingerTimer { return lingerTimer }
        let timer = LoopTimer(loop: loop) { [unowned self] in finishClosing() }
        lingerTimer = timer
        return timer
    }

    private func finishClosing() {
        close()
        if let delegate { delegate.socketClosed() }
    }

    private func peerClosed() {
        readWatcher?.disarm()
        writeWatcher?.disarm()
        guard !hasReportedPeerClose else { return }
        hasReportedPeerClose = true
        if let delegate { delegate.socketClosedByPeer() }
    }
}
