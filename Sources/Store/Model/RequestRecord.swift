/// One relayed request as `GET /stats` counts it (CONTRACT.md §5.10, §8.1): who, which provider and model, the status
/// sent to the client and how long the upstream part took. Nothing of the request's body or headers.
package struct RequestRecord: Equatable, Sendable {
    /// The user's id (a UUID v4).
    package var userID: String
    /// The user's `app_id`.
    package var appID: String
    /// The provider name.
    package var provider: String
    /// The model as §5.10 defines it; nil when none was found.
    package var model: String?
    /// The status sent to the client (499 when the client left before the provider answered).
    package var status: Int
    /// Milliseconds from the start of the upstream request to the end of the relay.
    package var latencyMilliseconds: Int
    /// Milliseconds since the Unix epoch.
    package var createdAt: Int64

    /// Groups the fields of a record.
    package init(
        userID: String,
        appID: String,
        provider: String,
        model: String?,
        status: Int,
        latencyMilliseconds: Int,
        createdAt: Int64
    ) {
        self.userID = userID
        self.appID = appID
        self.provider = provider
        self.model = model
        self.status = status
        self.latencyMilliseconds = latencyMilliseconds
        self.createdAt = createdAt
    }

    /// Whether both backends can store the record as it is: the user id is a UUID in its canonical form (PostgreSQL
    /// refuses the whole batch's `uuid[]` otherwise) and no text holds NUL (PostgreSQL's text cannot; SQLite would cut
    /// the text there). A record that is not storable is dropped by `insertRecords`, never its batch.
    var isStorable: Bool {
        guard Self.isCanonicalUUID(userID) else { return false }
        let texts = [appID, provider, model ?? ""]
        return !texts.contains { $0.utf8.contains(0) }
    }

    /// 8-4-4-4-12 hex digits separated by `-`.
    static func isCanonicalUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                let isHexLetter = (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
                guard isDigit || isHexLetter else { return false }
            }
        }
        return true
    }

    /// `status` and `latency_ms` are 32-bit columns; out-of-range values are clamped rather than failing the batch.
    var storedStatus: Int64 { Int64(Int32(clamping: status)) }
    var storedLatency: Int64 { Int64(Int32(clamping: max(0, latencyMilliseconds))) }
}
