-- wrk script for scripts/bench-store: the account routes that touch the store (CONTRACT.md §2.1, §3.1, §3.2).
--
--   wrk -t2 -c32 -d10s --latency -s bench/store.lua http://127.0.0.1:PORT -- MODE [TOKENS_FILE] [APP_SECRET]
--
-- MODE:
--   register  POST /users {"app_id":"bench"} (with Authorization: Bearer APP_SECRET when given; TOKENS_FILE unused,
--             pass "-")
--   store     POST /keys/openai {"key":"sk-bench-0123456789abcdef"}
--   list      GET /keys
-- store and list cycle through the tokens in TOKENS_FILE (one a line): each request takes the next token, and each
-- wrk thread starts at its own offset, so concurrent requests rarely share a user row.
--
-- The first few non-200 answers per thread are written to standard error (status and body), so a relay failure
-- under load is visible, not just counted.

local thread_count = 0

function setup(thread)
    thread:set("thread_index", thread_count)
    thread_count = thread_count + 1
end

local mode
local tokens = {}
local next_index = 0
local reported = 0
local json = { ["Content-Type"] = "application/json" }

function init(args)
    mode = args[1]
    if mode ~= "register" and mode ~= "store" and mode ~= "list" then
        error("bench/store.lua: MODE must be register, store or list, not " .. tostring(mode))
    end
    if mode ~= "register" then
        for line in io.lines(args[2]) do
            if #line > 0 then tokens[#tokens + 1] = line end
        end
        if #tokens == 0 then error("bench/store.lua: no tokens in " .. tostring(args[2])) end
        -- Threads start far apart in the pool.
        next_index = math.floor((thread_index or 0) * #tokens / 2) % #tokens
    end
    local secret = args[3]
    if mode == "register" and secret and #secret > 0 then json["Authorization"] = "Bearer " .. secret end
end

local function next_token()
    next_index = next_index % #tokens + 1
    return tokens[next_index]
end

function request()
    if mode == "register" then
        return wrk.format("POST", "/users", json, '{"app_id":"bench"}')
    elseif mode == "store" then
        return wrk.format("POST", "/keys/openai",
            { ["Content-Type"] = "application/json", ["x-relay-token"] = next_token() },
            '{"key":"sk-bench-0123456789abcdef"}')
    else
        return wrk.format("GET", "/keys", { ["x-relay-token"] = next_token() })
    end
end

function response(status, headers, body)
    if status ~= 200 and reported < 3 then
        reported = reported + 1
        io.stderr:write(string.format("bench/store.lua: %s got %d: %s\n", mode, status, body or ""))
    end
end
