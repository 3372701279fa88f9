import EventLoop
import Glibc

/// One loop's limits with `REDIS_URL` (CONTRACT.md E2): each call is one `EVALSHA` of `RedisScript` on this loop's
/// hiredis connection; a call Redis does not answer within `REDIS_TIMEOUT_MS` (a loop timer: hiredis 0.14 has no
/// async timeouts), or answers with an error, is judged by the process's `InProcessRateLimiter` instead (degraded
/// mode), and the connection is dropped and re-established with backoff. When an attempt succeeds the loop is
/// shared again at once. Loop thread only.
///
/// Handshake, queued before the TCP connection is even up: `AUTH` (when the URL has a password), `SELECT` (a
/// database other than 0), `SCRIPT LOAD`. The loaded script's SHA-1 comes back from Redis. `NOSCRIPT` (a script
/// cache flushed under us) reloads the script and sends the call again within the same deadline; `MOVED` makes the
/// loop reconnect to the node it names (best effort: until that node fails, then back to the URL's host).
package final class RedisRateLimiter: RateLimiter {
    private let loop: Loop
    private let endpoint: RedisEndpoint
    private let timeoutMilliseconds: Int
    private let connectTimeoutMilliseconds: Int
    private let fallback: InProcessRateLimiter
    private let status: RedisStatus
    private let resolver: BlockingPool
    private let logger: Logger?
    private var machine = RedisConnectionStateMachine()
    private var link: RedisLink?
    /// Numbers connect attempts, so a late host lookup for an abandoned attempt is ignored.
    private var attempt = 0
    private var scriptSHA = ""
    /// Where the next attempt goes: the URL's host, or the node a `MOVED` named.
    private var redirect: (host: String, port: Int)?
    /// Calls not yet answered, by tag; `order` holds their tags oldest first (deadlines fall in that order).
    private var calls: [UInt: Call] = [:]
    private var order: [UInt] = []
    private var orderHead = 0
    private var nextTag = Tag.firstCall
    private var deadlineTimer: LoopTimer?
    private var connectTimer: LoopTimer?
    private var reconnectTimer: LoopTimer?
    private var reportedDegraded = false

    /// Tags of the handshake's commands; calls are numbered from `firstCall`.
    private enum Tag {
        static let authenticate: UInt = 1
        static let select: UInt = 2
        static let loadScript: UInt = 3
        static let reloadScript: UInt = 4
        static let firstCall: UInt = 16
    }

    private struct Call {
        let request: RateLimitRequest
        let deadline: UInt64
        let completion: (RateLimitDecision) -> Void
        var isSent = false
        var hasReloadedScript = false
    }

    /// A limiter that starts connecting at once. `resolver` runs host name lookups off the loop (hiredis would
    /// resolve synchronously, DESIGN.md §6). Call on `loop`'s thread.
    package init(
        loop: Loop,
        endpoint: RedisEndpoint,
        timeoutMilliseconds: Int,
        fallback: InProcessRateLimiter,
        status: RedisStatus,
        resolver: BlockingPool,
        logger: Logger?
    ) {
        self.loop = loop
        self.endpoint = endpoint
        self.timeoutMilliseconds = timeoutMilliseconds
        // A connect plus the handshake is three round trips: give it more than one call's deadline.
        connectTimeoutMilliseconds = max(1000, timeoutMilliseconds)
        self.fallback = fallback
        self.status = status
        self.resolver = resolver
        self.logger = logger
        carryOut(machine.started())
    }

    // MARK: RateLimiter

    package func immediateDecision(_ request: RateLimitRequest) -> RateLimitDecision? {
        guard machine.callArrived() == .judgeLocally else { return nil }
        return fallback.decision(request)
    }

    package func decide(_ request: RateLimitRequest, completion: @escaping (RateLimitDecision) -> Void) {
        let route = machine.callArrived()
        guard route != .judgeLocally else { return completion(fallback.decision(request)) }
        let tag = nextTag
        nextTag += 1
        let deadline = MonotonicClock.nowNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000
        calls[tag] = Call(request: request, deadline: deadline, completion: completion)
        order.append(tag)
        if calls.count == 1 { armDeadlineTimer() }
        if route == .send { send(tag) }
    }

    package func close() {
        carryOut(machine.closeRequested())
    }

    // MARK: Carrying out the state machine's actions

    private func carryOut(_ action: RedisConnectionStateMachine.Action) {
        switch action {
        case .none:
            return
        case .connect:
            startAttempt()
        case .startSending:
            connectTimer?.cancel()
            if reportedDegraded {
                reportedDegraded = false
                status.loopRecovered()
            }
            for tag in order[orderHead...] where calls[tag]?.isSent == false { send(tag) }
        case .dropAndReconnect(let milliseconds):
            dropLink()
            judgeEveryCallLocally()
            enterDegradedMode(reason: "redirected")
            // Equal jitter: replicas that lost Redis together do not come back in lockstep.
            let delay = milliseconds / 2 + Int.random(in: 0...(milliseconds / 2))
            timer(&reconnectTimer) { [unowned self] in carryOut(machine.reconnectTimerFired()) }
                .schedule(afterMilliseconds: delay)
        case .closeEverything:
            dropLink()
            judgeEveryCallLocally()
            for timer in [deadlineTimer, connectTimer, reconnectTimer] { timer?.close() }
            if reportedDegraded {
                reportedDegraded = false
                status.loopRecovered()
            }
        }
    }

    private func startAttempt() {
        attempt += 1
        let current = attempt
        timer(&connectTimer) { [unowned self] in connectTimerFired() }
            .schedule(afterMilliseconds: connectTimeoutMilliseconds)
        let host = redirect?.host ?? endpoint.host
        let port = redirect?.port ?? endpoint.port
        if Self.isNumericAddress(host) { return openLink(address: host, port: port) }
        let loop = self.loop
        let bound = LoopBound(self)
        let submitted = resolver.submit {
            let address = Self.firstAddress(of: host)
            loop.execute { bound.value.hostResolved(address, port: port, attempt: current) }
        }
        if !submitted { failed("host lookup unavailable") }
    }

    private func hostResolved(_ address: String?, port: Int, attempt resolvedAttempt: Int) {
        guard resolvedAttempt == attempt, machine.isConnecting, link == nil else { return }  // abandoned
        guard let address else { return failed("host name did not resolve") }
        openLink(address: address, port: port)
    }

    private func openLink(address: String, port: Int) {
        let link = RedisLink(loop: loop, address: address, port: port) { [unowned self] event in
            linkReported(event)
        }
        guard let link else { return failed("cannot open a connection") }
        self.link = link
        var handshake: [(UInt, [String])] = []
        if let password = endpoint.password {
            let arguments = endpoint.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            handshake.append((Tag.authenticate, arguments))
        }
        if endpoint.database != 0 { handshake.append((Tag.select, ["SELECT", String(endpoint.database)])) }
        handshake.append((Tag.loadScript, ["SCRIPT", "LOAD", RedisScript.source]))
        for (tag, arguments) in handshake where !link.send(arguments, tag: tag) {
            return failed("cannot queue the handshake")
        }
    }

    private func linkReported(_ event: RedisLink.Event) {
        switch event {
        case .connected:
            return
        case .lost(let message):
            logger?.debug("Redis connection lost", [("error", .string(message))])
            link = nil
            failed("connection lost")
        case .reply(let tag, let reply):
            switch tag {
            case Tag.authenticate, Tag.select:
                if case .error(let message) = reply {
                    logger?.debug("Redis refused the handshake", [("error", .string(message))])
                    failed(tag == Tag.authenticate ? "authentication failed" : "SELECT failed")
                }
            case Tag.loadScript:
                guard case .text(let sha) = reply, !sha.isEmpty else { return failed("SCRIPT LOAD failed") }
                scriptSHA = sha
                carryOut(machine.connectSucceeded())
            case Tag.reloadScript:
                if case .text(let sha) = reply, !sha.isEmpty { scriptSHA = sha }
            default:
                callAnswered(tag, reply)
            }
        }
    }

    // MARK: Calls

    private func send(_ tag: UInt) {
        guard let call = calls[tag], let link else { return }
        calls[tag]?.isSent = true
        if !link.send(RedisScript.evalArguments(sha: scriptSHA, call.request), tag: tag) {
            failed("cannot queue a call")
        }
    }

    private func callAnswered(_ tag: UInt, _ reply: RedisReply) {
        guard let call = calls[tag] else { return }  // answered in process already
        if case .integers(let integers) = reply, let decision = RedisScript.decision(integers, for: call.request) {
            return finish(tag, decision)
        }
        if reply.errorCode == "NOSCRIPT", !call.hasReloadedScript, let link {
            // The script cache was flushed: load it again and resend, still under the first deadline.
            calls[tag]?.hasReloadedScript = true
            if link.send(["SCRIPT", "LOAD", RedisScript.source], tag: Tag.reloadScript),
                link.send(RedisScript.evalArguments(sha: scriptSHA, call.request), tag: tag)
            {
                return
            }
        }
        finish(tag, fallback.decision(call.request))
        if let moved = reply.movedAddress {
            logger?.debug("Redis answered MOVED; reconnecting to the node it names")
            redirect = moved
            return carryOut(machine.redirected())
        }
        if case .error(let message) = reply {
            logger?.debug("Redis answered a rate-limit call with an error", [("error", .string(message))])
        }
        failed("unexpected reply")
    }

    private func finish(_ tag: UInt, _ decision: RateLimitDecision) {
        guard let call = calls.removeValue(forKey: tag) else { return }
        advanceOrder()
        call.completion(decision)
    }

    /// Every unanswered call gets the in-process verdict now.
    private func judgeEveryCallLocally() {
        let waiting = order[orderHead...].compactMap { calls[$0] }
        calls = [:]
        order = []
        orderHead = 0
        deadlineTimer?.cancel()
        for call in waiting { call.completion(fallback.decision(call.request)) }
    }

    // MARK: Deadlines and failures

    private func armDeadlineTimer() {
        advanceOrder()
        guard orderHead < order.count, let front = calls[order[orderHead]] else {
            deadlineTimer?.cancel()
            return
        }
        let now = MonotonicClock.nowNanoseconds()
        let remaining = front.deadline > now ? Int((front.deadline - now + 999_999) / 1_000_000) : 0
        timer(&deadlineTimer) { [unowned self] in deadlineTimerFired() }.schedule(afterMilliseconds: remaining)
    }

    /// Drops answered tags from the front of `order`, compacting now and then.
    private func advanceOrder() {
        while orderHead < order.count, calls[order[orderHead]] == nil { orderHead += 1 }
        if orderHead == order.count {
            order.removeAll(keepingCapacity: true)
            orderHead = 0
        } else if orderHead > 64, orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }

    private func deadlineTimerFired() {
        let now = MonotonicClock.nowNanoseconds()
        var expiredSent = false
        var expiredWaiting = false
        while orderHead < order.count {
            let tag = order[orderHead]
            guard let call = calls[tag] else {
                orderHead += 1
                continue
            }
            guard call.deadline <= now + 500_000 else { break }
            if call.isSent { expiredSent = true } else { expiredWaiting = true }
            finish(tag, fallback.decision(call.request))
        }
        if expiredSent {
            failed("timeout")
        } else {
            if expiredWaiting {
                machine.waitTimedOut()
                if machine.isDegraded { enterDegradedMode(reason: "connect timeout") }
            }
            armDeadlineTimer()
        }
    }

    private func connectTimerFired() {
        guard machine.isConnecting else { return }
        failed("connect timeout")
    }

    private func failed(_ reason: String) {
        status.callFailed()
        // A node a `MOVED` named that cannot be reached: the next attempt goes to the URL's host again.
        if machine.isConnecting { redirect = nil }
        let action = machine.failed()
        guard action != .none else { return }
        logger?.debug("Redis call or connect attempt failed", [("reason", .string(reason))])
        enterDegradedMode(reason: reason)
        carryOut(action)
    }

    private func enterDegradedMode(reason: String = "unreachable") {
        guard !reportedDegraded else { return }
        reportedDegraded = true
        status.loopDegraded(reason: reason)
    }

    private func dropLink() {
        connectTimer?.cancel()
        link?.close()
        link = nil
        attempt += 1  // a lookup still running belongs to an abandoned attempt
    }

    private func timer(_ slot: inout LoopTimer?, fired: @escaping () -> Void) -> LoopTimer {
        if let timer = slot { return timer }
        let timer = LoopTimer(loop: loop, fired: fired)
        slot = timer
        return timer
    }

    // MARK: Host names

    private static func isNumericAddress(_ host: String) -> Bool {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        return inet_pton(AF_INET, host, &ipv4) == 1 || inet_pton(AF_INET6, host, &ipv6) == 1
    }

    /// The first address `getaddrinfo` gives for `host`, numeric; nil when it has none. Blocks: resolver pool only.
    private static func firstAddress(of host: String) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard
            getnameinfo(
                first.pointee.ai_addr,
                first.pointee.ai_addrlen,
                &text,
                socklen_t(text.count),
                nil,
                0,
                NI_NUMERICHOST
            )
                == 0
        else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
