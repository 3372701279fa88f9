import CHiredis
import EventLoop
import Glibc

/// Owns one `redisAsyncContext *` on one loop, from `redisAsyncConnect` to its free, attached to the loop's
/// `event_base` with hiredis's libevent adapter (STYLE.md §2). Loop thread only. A link never reconnects: the
/// owner drops a lost one and makes another. Raw hiredis pointers stay in this file.
///
/// hiredis 0.14.1 frees the context itself when the connection fails or breaks (after the connect callback with an
/// error, or after running every pending reply callback with a NULL reply and then the disconnect callback), and
/// `redisAsyncFree` runs those same callbacks. So: the first sign of loss is reported once as `.lost` and every
/// later callback is ignored; `close()` frees only a context hiredis has not already taken back; and the link
/// keeps itself alive (the context's `data` holds a retained reference) until a job posted after the loss or
/// close has run, by which time hiredis is done calling into it.
final class RedisLink {
    /// What the link reports to its owner, on the loop thread.
    enum Event {
        /// The TCP connection is up (commands sent before this were queued and now go out).
        case connected
        /// A reply to the command sent with `tag`.
        case reply(tag: UInt, RedisReply)
        /// The connection failed or broke; hiredis's error text, for debug logs only. Reported once; nothing
        /// follows.
        case lost(String)
    }

    private var context: UnsafeMutablePointer<redisAsyncContext>?
    private let loop: Loop
    private let report: (Event) -> Void
    private var isOpen = true
    private var retainedSelf: Unmanaged<RedisLink>?

    /// Starts connecting to `address` (numeric: hiredis would resolve a name on the loop, DESIGN.md §6) and `port`.
    /// Nil when hiredis refuses at once (out of memory, socket failure); the reason is in `failure`.
    init?(loop: Loop, address: String, port: Int, report: @escaping (Event) -> Void) {
        self.loop = loop
        self.report = report
        guard let context = redisAsyncConnect(address, Int32(port)) else { return nil }
        if context.pointee.err != 0 {
            redisAsyncFree(context)
            return nil
        }
        let attached = loop.withUnsafeEventBase { base in redisLibeventAttach(context, base) }
        guard attached == REDIS_OK else {
            redisAsyncFree(context)
            return nil
        }
        self.context = context
        let retained = Unmanaged.passRetained(self)
        retainedSelf = retained
        context.pointee.data = retained.toOpaque()
        redisAsyncSetConnectCallback(context) { context, status in
            RedisLink.owner(of: context)?.connectReported(succeeded: status == REDIS_OK)
        }
        redisAsyncSetDisconnectCallback(context) { context, _ in
            RedisLink.owner(of: context)?.disconnected()
        }
    }

    deinit { assert(context == nil, "RedisLink released with its context open") }

    /// Queues a command; its reply is reported with `tag` (never 0). False when the link is closed or lost.
    func send(_ arguments: [String], tag: UInt) -> Bool {
        guard isOpen, let context else { return false }
        var buffer: [UInt8] = []
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(buffer.count)
            buffer.append(contentsOf: argument.utf8)
            lengths.append(argument.utf8.count)
        }
        buffer.append(0)  // never empty, so the base address is never nil
        let status = buffer.withUnsafeBufferPointer { bytes -> Int32 in
            guard let base = UnsafeRawPointer(bytes.baseAddress) else { return REDIS_ERR }
            var pointers: [UnsafePointer<CChar>?] = offsets.map {
                base.advanced(by: $0).assumingMemoryBound(to: CChar.self)
            }
            // hiredis formats the command into its own output buffer before returning.
            return pointers.withUnsafeMutableBufferPointer { pointerBuffer in
                redisAsyncCommandArgv(
                    context,
                    { context, reply, tag in
                        RedisLink.owner(of: context)?.replyArrived(reply, tag: UInt(bitPattern: tag))
                    },
                    UnsafeMutableRawPointer(bitPattern: tag),
                    Int32(arguments.count),
                    pointerBuffer.baseAddress,
                    lengths
                )
            }
        }
        return status == REDIS_OK
    }

    /// Frees the connection; nothing is reported afterwards. Safe to call twice, and from a reply callback
    /// (hiredis then frees after the callback returns).
    func close() {
        isOpen = false
        if let context {
            self.context = nil
            redisAsyncFree(context)
        }
        releaseLater()
    }

    // MARK: hiredis callbacks

    private static func owner(of context: UnsafePointer<redisAsyncContext>?) -> RedisLink? {
        guard let data = context?.pointee.data else { return nil }
        return Unmanaged<RedisLink>.fromOpaque(data).takeUnretainedValue()
    }

    private func connectReported(succeeded: Bool) {
        guard isOpen else { return }
        if succeeded {
            report(.connected)
        } else {
            // hiredis frees the context after this callback returns.
            lose()
        }
    }

    private func disconnected() {
        // hiredis frees the context after this callback returns.
        guard isOpen else { return }
        lose()
    }

    private func replyArrived(_ reply: UnsafeMutableRawPointer?, tag: UInt) {
        guard isOpen else { return }
        guard let reply else {
            // A NULL reply: hiredis is freeing the context (the connection broke).
            lose()
            return
        }
        report(.reply(tag: tag, Self.copy(reply.assumingMemoryBound(to: redisReply.self))))
    }

    private func lose() {
        let message = context.flatMap { $0.pointee.errstr.map { String(cString: $0) } } ?? "connection lost"
        isOpen = false
        context = nil
        releaseLater()
        report(.lost(message))
    }

    /// Ends the self-retain once hiredis can no longer call back: after the current callback (and the free that
    /// may follow it) has returned.
    private func releaseLater() {
        guard let retained = retainedSelf else { return }
        retainedSelf = nil
        let bound = LoopBound(retained)
        loop.execute { bound.value.release() }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STATUS, REDIS_REPLY_STRING:
            return .text(text(value.str, value.len))
        case REDIS_REPLY_ERROR:
            return .error(text(value.str, value.len))
        case REDIS_REPLY_INTEGER:
            return .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            var integers: [Int64] = []
            for index in 0..<Int(value.elements) {
                guard let element = value.element[index], element.pointee.type == REDIS_REPLY_INTEGER else {
                    return .other
                }
                integers.append(element.pointee.integer)
            }
            return .integers(integers)
        default:
            return .other
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
