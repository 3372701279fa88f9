import CCurl
import EventLoop
import Glibc

/// One libcurl multi handle driven by one loop (DESIGN.md §4): curl tells us which sockets to watch and when to
/// call it back; the loop's watchers and one timer do the rest. Connections, TLS sessions and the DNS cache live
/// in the multi handle, so transfers on this loop reuse them; HTTP/2 streams to one provider share a connection.
/// Loop thread only.
package final class UpstreamClient {
    package let loop: Loop
    private let multi: UnsafeMutableRawPointer
    /// TLS sessions shared by this loop's transfers, so a new connection to a provider resumes a session instead of
    /// a full handshake (connections themselves are reused by the multi handle). One thread only: no locks.
    let share: UnsafeMutableRawPointer?
    private var sockets: [curl_socket_t: WatchedSocket] = [:]
    private var timer: LoopTimer?
    /// Transfers in the multi handle, by the address of their easy handle.
    private var transfers: [UnsafeMutableRawPointer: UpstreamTransfer] = [:]
    /// Non-zero while curl is running one of our callbacks: curl's multi functions may not be called then, so
    /// removals asked for meanwhile wait in `deferredRemovals`.
    private var callbackDepth = 0
    private var deferredRemovals: [UpstreamTransfer] = []
    private var isClosed = false

    /// Idle provider connections a loop keeps for reuse.
    static let idleConnectionLimit = 256

    private static let globalInitialisation: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// A client for `loop`.
    package init(loop: Loop) throws(UpstreamClientError) {
        guard Self.globalInitialisation, let multi = curl_multi_init() else { throw .unavailable }
        self.loop = loop
        self.multi = multi
        share = curl_share_init()
        if let share { relay_curl_share_setopt_long(share, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue)) }
        // curl's default keeps 4 idle connections per transfer in flight: when a loop's concurrency dips it closes
        // provider connections and opens them again later (a TLS handshake each). Keep a fixed pool instead.
        relay_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, Self.idleConnectionLimit)
        let context = Unmanaged.passUnretained(self).toOpaque()
        relay_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        relay_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        relay_curl_multi_setopt_socket_callback(multi) { _, socket, what, context, _ in
            guard let context else { return 0 }
            Unmanaged<UpstreamClient>.fromOpaque(context).takeUnretainedValue().watch(socket, what: what)
            return 0
        }
        relay_curl_multi_setopt_timer_callback(multi) { _, milliseconds, context in
            guard let context else { return 0 }
            Unmanaged<UpstreamClient>.fromOpaque(context).takeUnretainedValue().scheduleTimer(milliseconds)
            return 0
        }
        timer = LoopTimer(loop: loop) { [unowned self] in
            drive { curl_multi_socket_action(multi, relay_curl_socket_bad, 0, $0) }
        }
    }

    /// Starts `request`; `delegate` hears of the head, the body and the end, on this loop. The transfer is
    /// running when this returns (or has already failed, told through the delegate on a later turn).
    package func start(_ request: UpstreamRequest, delegate: any UpstreamTransferDelegate) -> UpstreamTransfer {
        let transfer = UpstreamTransfer(client: self, request: request, delegate: delegate)
        guard !isClosed, let easy = transfer.easy else {
            let bound = LoopBound(transfer)
            loop.execute { bound.value.failBeforeStart() }
            return transfer
        }
        transfers[easy] = transfer
        curl_multi_add_handle(multi, easy)
        return transfer
    }

    /// Number of transfers in flight on this loop.
    package var activeTransferCount: Int { transfers.count }

    /// Ends every transfer without telling their delegates and frees the multi handle.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        for transfer in Array(transfers.values) { remove(transfer) }
        for socket in sockets.values { socket.close() }
        sockets = [:]
        timer?.close()
        curl_multi_cleanup(multi)
        if let share { curl_share_cleanup(share) }
    }

    // MARK: Driving curl

    /// Runs a curl call that may invoke our callbacks, then handles finished transfers and deferred removals.
    /// Writes to clients made meanwhile are batched (`Loop.batchingWrites`): a response head, its body and its end
    /// delivered by one curl call leave in one `sendmsg`.
    func drive(_ action: (UnsafeMutablePointer<Int32>) -> CURLMcode) {
        var running: Int32 = 0
        whileInsideCurl { _ = action(&running) }
    }

    /// Runs `body` with callbacks allowed to happen inside it (e.g. `curl_easy_pause`, which may deliver data).
    func whileInsideCurl(_ body: () -> Void) {
        loop.batchingWrites {
            callbackDepth += 1
            body()
            callbackDepth -= 1
            if callbackDepth == 0 {
                collectFinished()
                removeDeferred()
            }
        }
    }

    /// Takes `transfer` out of the multi handle now, or right after the current curl call.
    func remove(_ transfer: UpstreamTransfer) {
        guard let easy = transfer.easy else { return }
        if callbackDepth > 0 {
            deferredRemovals.append(transfer)
            return
        }
        transfers[easy] = nil
        curl_multi_remove_handle(multi, easy)
        transfer.release()
    }

    private func removeDeferred() {
        while !deferredRemovals.isEmpty {
            let pending = deferredRemovals
            deferredRemovals = []
            for transfer in pending { remove(transfer) }
        }
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            guard let transfer = transfers[easy] else { continue }
            transfers[easy] = nil
            curl_multi_remove_handle(multi, easy)
            transfer.finished(code)
        }
    }

    private func scheduleTimer(_ milliseconds: Int) {
        if milliseconds < 0 {
            timer?.cancel()
        } else {
            timer?.schedule(afterMilliseconds: milliseconds)
        }
    }

    private func watch(_ socket: curl_socket_t, what: Int32) {
        if what == CURL_POLL_REMOVE {
            sockets.removeValue(forKey: socket)?.close()
            return
        }
        let watched = sockets[socket] ?? WatchedSocket(descriptor: socket)
        sockets[socket] = watched
        watched.update(
            loop: loop,
            readable: what == CURL_POLL_IN || what == CURL_POLL_INOUT,
            writable: what == CURL_POLL_OUT || what == CURL_POLL_INOUT
        ) { [unowned self] event in
            drive { curl_multi_socket_action(multi, socket, event, $0) }
        }
    }
}

/// Why no upstream client could be made.
package enum UpstreamClientError: Error, Equatable {
    case unavailable
}

/// The loop's watchers of one curl socket: one per direction, made when first needed.
private final class WatchedSocket {
    let descriptor: curl_socket_t
    private var reader: FileDescriptorWatcher?
    private var writer: FileDescriptorWatcher?

    init(descriptor: curl_socket_t) { self.descriptor = descriptor }

    func update(loop: Loop, readable: Bool, writable: Bool, ready: @escaping (Int32) -> Void) {
        if readable {
            if reader == nil {
                reader = FileDescriptorWatcher(loop: loop, descriptor: descriptor, interest: .readable) {
                    ready(CURL_CSELECT_IN)
                }
            }
            reader?.arm()
        } else {
            reader?.disarm()
        }
        if writable {
            if writer == nil {
                writer = FileDescriptorWatcher(loop: loop, descriptor: descriptor, interest: .writable) {
                    ready(CURL_CSELECT_OUT)
                }
            }
            writer?.arm()
        } else {
            writer?.disarm()
        }
    }

    func close() {
        reader?.close()
        writer?.close()
    }
}
