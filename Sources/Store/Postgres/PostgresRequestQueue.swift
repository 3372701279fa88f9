/// One statement (or script) submitted to a `PostgresConnection`, from submission to its answer.
struct PostgresRequest {
    enum Kind {
        /// A prepared statement in pipeline mode.
        case prepared(PreparedStatement, [PostgresValue?])
        /// A script through the simple protocol, outside pipeline mode.
        case simple(String)
    }

    /// Where the request is. Next: `.queued` → `.sent` → (`.rollingBack`) → answered and removed.
    enum Phase: Equatable {
        /// Not sent yet.
        case queued
        /// Sent; for a prepared statement sent with its `PQsendPrepare`, that result comes first.
        case sent(expectsPrepareResult: Bool)
        /// A script left a transaction open; our `ROLLBACK` is on its way.
        case rollingBack
    }

    let kind: Kind
    let deadline: ContinuousClock.Instant
    let completion: (Result<PostgresRows, PostgresError>) -> Void
    var phase: Phase = .queued
    /// The answer so far; the first failure wins.
    var outcome: Result<PostgresRows, PostgresError>?

    var isSimple: Bool {
        if case .simple = kind { return true }
        return false
    }

    mutating func record(_ result: Result<PostgresRows, PostgresError>) {
        if outcome == nil { outcome = result }
    }

    mutating func recordFailure(_ error: PostgresError) {
        if case .failure = outcome { return }
        outcome = .failure(error)
    }
}

/// First in, first out, with O(1) removal at the front. Requests are answered in the order they were sent, and sent
/// in the order they arrived, so the front always holds the earliest deadline.
struct PostgresRequestQueue {
    private var storage: [PostgresRequest] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { count == 0 }
    var first: PostgresRequest? { isEmpty ? nil : storage[head] }

    subscript(position: Int) -> PostgresRequest {
        get { storage[head + position] }
        set { storage[head + position] = newValue }
    }

    mutating func append(_ request: PostgresRequest) { storage.append(request) }

    mutating func removeFirst() -> PostgresRequest {
        precondition(!isEmpty, "removeFirst on an empty queue")
        let request = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return request
    }

    mutating func removeAll() -> [PostgresRequest] {
        defer {
            storage.removeAll()
            head = 0
        }
        return Array(storage[head...])
    }
}
