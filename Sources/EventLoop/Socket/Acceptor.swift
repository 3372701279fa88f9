import CShims
import Glibc

/// Accepts connections on one loop from its own `dup` of the shared listening socket. A loop that loses the race
/// for a connection gets `EAGAIN` and moves on (DESIGN.md §3). Loop thread only.
package final class Acceptor {
    private let loop: Loop
    private var descriptor: Int32
    private var watcher: FileDescriptorWatcher?
    private var retryTimer: LoopTimer?
    private let accepted: (Int32) -> Void

    /// Watches a duplicate of `listener`'s descriptor; `accepted` receives each new non-blocking client descriptor.
    package init(loop: Loop, listener: ListeningSocket, accepted: @escaping (Int32) -> Void) {
        self.loop = loop
        self.descriptor = dup(listener.descriptor)
        self.accepted = accepted
        watcher = FileDescriptorWatcher(loop: loop, descriptor: descriptor, interest: .readable) { [unowned self] in
            acceptPending(limit: 64)
        }
        watcher?.arm()
    }

    /// Accepts every connection already waiting in the backlog, then stops watching and closes this loop's
    /// descriptor (CONTRACT.md E7 step 2: a connection the system completed is served, never reset).
    package func acceptBacklogAndClose() {
        acceptPending(limit: Int.max)
        close()
    }

    /// Stops accepting and closes this loop's descriptor. Safe to call twice.
    package func close() {
        watcher?.close()
        watcher = nil
        retryTimer?.close()
        retryTimer = nil
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    private func acceptPending(limit: Int) {
        var count = 0
        while count < limit, descriptor >= 0 {
            let client = relay_accept4(descriptor, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            if client < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: back off briefly instead of spinning on a readable listener.
                    pauseAccepting()
                    return
                default: return  // EAGAIN: another loop took it, or the backlog is empty
                }
            }
            var one: Int32 = 1
            // Responses are written whole; Nagle would only add latency to the next small write.
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            count += 1
            accepted(client)
        }
    }

    private func pauseAccepting() {
        watcher?.disarm()
        if retryTimer == nil {
            retryTimer = LoopTimer(loop: loop) { [unowned self] in watcher?.arm() }
        }
        retryTimer?.schedule(afterMilliseconds: 100)
    }

    deinit { close() }
}
