import EventLoop
import Store

/// The bodies of `GET /stats` and `GET /stats/:app_id` (CONTRACT.md §9.4). Pure: the counts come from the store.
enum StatsDocument {
    /// `GET /stats`: the caller's counts, ending with `last_request` (ISO 8601 with milliseconds, or null).
    static func user(_ stats: RequestStats) -> JSONValue {
        .object(
            counts(stats) + [
                ("last_request", stats.lastRequestAt.map { .string(WallClock.iso8601(milliseconds: $0)) } ?? .null)
            ]
        )
    }

    /// `GET /stats/:app_id`: `app_id` and `user_count`, then the same counts without `last_request`.
    static func app(_ appID: String, _ stats: RequestStats) -> JSONValue {
        .object([("app_id", .string(appID)), ("user_count", .int(stats.userCount))] + counts(stats))
    }

    /// `error_count / total` rounded half up to 4 decimal places, 0 when `total` is 0. Computed in integers, so
    /// 1/8000 gives 0.0001 exactly; a whole number is written without a fraction (`0`, `1`), as JavaScript would.
    static func errorRate(errors: Int, total: Int) -> JSONValue {
        guard total > 0 else { return .int(0) }
        let tenThousandths = (errors * 20_000 + total) / (2 * total)
        if tenThousandths % 10_000 == 0 { return .int(tenThousandths / 10_000) }
        // The nearest double to n / 10 000 prints as those (at most four) decimals.
        return .double(Double(tenThousandths) / 10_000)
    }

    private static func counts(_ stats: RequestStats) -> [(String, JSONValue)] {
        [
            ("total", .int(stats.total)),
            ("last_7d", .int(stats.last7Days)),
            ("last_30d", .int(stats.last30Days)),
            ("error_count", .int(stats.errorCount)),
            ("error_rate", errorRate(errors: stats.errorCount, total: stats.total)),
            (
                "providers",
                .object(
                    stats.providers.map { usage in
                        (usage.name, .object([("total", .int(usage.total)), ("errors", .int(usage.errors))]))
                    }
                )
            ),
            (
                "top_models",
                .array(
                    stats.topModels.map { usage in
                        .object([("model", .string(usage.model)), ("total", .int(usage.total))])
                    }
                )
            ),
        ]
    }
}
