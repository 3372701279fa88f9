/// What `GET /stats` and `GET /stats/:app_id` report over the retained request records of one user or one app
/// (CONTRACT.md §9.4). Counts only; the relay computes `error_rate` and formats times.
package struct RequestStats: Equatable, Sendable {
    /// Every retained record.
    package var total: Int
    /// Records created at or after `now` − 7 × 86 400 s.
    package var last7Days: Int
    /// Records created at or after `now` − 30 × 86 400 s.
    package var last30Days: Int
    /// Records whose status is outside 200–299.
    package var errorCount: Int
    /// One entry per provider with records, sorted by name in byte order.
    package var providers: [ProviderUsage]
    /// At most `topModelLimit` models (null models excluded), by total descending, then model in byte order.
    package var topModels: [ModelUsage]
    /// The newest record's `created_at` (ms since the epoch); nil without records.
    package var lastRequestAt: Int64?
    /// Distinct users with records (what `GET /stats/:app_id` calls `user_count`).
    package var userCount: Int

    /// How many models `topModels` lists at most (§9.4).
    package static let topModelLimit = 10
    /// One day in milliseconds: the windows are 7 and 30 of them (§9.4).
    static let dayMilliseconds: Int64 = 86_400_000

    /// No records: zeros, no providers, no models, no last request.
    package static let empty = RequestStats(
        total: 0,
        last7Days: 0,
        last30Days: 0,
        errorCount: 0,
        providers: [],
        topModels: [],
        lastRequestAt: nil,
        userCount: 0
    )

    /// Groups the counts; `providers` and `topModels` are put in the documented order here.
    package init(
        total: Int,
        last7Days: Int,
        last30Days: Int,
        errorCount: Int,
        providers: [ProviderUsage],
        topModels: [ModelUsage],
        lastRequestAt: Int64?,
        userCount: Int
    ) {
        self.total = total
        self.last7Days = last7Days
        self.last30Days = last30Days
        self.errorCount = errorCount
        self.providers = providers.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.topModels = Array(
            topModels.sorted { first, second in
                first.total != second.total
                    ? first.total > second.total : first.model.utf8.lexicographicallyPrecedes(second.model.utf8)
            }
            .prefix(Self.topModelLimit)
        )
        self.lastRequestAt = lastRequestAt
        self.userCount = userCount
    }

    /// The window bounds of the statistics queries for `now`: records created at or after them count.
    static func windowStarts(now: Int64) -> (last7Days: Int64, last30Days: Int64) {
        (now - 7 * dayMilliseconds, now - 30 * dayMilliseconds)
    }

    /// Assembles the rows of a statistics query. Both backends run one statement whose rows are tagged by `kind`:
    /// one `summary` row, one `provider` row per provider and up to ten `model` rows.
    init(rows: [StatsRow]) {
        var stats = RequestStats.empty
        var providers: [ProviderUsage] = []
        var models: [ModelUsage] = []
        for row in rows {
            switch row.kind {
            case "summary":
                stats.total = row.total
                stats.last7Days = row.last7Days
                stats.last30Days = row.last30Days
                stats.errorCount = row.errors
                stats.lastRequestAt = row.lastRequestAt
                stats.userCount = row.userCount
            case "provider":
                providers.append(ProviderUsage(name: row.name ?? "", total: row.total, errors: row.errors))
            case "model":
                if let model = row.name { models.append(ModelUsage(model: model, total: row.total)) }
            default:
                continue
            }
        }
        self.init(
            total: stats.total,
            last7Days: stats.last7Days,
            last30Days: stats.last30Days,
            errorCount: stats.errorCount,
            providers: providers,
            topModels: models,
            lastRequestAt: stats.lastRequestAt,
            userCount: stats.userCount
        )
    }
}

/// One provider's records in `RequestStats`.
package struct ProviderUsage: Equatable, Sendable {
    /// The provider name.
    package var name: String
    /// Its records.
    package var total: Int
    /// Its records with a status outside 200–299.
    package var errors: Int

    /// Groups the counts.
    package init(name: String, total: Int, errors: Int) {
        self.name = name
        self.total = total
        self.errors = errors
    }
}

/// One model's records in `RequestStats`.
package struct ModelUsage: Equatable, Sendable {
    /// The model string as recorded.
    package var model: String
    /// Its records.
    package var total: Int

    /// Groups the count.
    package init(model: String, total: Int) {
        self.model = model
        self.total = total
    }
}

/// One row of a statistics query, whichever backend ran it (columns in this order: kind, name, total, last_7d,
/// last_30d, errors, last_request, users).
struct StatsRow {
    var kind: String
    var name: String?
    var total: Int
    var last7Days: Int
    var last30Days: Int
    var errors: Int
    var lastRequestAt: Int64?
    var userCount: Int
}

/// Which records a statistics query covers.
enum StatsScope {
    case user(String)
    case app(String)
}
