import Synchronization

/// The requests the mock has seen, written by its loops and read by tests on any thread. Waiting tests are resumed
/// by the update that satisfies them (a continuation per waiter), or with nil by their deadline; nothing polls.
final class MockRecorder: Sendable {
    /// Oldest records are dropped past this many; 0 records nothing (benchmarks).
    let limit: Int
    private let sequence = Atomic<Int>(0)
    private let state = Mutex(State())

    private struct State: Sendable {
        var records: [Int: RecordedRequest] = [:]
        var oldestKept = 1
        var sequencesByTag: [String: [Int]] = [:]
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var isClosed = false

        /// The first record with `tag` that satisfies `predicate`.
        func firstRecord(tag: String, where predicate: (RecordedRequest) -> Bool) -> RecordedRequest? {
            for sequence in sequencesByTag[tag] ?? [] {
                if let record = records[sequence], predicate(record) { return record }
            }
            return nil
        }
    }

    private struct Waiter: Sendable {
        let tag: String
        let predicate: @Sendable (RecordedRequest) -> Bool
        let continuation: CheckedContinuation<RecordedRequest?, Never>
        var deadline: Task<Void, Never>?
    }

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    var isRecording: Bool { limit > 0 }

    /// The next arrival number, from 1.
    func nextSequence() -> Int { sequence.add(1, ordering: .relaxed).newValue }

    /// Starts the record of a request whose head just arrived.
    func requestArrived(_ record: RecordedRequest) {
        guard isRecording else { return }
        let resumed = state.withLock { state in
            state.records[record.sequence] = record
            state.sequencesByTag[record.tag, default: []].append(record.sequence)
            while state.records.count > limit {
                if let dropped = state.records.removeValue(forKey: state.oldestKept) {
                    state.sequencesByTag[dropped.tag]?.removeAll { $0 == dropped.sequence }
                    if state.sequencesByTag[dropped.tag]?.isEmpty == true {
                        state.sequencesByTag[dropped.tag] = nil
                    }
                }
                state.oldestKept += 1
            }
            return Self.satisfiedWaiters(tag: record.tag, in: &state)
        }
        Self.resume(resumed)
    }

    /// Changes the record `sequence` (if it is still kept) and wakes whoever waited for the change.
    func update(_ sequence: Int, _ change: (inout RecordedRequest) -> Void) {
        guard isRecording else { return }
        let resumed = state.withLock { state -> [(Waiter, RecordedRequest?)] in
            guard var record = state.records[sequence] else { return [] }
            change(&record)
            state.records[sequence] = record
            return Self.satisfiedWaiters(tag: record.tag, in: &state)
        }
        Self.resume(resumed)
    }

    /// Appends an event of `kind`, timestamped `nanoseconds`, to the record `sequence`.
    func record(_ kind: RecordedEvent.Kind, at nanoseconds: UInt64, for sequence: Int) {
        update(sequence) { $0.events.append(RecordedEvent(kind: kind, nanoseconds: nanoseconds)) }
    }

    /// Every kept record with `tag`, oldest first.
    func records(tag: String) -> [RecordedRequest] {
        state.withLock { state in (state.sequencesByTag[tag] ?? []).compactMap { state.records[$0] } }
    }

    /// Every kept record, oldest first.
    func allRecords() -> [RecordedRequest] {
        state.withLock { state in state.records.values.sorted { $0.sequence < $1.sequence } }
    }

    /// The first record with `tag` satisfying `predicate`, as soon as there is one; nil after `timeout`.
    func firstRecord(
        tag: String,
        timeout: Duration,
        where predicate: @escaping @Sendable (RecordedRequest) -> Bool
    ) async -> RecordedRequest? {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let isWaiting = state.withLock { state -> Bool in
                    if let record = state.firstRecord(tag: tag, where: predicate) {
                        continuation.resume(returning: record)
                        return false
                    }
                    if state.isClosed {
                        continuation.resume(returning: nil)
                        return false
                    }
                    state.waiters[id] = Waiter(tag: tag, predicate: predicate, continuation: continuation)
                    return true
                }
                guard isWaiting else { return }
                let deadline = Task { [self] in
                    try? await Task.sleep(for: timeout)
                    expire(id)
                }
                let isStillWaiting = state.withLock { state -> Bool in
                    guard state.waiters[id] != nil else { return false }
                    state.waiters[id]?.deadline = deadline
                    return true
                }
                if !isStillWaiting { deadline.cancel() }
                if Task.isCancelled { expire(id) }
            }
        } onCancel: {
            expire(id)
        }
    }

    /// Resumes every waiter with nil and makes later waits return at once (the mock stopped).
    func close() {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        Self.resume(waiters.map { ($0, nil) })
    }

    private func expire(_ id: Int) {
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) else { return }
        Self.resume([(waiter, nil)])
    }

    private static func satisfiedWaiters(tag: String, in state: inout State) -> [(Waiter, RecordedRequest?)] {
        var satisfied: [(Waiter, RecordedRequest?)] = []
        for (id, waiter) in state.waiters where waiter.tag == tag {
            if let record = state.firstRecord(tag: tag, where: waiter.predicate) {
                state.waiters[id] = nil
                satisfied.append((waiter, record))
            }
        }
        return satisfied
    }

    /// Resumes outside the lock: a resumed task may call straight back in.
    private static func resume(_ waiters: [(Waiter, RecordedRequest?)]) {
        for (waiter, record) in waiters {
            waiter.deadline?.cancel()
            waiter.continuation.resume(returning: record)
        }
    }
}
