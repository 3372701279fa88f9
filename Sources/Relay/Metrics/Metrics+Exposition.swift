import Glibc
import RateLimit

/// What a scrape reads besides the registry: gauges sampled at scrape time.
struct MetricsGauges {
    var version: String
    var commit: String
    var redisDegraded: Bool
    var openConnections: Int
    var draining: Bool
    /// The database backend (`postgres`, `sqlite`) and its failed or timed-out queries.
    var databaseBackend: String
    var databaseErrors: Int
    /// Nil when `REDIS_URL` is unset (the family is then left out).
    var redisErrors: Int?
    /// Token lookups answered from the account cache and not.
    var tokenCacheHits: Int
    var tokenCacheMisses: Int
}

extension Metrics {
    /// The `GET /metrics` body (CONTRACT.md E6). Series of labelled counters appear once they are non-zero; histograms
    /// and gauges of a fixed label set always appear.
    func exposition(_ gauges: MetricsGauges) -> String {
        var out = MetricsText()
        let providers = Self.providers
        out.family("byok_relay_build_info", type: "gauge", help: "Build information; always 1.")
        out.sample("byok_relay_build_info", [("version", gauges.version), ("commit", gauges.commit)], 1)

        out.family("byok_relay_http_requests_total", type: "counter", help: "Responses by route, method and status.")
        for route in routes.indices {
            for method in Self.methods.indices {
                for status in Self.statuses {
                    let index = (route * Self.methods.count + method) * Self.statuses.count + status - 100
                    let value = httpRequests.value(at: index)
                    guard value > 0 else { continue }
                    out.sample(
                        "byok_relay_http_requests_total",
                        [("route", routes[route]), ("method", Self.methods[method]), ("status", String(status))],
                        value
                    )
                }
            }
        }

        out.histogramFamily(
            "byok_relay_http_request_duration_seconds",
            help: "Request head received to last byte written.",
            label: "route",
            values: routes,
            histograms: requestDuration
        )

        out.family("byok_relay_relay_requests_total", type: "counter", help: "Relayed requests by the status sent.")
        for provider in providers.indices {
            for status in Self.statuses {
                let value = relayRequests.value(at: provider * Self.statuses.count + status - 100)
                guard value > 0 else { continue }
                out.sample(
                    "byok_relay_relay_requests_total",
                    [("provider", providers[provider]), ("status", String(status))],
                    value
                )
            }
        }

        out.histogramFamily(
            "byok_relay_upstream_ttfb_seconds",
            help: "Upstream request start to the provider's response head.",
            label: "provider",
            values: providers,
            histograms: upstreamTTFB
        )

        out.family("byok_relay_upstream_errors_total", type: "counter", help: "Upstream failures by kind.")
        for provider in providers.indices {
            for kind in UpstreamErrorKind.allCases {
                let value = upstreamErrors.value(at: provider * UpstreamErrorKind.allCases.count + kind.rawValue)
                guard value > 0 else { continue }
                out.sample(
                    "byok_relay_upstream_errors_total",
                    [("provider", providers[provider]), ("kind", kind.name)],
                    value
                )
            }
        }

        out.family("byok_relay_open_streams", type: "gauge", help: "Responses being relayed now.")
        for provider in providers.indices {
            out.sample("byok_relay_open_streams", [("provider", providers[provider])], openStreams.value(at: provider))
        }

        out.family("byok_relay_relayed_bytes_total", type: "counter", help: "Relayed body bytes.")
        for provider in providers.indices {
            for direction in Direction.allCases {
                let value = relayedBytes.value(at: provider * Direction.allCases.count + direction.rawValue)
                guard value > 0 else { continue }
                out.sample(
                    "byok_relay_relayed_bytes_total",
                    [("provider", providers[provider]), ("direction", direction.name)],
                    value
                )
            }
        }

        out.family(
            "byok_relay_client_aborts_total",
            type: "counter",
            help: "Clients that left before the response ended."
        )
        for provider in providers.indices {
            let value = clientAborts.value(at: provider)
            guard value > 0 else { continue }
            out.sample("byok_relay_client_aborts_total", [("provider", providers[provider])], value)
        }

        out.family("byok_relay_rate_limit_rejections_total", type: "counter", help: "429s by the refusing limit.")
        for kind in RateLimitKind.allCases {
            out.sample(
                "byok_relay_rate_limit_rejections_total",
                [("limit", kind.name)],
                rateLimitRejections.value(at: kind.rawValue)
            )
        }

        out.family("byok_relay_db_errors_total", type: "counter", help: "Failed or timed-out database queries.")
        out.sample("byok_relay_db_errors_total", [("backend", gauges.databaseBackend)], gauges.databaseErrors)
        if let redisErrors = gauges.redisErrors {
            out.family("byok_relay_redis_errors_total", type: "counter", help: "Failed or timed-out Redis calls.")
            out.sample("byok_relay_redis_errors_total", [], redisErrors)
        }
        out.family("byok_relay_cache_hits_total", type: "counter", help: "Lookups answered from the cache.")
        out.sample("byok_relay_cache_hits_total", [("cache", "token")], gauges.tokenCacheHits)
        out.family("byok_relay_cache_misses_total", type: "counter", help: "Lookups the cache could not answer.")
        out.sample("byok_relay_cache_misses_total", [("cache", "token")], gauges.tokenCacheMisses)

        out.family(
            "byok_relay_redis_degraded",
            type: "gauge",
            help: "1 while limits are local because Redis is unreachable."
        )
        out.sample("byok_relay_redis_degraded", [], gauges.redisDegraded ? 1 : 0)
        out.family("byok_relay_open_connections", type: "gauge", help: "Client connections.")
        out.sample("byok_relay_open_connections", [], gauges.openConnections)
        out.family("byok_relay_draining", type: "gauge", help: "1 while draining.")
        out.sample("byok_relay_draining", [], gauges.draining ? 1 : 0)

        out.family("process_start_time_seconds", type: "gauge", help: "Start time of the process since the epoch.")
        out.sample("process_start_time_seconds", [], startTimeSeconds)
        if let resident = Self.residentMemoryBytes() {
            out.family("process_resident_memory_bytes", type: "gauge", help: "Resident memory size in bytes.")
            out.sample("process_resident_memory_bytes", [], resident)
        }
        if let descriptors = Self.openFileDescriptors() {
            out.family("process_open_fds", type: "gauge", help: "Number of open file descriptors.")
            out.sample("process_open_fds", [], descriptors)
        }
        return out.text
    }

    /// The second field of `/proc/self/statm` (pages) times the page size.
    private static func residentMemoryBytes() -> Int? {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    /// The entries of `/proc/self/fd`, less the one the listing itself holds.
    private static func openFileDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { $0.first == UInt8(ascii: ".") }
            if !isDot { count += 1 }
        }
        return max(count - 1, 0)
    }
}

extension MetricsText {
    /// A histogram family with one series per value of one label, e.g. per route or per provider.
    mutating func histogramFamily(
        _ name: String,
        help: String,
        label: String,
        values: [String],
        histograms: MetricHistograms
    ) {
        family(name, type: "histogram", help: help)
        for index in values.indices {
            let snapshot = histograms.snapshot(series: index)
            histogram(
                name,
                [(label, values[index])],
                bounds: MetricHistograms.bounds,
                cumulative: snapshot.cumulative,
                count: snapshot.count,
                sum: snapshot.sum
            )
        }
    }
}
