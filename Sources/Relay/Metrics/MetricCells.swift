import Synchronization

/// A fixed number of counters in one allocation, each an atomic integer: a label combination is an index resolved
/// before the hot path, so counting is one relaxed atomic add (CONTRACT.md E6).
// Sendable: `cells` is allocated and initialised in `init`, freed in `deinit`, never reassigned; every access in
// between is an atomic operation on one cell, bounds-checked by a precondition.
final class MetricCells: @unchecked Sendable {
    let count: Int
    private let cells: UnsafeMutablePointer<Atomic<Int>>

    init(count: Int) {
        self.count = count
        cells = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: count)
        for index in 0..<count { (cells + index).initialize(to: Atomic(0)) }
    }

    deinit {
        cells.deinitialize(count: count)
        cells.deallocate()
    }

    func add(_ value: Int, at index: Int) {
        precondition(index >= 0 && index < count, "metric cell out of range")
        cells[index].wrappingAdd(value, ordering: .relaxed)
    }

    func value(at index: Int) -> Int {
        precondition(index >= 0 && index < count, "metric cell out of range")
        return cells[index].load(ordering: .relaxed)
    }
}

/// Histograms sharing one bucket layout, one per label value: per series the bucket counts (not cumulative; the
/// exposition sums them), the count and the sum in nanoseconds.
final class MetricHistograms: Sendable {
    /// CONTRACT.md E6's bucket bounds, in seconds.
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
    private static let boundNanoseconds: [UInt64] = bounds.map { UInt64(($0 * 1_000_000_000).rounded()) }

    let series: Int
    /// Per series: one cell per bound, one for +Inf, then the count and the sum in nanoseconds.
    private let cells: MetricCells
    private static var stride: Int { bounds.count + 3 }

    init(series: Int) {
        self.series = series
        cells = MetricCells(count: series * Self.stride)
    }

    func observe(nanoseconds: UInt64, series index: Int) {
        let base = index * Self.stride
        let bucket = Self.boundNanoseconds.firstIndex { nanoseconds <= $0 } ?? Self.bounds.count
        cells.add(1, at: base + bucket)
        cells.add(1, at: base + Self.bounds.count + 1)
        cells.add(Int(clamping: nanoseconds), at: base + Self.bounds.count + 2)
    }

    /// One series' snapshot: cumulative bucket counts (the last is +Inf), the count and the sum in seconds.
    func snapshot(series index: Int) -> (cumulative: [Int], count: Int, sum: Double) {
        let base = index * Self.stride
        var running = 0
        var cumulative: [Int] = []
        cumulative.reserveCapacity(Self.bounds.count + 1)
        for bucket in 0...Self.bounds.count {
            running += cells.value(at: base + bucket)
            cumulative.append(running)
        }
        let sum = Double(cells.value(at: base + Self.bounds.count + 2)) / 1_000_000_000
        return (cumulative, cells.value(at: base + Self.bounds.count + 1), sum)
    }
}
