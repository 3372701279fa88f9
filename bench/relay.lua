-- wrk script for scripts/bench: the request a browser sends through the relay, a small chat-completion POST.
--
--   BENCH_RELAY_TOKEN=br_... wrk -t1 -c1 -d10s --latency -s bench/relay.lua URL
--
-- The same request goes to the mock directly, through nginx and through the relay; only the relay needs the
-- x-relay-token header (from BENCH_RELAY_TOKEN when set and not empty). No request() or response() function: wrk
-- then sends one pre-built request and parses no bodies in Lua, so the load generator stays as cheap as it gets.

wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}'
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_RELAY_TOKEN")
if token and #token > 0 then
    wrk.headers["x-relay-token"] = token
end
