/// The one Lua script of CONTRACT.md E2: checks and counts every limit of a request in one round trip, on Redis's
/// own clock (`TIME`), with the arithmetic of `SlidingWindow` step for step.
///
/// `KEYS[i]` is one hash per limit and identity (`{byok-rl}:<limit>:<hex>`; the hash tag keeps every key in one
/// cluster slot) with the fields `b` (bucket index), `c` (count in that bucket) and `p` (count in the one before).
/// `ARGV[2i-1]` is L and `ARGV[2i]` W in milliseconds. Limits are decided in order and the first refusal ends the
/// run, as in `InProcessRateLimiter`. An admission writes the hash and sets its expiry to two windows; a refusal
/// writes nothing. The reply is, per decided limit, `admitted (1/0), remaining, reset milliseconds`.
///
/// Every number stays an integer below 2^52 (L ≤ 10^6, W ≤ 3.6 × 10^6 ms, times in ms), so Lua's doubles hold
/// them exactly, and `floor(a / b)` of such integers is exact.
package enum RedisScript {
    /// The hash tag every key carries (E2).
    package static let hashTag = "{byok-rl}"

    /// The key of one limit for one identity.
    package static func key(_ kind: RateLimitKind, _ key: RateLimitKey) -> String {
        hashTag + ":" + kind.name + ":" + key.hex
    }

    package static let source = """
        if redis.replicate_commands then redis.replicate_commands() end
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local reply = {}
        for i = 1, #KEYS do
          local limit = tonumber(ARGV[2 * i - 1])
          local window = tonumber(ARGV[2 * i])
          local bucket = math.floor(now / window)
          local elapsed = now - bucket * window
          local state = redis.call('HMGET', KEYS[i], 'b', 'c', 'p')
          local stored = tonumber(state[1])
          local previous, current = 0, 0
          if stored == bucket then
            previous = tonumber(state[3]) or 0
            current = tonumber(state[2]) or 0
          elseif stored == bucket - 1 then
            previous = tonumber(state[2]) or 0
          end
          local carried = previous * (window - elapsed)
          local admitted = carried + current * window < limit * window
          if admitted then
            current = current + 1
            redis.call('HSET', KEYS[i], 'b', bucket, 'c', current, 'p', previous)
            redis.call('PEXPIRE', KEYS[i], 2 * window)
          end
          local headroom = limit * window - carried - current * window
          local remaining = 0
          if headroom > 0 then remaining = math.floor((headroom + window - 1) / window) end
          local needed = remaining * window - headroom + 1
          local reset
          if previous > 0 and carried >= needed then
            reset = math.floor((needed + previous - 1) / previous)
          elseif current > 0 then
            reset = (window - elapsed) + math.floor((needed - carried + current - 1) / current)
          else
            reset = (window - elapsed) + window
          end
          if reset < 1 then reset = 1 end
          reply[#reply + 1] = admitted and 1 or 0
          reply[#reply + 1] = remaining
          reply[#reply + 1] = reset
          if not admitted then break end
        end
        return reply
        """

    /// `EVALSHA sha numkeys key… L W …` for `request`.
    package static func evalArguments(sha: String, _ request: RateLimitRequest) -> [String] {
        var arguments = ["EVALSHA", sha, String(request.count)]
        for index in 0..<request.count {
            arguments.append(key(request[index].policy.kind, request[index].key))
        }
        for index in 0..<request.count {
            let policy = request[index].policy
            arguments.append(String(policy.limit))
            arguments.append(String(policy.windowMilliseconds))
        }
        return arguments
    }

    /// The decision in a script reply (its integers in order), or nil when the reply does not fit `request`.
    package static func decision(_ integers: [Int64], for request: RateLimitRequest) -> RateLimitDecision? {
        guard integers.count == 3 || integers.count == 6, integers.count / 3 <= request.count else { return nil }
        func verdict(_ index: Int) -> RateLimitVerdict? {
            let base = index * 3
            guard integers[base] == 0 || integers[base] == 1, integers[base + 1] >= 0, integers[base + 2] >= 1
            else { return nil }
            let outcome = SlidingWindow.Outcome(
                isAdmitted: integers[base] == 1,
                remaining: Int(integers[base + 1]),
                resetMilliseconds: integers[base + 2]
            )
            return RateLimitVerdict(request[index].policy, outcome)
        }
        guard let first = verdict(0) else { return nil }
        // A second verdict exactly when there is a second check and the first admitted.
        let expectsSecond = request.second != nil && first.isAdmitted
        guard expectsSecond == (integers.count == 6) else { return nil }
        let second = expectsSecond ? verdict(1) : nil
        if expectsSecond && second == nil { return nil }
        return RateLimitDecision(first, then: second, isShared: true)
    }
}
