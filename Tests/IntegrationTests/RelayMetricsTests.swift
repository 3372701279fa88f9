import Foundation
import MockProvider
import TestSupport
import Testing

/// `GET /metrics` on the real binary (CONTRACT.md E6): the token check, the exact content type, no rate limit, and
/// counters that move with what the relay did.
@Suite(.serialized) struct RelayMetricsTests {
    static let metricsToken = "metrics-token-0123456789"

    /// The sample values of a scrape, by the text before the value (name and labels).
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    static func scrape(_ relay: MockedRelay) throws -> [String: Double] {
        let response = try RelayRequests.send(
            port: relay.port,
            "GET",
            "/metrics",
            headers: [("Authorization", "Bearer \(metricsToken)")]
        )
        #expect(response.status == 200)
        #expect(response.header("content-type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.header("access-control-allow-origin") == "*")  // CORS on every response (§1.2)
        return samples(response.bodyText)
    }

    @Test func tokenIsRequiredWhenSet() throws {
        let relay = try MockedRelay(environment: ["METRICS_TOKEN": Self.metricsToken])
        for authorization in [nil, "Bearer wrong-token", "Bearer \(Self.metricsToken)x", "Basic \(Self.metricsToken)"] {
            let response = try RelayRequests.send(
                port: relay.port,
                "GET",
                "/metrics",
                headers: authorization.map { [("Authorization", $0)] } ?? []
            )
            #expect(response.status == 401, "\(authorization ?? "none")")
            #expect(response.bodyText == #"{"error":"Unauthorized"}"#)
        }
        let lowercase = try RelayRequests.send(
            port: relay.port,
            "GET",
            "/metrics",
            headers: [("Authorization", "bearer \(Self.metricsToken)")]
        )
        #expect(lowercase.status == 200)
        let samples = try Self.scrape(relay)
        #expect(samples[#"byok_relay_http_requests_total{route="/metrics",method="GET",status="401"}"#] == 4)
        #expect(samples["byok_relay_build_info{version=\"0.1.0\",commit=\"\"}"] == 1)
        #expect((samples["process_start_time_seconds"] ?? 0) > 1_700_000_000)
    }

    @Test func openWithoutToken() throws {
        let relay = try MockedRelay()
        let preflight = try RelayRequests.send(port: relay.port, "OPTIONS", "/relay/openai/v1/chat/completions")
        #expect(preflight.status == 204)
        _ = try RelayRequests.send(port: relay.port, "GET", "/nowhere")
        _ = try RelayRequests.send(port: relay.port, "PUT", "/models")
        let response = try RelayRequests.send(port: relay.port, "GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.bodyText.contains("# TYPE byok_relay_http_requests_total counter\n"))
        let samples = Self.samples(response.bodyText)
        #expect(
            samples[#"byok_relay_http_requests_total{route="/relay/:provider/*",method="OPTIONS",status="204"}"#] == 1
        )
        #expect(samples[#"byok_relay_http_requests_total{route="unmatched",method="GET",status="404"}"#] == 1)
        #expect(samples[#"byok_relay_http_requests_total{route="/models",method="PUT",status="405"}"#] == 1)
    }

    @Test func countersMoveWithRelayedRequestsAndRejections() throws {
        RateLimitBuckets.awaitRoom()
        let relay = try MockedRelay(
            environment: [
                "METRICS_TOKEN": Self.metricsToken,
                "RATE_LIMIT_GLOBAL_PER_MIN": "6",
                "ENCRYPTION_SECRET": "metrics-test-" + UUID().uuidString,
            ]
        )
        let token = try relay.user(keys: ["openai": "sk-metrics-0123456789"])  // two requests of the six
        let before = try Self.scrape(relay)
        let relayed = #"byok_relay_http_requests_total{route="/relay/:provider/*",method="POST",status="200"}"#
        let ttfbCount = #"byok_relay_upstream_ttfb_seconds_count{provider="openai"}"#
        let relayCount = #"byok_relay_relay_requests_total{provider="openai",status="200"}"#
        let downstream = #"byok_relay_relayed_bytes_total{provider="openai",direction="downstream"}"#
        let upstream = #"byok_relay_relayed_bytes_total{provider="openai",direction="upstream"}"#
        let global = #"byok_relay_rate_limit_rejections_total{limit="global"}"#
        #expect(before[relayed] == nil)
        #expect(before[ttfbCount] == 0)
        #expect(before[global] == 0)

        let lookups = { (samples: [String: Double]) in
            (samples[#"byok_relay_cache_hits_total{cache="token"}"#] ?? 0)
                + (samples[#"byok_relay_cache_misses_total{cache="token"}"#] ?? 0)
        }
        let response = try relay.post("/relay/openai/v1/chat/completions?tag=metrics-1", token: token, json: "{}")
        #expect(response.status == 200)
        let after = try Self.scrape(relay)
        #expect(after[relayed] == 1)
        #expect(after[ttfbCount] == 1)
        #expect(after[relayCount] == 1)
        #expect(after[downstream] == Double(response.body.count))
        #expect(after[upstream] == 2)
        #expect(after[#"byok_relay_open_streams{provider="openai"}"#] == 0)
        #expect(lookups(after) > lookups(before))
        #expect(after[#"byok_relay_db_errors_total{backend="sqlite"}"#] == 0)
        #expect(after["byok_relay_redis_errors_total"] == nil)  // REDIS_URL unset
        #expect(after[#"byok_relay_http_request_duration_seconds_count{route="/relay/:provider/*"}"#] == 1)
        #expect(after[#"byok_relay_http_request_duration_seconds_bucket{route="/relay/:provider/*",le="+Inf"}"#] == 1)

        // Three more requests use up the global limit; the fourth is refused. Scrapes are never limited.
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try RelayRequests.send(port: relay.port, "GET", "/version").status) }
        #expect(statuses == [200, 200, 200, 429])
        var final: [String: Double] = [:]
        for _ in 0..<3 { final = try Self.scrape(relay) }
        #expect(final[global] == 1)
        #expect(final[#"byok_relay_rate_limit_rejections_total{limit="relay"}"#] == 0)
        #expect(final[#"byok_relay_http_requests_total{route="/version",method="GET",status="429"}"#] == 1)
        #expect(final[#"byok_relay_http_requests_total{route="/metrics",method="GET",status="200"}"#] == 4)
        #expect(final["byok_relay_redis_degraded"] == 0)
        #expect(final["byok_relay_draining"] == 0)
        #expect((final["byok_relay_open_connections"] ?? 0) >= 1)
    }

    @Test func redisOutageIsCountedAndShownAsDegraded() throws {
        // Nothing listens on port 1: every connect attempt fails, so limits are judged locally (E2).
        let relay = try MockedRelay(
            environment: [
                "REDIS_URL": "redis://127.0.0.1:1", "REDIS_TIMEOUT_MS": "50", "RATE_LIMIT_GLOBAL_PER_MIN": "100",
                "ENCRYPTION_SECRET": "metrics-test-" + UUID().uuidString,
            ]
        )
        let seen = try Eventually.within(milliseconds: 5000) {
            _ = try RelayRequests.send(port: relay.port, "GET", "/version")
            let samples = try Self.samples(RelayRequests.send(port: relay.port, "GET", "/metrics").bodyText)
            return samples["byok_relay_redis_degraded"] == 1 && (samples["byok_relay_redis_errors_total"] ?? 0) >= 1
        }
        #expect(seen != nil)
    }

    @Test func upstreamFailuresAreCountedByKind() throws {
        // groq points at a port nothing listens on; openai at the mock, which breaks its stream after three events.
        let relay = try MockedRelay(environment: ["RELAY_UPSTREAM_GROQ": "http://127.0.0.1:1"])
        let token = try relay.user(keys: ["openai": "sk-metrics-0123456789", "groq": "gsk_metrics0123456789"])
        let unreachable = try relay.post("/relay/groq/openai/v1/chat/completions", token: token, json: "{}")
        #expect(unreachable.status == 502)
        let broken = try relay.post(
            "/relay/openai/v1/chat/completions?mock=break&after=3&tag=metrics-broken",
            token: token,
            json: "{}"
        )
        #expect(broken.status == 200)
        let samples = Self.samples(try RelayRequests.send(port: relay.port, "GET", "/metrics").bodyText)
        #expect(samples[#"byok_relay_upstream_errors_total{provider="groq",kind="connect"}"#] == 1)
        #expect(samples[#"byok_relay_relay_requests_total{provider="groq",status="502"}"#] == 1)
        #expect(samples[#"byok_relay_upstream_ttfb_seconds_count{provider="groq"}"#] == 0)
        #expect(samples[#"byok_relay_upstream_errors_total{provider="openai",kind="stream"}"#] == 1)
        #expect(samples[#"byok_relay_relay_requests_total{provider="openai",status="200"}"#] == 1)
        #expect(samples[#"byok_relay_upstream_ttfb_seconds_count{provider="openai"}"#] == 1)
        #expect(samples[#"byok_relay_open_streams{provider="openai"}"#] == 0)
    }
}
