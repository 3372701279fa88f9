import Testing

@testable import Relay

/// The Prometheus text of `GET /metrics` (CONTRACT.md E6): escaping, number text, histograms and the families.
@Suite struct MetricsTextTests {
    @Test func labelValuesEscapeBackslashQuoteAndLineFeed() {
        #expect(MetricsText.escapedLabelValue(#"a\b"c"# + "\nd") == #"a\\b\"c\nd"#)
        #expect(MetricsText.escapedLabelValue("/relay/:provider/*") == "/relay/:provider/*")
        #expect(MetricsText.escapedHelp("a\\b\n\"c\"") == #"a\\b\n"c""#)
    }

    @Test func numbersUseGoFloatText() {
        #expect(MetricsText.number(1) == "1")
        #expect(MetricsText.number(0.005) == "0.005")
        #expect(MetricsText.number(2.5) == "2.5")
        #expect(MetricsText.number(.infinity) == "+Inf")
        #expect(MetricsText.number(-.infinity) == "-Inf")
        #expect(MetricsText.number(.nan) == "NaN")
    }

    @Test func samplesAndFamilies() {
        var text = MetricsText()
        text.family("x_total", type: "counter", help: "Things.\nMore.")
        text.sample("x_total", [("route", "a\"b"), ("method", "GET")], 3)
        text.sample("y", [], 0.25)
        #expect(
            text.text == """
                # HELP x_total Things.\\nMore.
                # TYPE x_total counter
                x_total{route="a\\"b",method="GET"} 3
                y 0.25

                """
        )
    }

    @Test func histogramBucketsAreCumulativeWithInfSumAndCount() {
        let histograms = MetricHistograms(series: 2)
        histograms.observe(nanoseconds: 1_000_000, series: 1)  // 1 ms: first bucket
        histograms.observe(nanoseconds: 5_000_000, series: 1)  // exactly 0.005: first bucket (le is inclusive)
        histograms.observe(nanoseconds: 200_000_000, series: 1)  // 0.2 s: le 0.25
        histograms.observe(nanoseconds: 400_000_000_000, series: 1)  // 400 s: only +Inf
        let empty = histograms.snapshot(series: 0)
        #expect(empty.count == 0 && empty.sum == 0 && empty.cumulative.allSatisfy { $0 == 0 })
        let snapshot = histograms.snapshot(series: 1)
        #expect(snapshot.count == 4)
        #expect(abs(snapshot.sum - 400.206) < 1e-9)
        #expect(snapshot.cumulative.count == MetricHistograms.bounds.count + 1)
        #expect(snapshot.cumulative == [2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4])

        var text = MetricsText()
        text.histogram(
            "h_seconds",
            [("provider", "openai")],
            bounds: [0.1, 1],
            cumulative: [1, 2, 3],
            count: 3,
            sum: 7.5
        )
        #expect(
            text.text == """
                h_seconds_bucket{provider="openai",le="0.1"} 1
                h_seconds_bucket{provider="openai",le="1"} 2
                h_seconds_bucket{provider="openai",le="+Inf"} 3
                h_seconds_sum{provider="openai"} 7.5
                h_seconds_count{provider="openai"} 3

                """
        )
    }

    static let gauges = MetricsGauges(
        version: "0.1.0",
        commit: "abc\"def",
        redisDegraded: true,
        openConnections: 2,
        draining: false,
        databaseBackend: "sqlite",
        databaseErrors: 3,
        redisErrors: 4,
        tokenCacheHits: 5,
        tokenCacheMisses: 6
    )

    @Test func everyFamilyHasHelpAndType() {
        let text = Metrics().exposition(Self.gauges)
        let families = [
            ("byok_relay_build_info", "gauge"),
            ("byok_relay_http_requests_total", "counter"),
            ("byok_relay_http_request_duration_seconds", "histogram"),
            ("byok_relay_relay_requests_total", "counter"),
            ("byok_relay_upstream_ttfb_seconds", "histogram"),
            ("byok_relay_upstream_errors_total", "counter"),
            ("byok_relay_open_streams", "gauge"),
            ("byok_relay_relayed_bytes_total", "counter"),
            ("byok_relay_client_aborts_total", "counter"),
            ("byok_relay_rate_limit_rejections_total", "counter"),
            ("byok_relay_redis_degraded", "gauge"),
            ("byok_relay_redis_errors_total", "counter"),
            ("byok_relay_db_errors_total", "counter"),
            ("byok_relay_cache_hits_total", "counter"),
            ("byok_relay_cache_misses_total", "counter"),
            ("byok_relay_open_connections", "gauge"),
            ("byok_relay_draining", "gauge"),
            ("process_start_time_seconds", "gauge"),
        ]
        for (name, type) in families {
            #expect(text.contains("\n# TYPE \(name) \(type)\n"), "\(name)")
            #expect(text.contains("# HELP \(name) "), "\(name)")
        }
        #expect(text.contains("byok_relay_build_info{version=\"0.1.0\",commit=\"abc\\\"def\"} 1\n"))
        #expect(text.contains("byok_relay_redis_degraded 1\n"))
        #expect(text.contains("byok_relay_open_connections 2\n"))
        #expect(text.contains("byok_relay_draining 0\n"))
        #expect(text.contains("byok_relay_rate_limit_rejections_total{limit=\"health_deep\"} 0\n"))
        #expect(text.contains("byok_relay_db_errors_total{backend=\"sqlite\"} 3\n"))
        #expect(text.contains("byok_relay_redis_errors_total 4\n"))
        #expect(text.contains("byok_relay_cache_hits_total{cache=\"token\"} 5\n"))
        #expect(text.contains("byok_relay_cache_misses_total{cache=\"token\"} 6\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func recordedValuesAppearUnderTheirLabels() {
        let metrics = Metrics()
        let relayRoute = metrics.route(.relay)
        #expect(metrics.routes[relayRoute] == "/relay/:provider/*")
        #expect(metrics.routes[metrics.route(.account(.deleteUser))] == "/users")
        #expect(metrics.routes[metrics.route(.metrics)] == "/metrics")
        #expect(metrics.routes[metrics.unmatchedRoute] == "unmatched")
        #expect(metrics.route(template: "/keys/:provider") == metrics.route(.account(.storeKey)))
        #expect(Metrics.providers[Metrics.provider("openai")] == "openai")
        #expect(Metrics.providers[Metrics.provider("unknown")] == "unknown")
        #expect(Metrics.providers[Metrics.provider("nope")] == "unknown")

        metrics.requestCompleted(route: relayRoute, method: Metrics.method("POST"), status: 200, nanoseconds: 3_000_000)
        metrics.requestCompleted(route: relayRoute, method: Metrics.method("POST"), status: 200, nanoseconds: 3_000_000)
        metrics.requestCompleted(
            route: metrics.unmatchedRoute,
            method: Metrics.method("BREW"),
            status: 404,
            nanoseconds: 1
        )
        let openai = Metrics.provider("openai")
        metrics.relayCompleted(provider: openai, status: 429)
        metrics.upstreamHeadReceived(provider: openai, nanoseconds: 20_000_000)
        metrics.streamOpened(provider: openai)
        metrics.streamOpened(provider: openai)
        metrics.streamClosed(provider: openai)
        metrics.bytesRelayed(10, provider: openai, direction: .downstream)
        metrics.bytesRelayed(5, provider: openai, direction: .downstream)
        metrics.upstreamFailed(provider: openai, kind: .idleTimeout)
        metrics.clientAborted(provider: openai)
        metrics.rateLimitRejected(.register)
        let text = metrics.exposition(Self.gauges)
        let expected = [
            #"byok_relay_http_requests_total{route="/relay/:provider/*",method="POST",status="200"} 2"#,
            #"byok_relay_http_requests_total{route="unmatched",method="other",status="404"} 1"#,
            #"byok_relay_http_request_duration_seconds_bucket{route="/relay/:provider/*",le="0.005"} 2"#,
            #"byok_relay_http_request_duration_seconds_bucket{route="/relay/:provider/*",le="+Inf"} 2"#,
            #"byok_relay_http_request_duration_seconds_sum{route="/relay/:provider/*"} 0.006"#,
            #"byok_relay_http_request_duration_seconds_count{route="/relay/:provider/*"} 2"#,
            #"byok_relay_relay_requests_total{provider="openai",status="429"} 1"#,
            #"byok_relay_upstream_ttfb_seconds_bucket{provider="openai",le="0.01"} 0"#,
            #"byok_relay_upstream_ttfb_seconds_bucket{provider="openai",le="0.025"} 1"#,
            #"byok_relay_upstream_ttfb_seconds_count{provider="openai"} 1"#,
            #"byok_relay_open_streams{provider="openai"} 1"#,
            #"byok_relay_open_streams{provider="anthropic"} 0"#,
            #"byok_relay_relayed_bytes_total{provider="openai",direction="downstream"} 15"#,
            #"byok_relay_upstream_errors_total{provider="openai",kind="idle_timeout"} 1"#,
            #"byok_relay_client_aborts_total{provider="openai"} 1"#,
            #"byok_relay_rate_limit_rejections_total{limit="register"} 1"#,
        ]
        let lines = Set(text.split(separator: "\n").map(String.init))
        for line in expected { #expect(lines.contains(line), "\(line)") }
        #expect(!text.contains(#"direction="upstream""#))  // zero counters of labelled families are left out
    }
}
