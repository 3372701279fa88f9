-- wrk script for scripts/bench-ratelimit: GET /health from many clients, told apart by X-Forwarded-For (the relays
-- run with TRUST_PROXY=1), so every request is checked against the global limit (CONTRACT.md §7.1) of one of
-- CLIENTS identities and none comes near it.
--
--   wrk -t2 -c32 -d10s --latency -s bench/ratelimit.lua http://127.0.0.1:PORT -- CLIENTS
--
-- There is deliberately no response() callback: wrk would then parse every response's headers into a Lua table,
-- and the limited relays send four more headers than the unlimited one, so wrk's own cost would differ between the
-- columns. Refusals show up in wrk's "Non-2xx or 3xx responses" count, which the script reports as errors.

local thread_count = 0

function setup(thread)
    thread:set("thread_index", thread_count)
    thread_count = thread_count + 1
end

local clients = 4096
local next_client = 0

function init(args)
    clients = tonumber(args[1] or "4096")
    next_client = (thread_index or 0) * 7919
end

function request()
    next_client = (next_client + 1) % clients
    local address = string.format("10.%d.%d.%d", math.floor(next_client / 65536) % 256,
        math.floor(next_client / 256) % 256, next_client % 256)
    return wrk.format("GET", "/health", { ["X-Forwarded-For"] = address })
end
