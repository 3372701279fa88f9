import CCurl
import EventLoop
import Glibc

/// One request in flight on an `UpstreamClient`: a curl easy handle with its callbacks, the request body as it
/// arrives, pausing in both directions, and the head and idle deadlines (CONTRACT.md §5.8, §5.9). Loop thread only.
///
/// Backpressure: when the delegate cannot take body bytes (the browser reads slowly) the write callback returns
/// `CURL_WRITEFUNC_PAUSE`, so curl stops reading from the provider; `resume()` continues. When the request body
/// has not arrived yet the read callback returns `CURL_READFUNC_PAUSE`; `appendBody` continues.
package final class UpstreamTransfer {
    private unowned let client: UpstreamClient
    private(set) var easy: UnsafeMutableRawPointer?
    private weak var delegate: (any UpstreamTransferDelegate)?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private var head = ResponseHeadParser()
    private var isDone = false

    // Request body.
    private var upload: [UInt8] = []
    private var uploadOffset = 0
    private var uploadEnded: Bool
    private var isSendPaused = false

    // Response body.
    private var isReceivePaused = false
    private var blockedAddressSeen = false

    // Deadlines: one timer, checked when it fires (cheaper than re-arming it for every chunk).
    private var deadline: LoopTimer?
    private let headTimeout: UInt64
    private let idleTimeout: UInt64
    /// Time counted towards the head timeout so far, and since when the clock runs (nil while the read callback
    /// waits for the client's body, which does not count).
    private var headElapsed: UInt64 = 0
    private var headClockStartedAt: UInt64?
    private var lastBodyActivityAt: UInt64 = 0

    init(client: UpstreamClient, request: UpstreamRequest, delegate: any UpstreamTransferDelegate) {
        self.client = client
        self.delegate = delegate
        self.headTimeout = UInt64(max(request.headTimeoutMilliseconds, 1)) * 1_000_000
        self.idleTimeout = UInt64(max(request.idleTimeoutMilliseconds, 1)) * 1_000_000
        switch request.body {
        case .none:
            uploadEnded = true
        case .complete(let bytes):
            upload = bytes
            uploadEnded = true
        case .streamed:
            uploadEnded = false
        }
        guard let easy = curl_easy_init() else { return }
        self.easy = easy
        configure(easy, request)
        headClockStartedAt = MonotonicClock.nowNanoseconds()
        deadline = LoopTimer(loop: client.loop) { [unowned self] in deadlineReached() }
        deadline?.schedule(afterMilliseconds: request.headTimeoutMilliseconds)
    }

    // MARK: Owner's controls

    /// Hands more request body to curl (`.streamed` bodies).
    package func appendBody(_ bytes: UnsafeRawBufferPointer) {
        guard !isDone, !bytes.isEmpty else { return }
        if uploadOffset > 0, uploadOffset == upload.count {
            upload.removeAll(keepingCapacity: true)
            uploadOffset = 0
        }
        upload.append(contentsOf: bytes)
        continueSending()
    }

    /// The request body is complete.
    package func endBody() {
        guard !isDone, !uploadEnded else { return }
        uploadEnded = true
        continueSending()
    }

    /// The delegate can take body bytes again.
    package func resume() {
        guard !isDone, isReceivePaused, let easy else { return }
        isReceivePaused = false
        lastBodyActivityAt = MonotonicClock.nowNanoseconds()
        let mask = isSendPaused ? relay_curl_pause_send : relay_curl_pause_continue
        client.whileInsideCurl { _ = curl_easy_pause(easy, mask) }
    }

    /// Stops the transfer at once without telling the delegate: the provider connection is closed (HTTP/1.1) or
    /// its stream reset (HTTP/2), so generation stops (CONTRACT.md §5.8, client disconnect).
    package func cancel() {
        guard !isDone else { return }
        isDone = true
        delegate = nil
        deadline?.cancel()
        client.remove(self)
    }

    // MARK: Called by the client

    /// curl finished the transfer (`CURLMSG_DONE`); the handle is already out of the multi handle.
    func finished(_ code: CURLcode) {
        guard !isDone else {
            release()
            return
        }
        let failure: UpstreamFailure?
        if blockedAddressSeen {
            failure = .blockedAddress
        } else if code == CURLE_OK {
            failure = head.isComplete ? nil : .unreachable
        } else if code == CURLE_OPERATION_TIMEDOUT {
            failure = head.isComplete ? .idleTimedOut : .connectTimedOut
        } else {
            failure = .unreachable
        }
        end(failure)
        release()
    }

    /// The easy handle could not be made: fail on the next loop turn, as a refused connection would.
    func failBeforeStart() {
        guard !isDone else { return }
        end(.unreachable)
        release()
    }

    /// Frees curl's handle and lists, wiping the header copies (they hold the provider key).
    func release() {
        isDone = true
        deadline?.close()
        deadline = nil
        if let easy {
            curl_easy_cleanup(easy)
            self.easy = nil
        }
        if let headerList {
            var node: UnsafeMutablePointer<curl_slist>? = headerList
            while let current = node {
                if let data = current.pointee.data { memset(data, 0, strlen(data)) }
                node = current.pointee.next
            }
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
        if let resolveList {
            curl_slist_free_all(resolveList)
            self.resolveList = nil
        }
    }

    private func end(_ failure: UpstreamFailure?) {
        isDone = true
        deadline?.cancel()
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamFinished(failure, headReceived: head.isComplete)
    }

    /// A deadline of our own fired: take the transfer out and report it.
    private func fail(_ failure: UpstreamFailure) {
        guard !isDone else { return }
        client.remove(self)
        end(failure)
    }

    // MARK: Deadlines

    private func deadlineReached() {
        guard !isDone else { return }
        let now = MonotonicClock.nowNanoseconds()
        if !head.isComplete {
            guard let startedAt = headClockStartedAt else { return }  // waiting for the client's body
            let elapsed = headElapsed + (now - startedAt)
            if elapsed >= headTimeout { return fail(.headTimedOut) }
            schedule(afterNanoseconds: headTimeout - elapsed)
        } else if isReceivePaused {
            // Paused for a slow reader: the idle clock does not run (CONTRACT.md §5.9).
            schedule(afterNanoseconds: idleTimeout)
        } else {
            let idle = now - lastBodyActivityAt
            if idle >= idleTimeout { return fail(.idleTimedOut) }
            schedule(afterNanoseconds: idleTimeout - idle)
        }
    }

    private func schedule(afterNanoseconds nanoseconds: UInt64) {
        deadline?.schedule(afterMilliseconds: Int((nanoseconds + 999_999) / 1_000_000))
    }

    // MARK: curl callbacks

    private func headerLine(_ line: UnsafeRawBufferPointer) -> Bool {
        guard !isDone else { return false }
        guard let (status, headers) = head.consume(line) else { return true }
        lastBodyActivityAt = MonotonicClock.nowNanoseconds()
        schedule(afterNanoseconds: idleTimeout)
        delegate?.upstreamHeadReceived(status: status, headers: headers)
        return !isDone
    }

    private func bodyBytes(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !isDone, let delegate else { return 0 }
        if !delegate.upstreamBodyReceived(bytes) {
            if isDone { return 0 }
            isReceivePaused = true
            return Int(CURL_WRITEFUNC_PAUSE)
        }
        lastBodyActivityAt = MonotonicClock.nowNanoseconds()
        return isDone ? 0 : bytes.count
    }

    private func uploadBytes(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !isDone else { return Int(CURL_READFUNC_ABORT) }
        let available = upload.count - uploadOffset
        if available == 0 {
            if uploadEnded { return 0 }
            isSendPaused = true
            stopHeadClock()
            return Int(CURL_READFUNC_PAUSE)
        }
        let count = min(available, buffer.count)
        upload.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploadOffset..<(uploadOffset + count)]))
        }
        uploadOffset += count
        if uploadOffset == upload.count, uploadEnded {
            upload = []
            uploadOffset = 0
        }
        return count
    }

    private func continueSending() {
        guard isSendPaused, let easy else { return }
        isSendPaused = false
        startHeadClock()
        let mask = isReceivePaused ? relay_curl_pause_receive : relay_curl_pause_continue
        client.whileInsideCurl { _ = curl_easy_pause(easy, mask) }
    }

    private func stopHeadClock() {
        guard let startedAt = headClockStartedAt else { return }
        headElapsed += MonotonicClock.nowNanoseconds() - startedAt
        headClockStartedAt = nil
    }

    private func startHeadClock() {
        guard !head.isComplete, headClockStartedAt == nil else { return }
        headClockStartedAt = MonotonicClock.nowNanoseconds()
        if !isDone { schedule(afterNanoseconds: headTimeout > headElapsed ? headTimeout - headElapsed : 0) }
    }

    private func opensSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        if Self.isBlocked(address) {
            blockedAddressSeen = true
            return relay_curl_socket_bad
        }
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    }

    /// CONTRACT.md §5.5 check 10 on the address of a socket about to be opened.
    private static func isBlocked(_ address: UnsafeMutablePointer<curl_sockaddr>) -> Bool {
        withUnsafeBytes(of: &address.pointee.addr) { raw in
            switch Int32(address.pointee.family) {
            case AF_INET:
                let socketAddress = raw.loadUnaligned(as: sockaddr_in.self)
                return AddressClassifier.isBlocked(ipv4: UInt32(bigEndian: socketAddress.sin_addr.s_addr))
            case AF_INET6:
                var socketAddress = raw.loadUnaligned(as: sockaddr_in6.self)
                return withUnsafeBytes(of: &socketAddress.sin6_addr) { AddressClassifier.isBlocked(ipv6Bytes: $0) }
            default:
                return true
            }
        }
    }

    // MARK: Configuration

    private func configure(_ easy: UnsafeMutableRawPointer, _ request: UpstreamRequest) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        relay_curl_easy_setopt_string(easy, CURLOPT_URL, request.url)
        relay_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        relay_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, request.allowsPlainHTTP ? "http,https" : "https")
        // An empty proxy disables HTTP_PROXY, HTTPS_PROXY and ALL_PROXY from the environment (CONTRACT.md §5.5).
        relay_curl_easy_setopt_string(easy, CURLOPT_PROXY, "")
        relay_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        relay_curl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // Bytes pass through as sent: no decompression (CONTRACT.md §5.7).
        relay_curl_easy_setopt_long(easy, CURLOPT_HTTP_CONTENT_DECODING, 0)
        relay_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(request.connectTimeoutMilliseconds, 1))
        // Small buffers: they are held for the life of a stream (DESIGN.md §8, ≤ 16 KiB per open stream). 16 KiB is
        // the smallest upload buffer curl allows, and it is only allocated for streamed bodies (see below).
        relay_curl_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, 8 * 1024)
        relay_curl_easy_setopt_long(easy, CURLOPT_UPLOAD_BUFFERSIZE, 16 * 1024)
        relay_curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        if let share = client.share { relay_curl_easy_setopt_pointer(easy, CURLOPT_SHARE, share) }

        var lines: [String] = []
        lines.reserveCapacity(request.headers.count + 3)
        var (hasAccept, hasContentType) = (false, false)
        for header in request.headers {
            lines.append("\(header.name): \(header.value)")
            switch header.name.lowercased() {
            case "accept": hasAccept = true
            case "content-type": hasContentType = true
            default: break
            }
        }
        // Headers curl would add by itself: none of them came from the client, so none goes upstream.
        if !hasAccept { lines.append("Accept:") }
        // A POST without a body would otherwise get curl's `Content-Type: application/x-www-form-urlencoded`.
        if !hasContentType { lines.append("Content-Type:") }
        lines.append("Expect:")
        for line in lines { headerList = curl_slist_append(headerList, line) }
        relay_curl_easy_setopt_list(easy, CURLOPT_HTTPHEADER, headerList)

        if let pinned = request.pinnedAddresses {
            resolveList = curl_slist_append(nil, pinned.resolveEntry)
            relay_curl_easy_setopt_list(easy, CURLOPT_RESOLVE, resolveList)
            if pinned.checksEverySocket {
                relay_curl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, context)
                relay_curl_easy_setopt_opensocket_callback(easy) { context, _, address in
                    guard let context, let address else { return relay_curl_socket_bad }
                    return Unmanaged<UpstreamTransfer>.fromOpaque(context).takeUnretainedValue().opensSocket(address)
                }
            }
        }

        switch request.method {
        case .get:
            relay_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case .post:
            relay_curl_easy_setopt_long(easy, CURLOPT_POST, 1)
            let length: curl_off_t =
                switch request.body {
                case .none: 0
                case .complete(let bytes): bytes.count
                case .streamed(let length): length ?? -1
                }
            relay_curl_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, length)
            if case .complete = request.body, !upload.isEmpty {
                // A body in hand goes in one piece: no upload buffer, and curl sends it with the head when it fits.
                // curl keeps its own copy (of POSTFIELDSIZE_LARGE bytes, set above, so binary bodies are whole).
                upload.withUnsafeBytes {
                    _ = relay_curl_easy_setopt_pointer(
                        easy,
                        CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: $0.baseAddress)
                    )
                }
                upload = []
            } else {
                relay_curl_easy_setopt_pointer(easy, CURLOPT_READDATA, context)
                relay_curl_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION) { buffer, size, count, context in
                    guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
                    let transfer = Unmanaged<UpstreamTransfer>.fromOpaque(context).takeUnretainedValue()
                    return transfer.uploadBytes(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
                }
            }
        }
        relay_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        relay_curl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { line, size, count, context in
            guard let line, let context else { return 0 }
            let transfer = Unmanaged<UpstreamTransfer>.fromOpaque(context).takeUnretainedValue()
            let accepted = transfer.headerLine(UnsafeRawBufferPointer(start: line, count: size * count))
            return accepted ? size * count : 0
        }
        relay_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        relay_curl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { bytes, size, count, context in
            guard let bytes, let context else { return 0 }
            let transfer = Unmanaged<UpstreamTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.bodyBytes(UnsafeRawBufferPointer(start: bytes, count: size * count))
        }
    }
}
