import HTTP

/// `GET /metrics` (CONTRACT.md E6): the Prometheus text, behind `METRICS_TOKEN` when it is set. Reads only atomics
/// and process state, so it answers at once, also while starting, never waiting on the database or Redis.
extension RelayApplication {
    func scrapeMetrics(_ request: RelayRequest) {
        let headers = request.exchange.head.headers
        if context.configuration.metricsToken != nil {
            guard let gate = context.metricsGate, gate.admits(authorization: headers.values(for: "authorization"))
            else {
                respond(request, error: .metricsUnauthorized)
                return
            }
        }
        let accounts = context.accounts
        let lookups = accounts.cache.lookups
        let gauges = MetricsGauges(
            version: BuildInfo.version,
            commit: context.configuration.commitSHA ?? "",
            redisDegraded: context.rateLimits.mode == .degraded,
            openConnections: context.serverState.openConnections,
            draining: context.serverState.isDraining,
            databaseBackend: context.databaseBackendName,
            databaseErrors: accounts.databaseErrorCount + context.databaseHealth.failedPingCount,
            redisErrors: context.rateLimits.usesRedis ? context.rateLimits.redisErrorCount : nil,
            tokenCacheHits: lookups.hits,
            tokenCacheMisses: lookups.misses
        )
        respond(
            request,
            status: 200,
            body: Array(context.metrics.exposition(gauges).utf8),
            label: nil,
            contentType: MetricsText.contentType
        )
    }
}
