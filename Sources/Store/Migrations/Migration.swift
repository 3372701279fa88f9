/// One numbered schema change (CONTRACT.md E1), embedded in the binary from `migrations/<backend>/NNNN_name.sql`
/// by `scripts/embed-migrations`. Both backends have the same numbers.
package struct Migration: Equatable, Sendable {
    /// The number from the file name; applied in ascending order.
    package var version: Int
    /// The rest of the file name.
    package var name: String
    /// The file's SQL, run in one transaction.
    package var sql: String

    /// The schema version this build needs: the highest number both backends share.
    package static var latestVersion: Int { postgres.last?.version ?? 0 }

    /// The migrations after `version`, in order.
    static func pending(after version: Int, in all: [Migration]) -> [Migration] {
        all.filter { $0.version > version }.sorted { $0.version < $1.version }
    }
}
