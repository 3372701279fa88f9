#if canImport(Glibc)
    import Glibc
#endif

/// The default `WORKERS` of CONTRACT.md §10.1: CPUs the process may run on, capped by its cgroup quota.
package enum WorkerCount {
    /// `WORKERS`' upper bound (§10.1); the default never exceeds it either.
    package static let maximum = 1024

    /// The cgroup v2 file holding the CPU bandwidth limit of the process's cgroup (as seen from a container).
    package static let cgroupCPUMaxPath = "/sys/fs/cgroup/cpu.max"

    /// The default for this process: affinity CPUs, capped by `cpu.max`, at least 1.
    package static func processDefault() -> Int {
        defaultCount(affinityCPUs: affinityCPUCount(), cgroupCPUMax: FileContents.text(atPath: cgroupCPUMaxPath))
    }

    /// The default from its inputs: `affinityCPUs` (nil when unknown → 1), capped by a `cpu.max` text.
    package static func defaultCount(affinityCPUs: Int?, cgroupCPUMax: String?) -> Int {
        var count = max(affinityCPUs ?? 1, 1)
        if let text = cgroupCPUMax, let limit = cgroupCPULimit(text) {
            count = min(count, limit)
        }
        return min(max(count, 1), maximum)
    }

    /// The CPU limit a cgroup v2 `cpu.max` text (`"$MAX $PERIOD"`) sets: quota ÷ period rounded up, at least 1.
    ///
    /// Nil when there is no limit (`max`) or the text is malformed: a file we cannot read must not shrink the pool.
    package static func cgroupCPULimit(_ cpuMax: String) -> Int? {
        let fields = cpuMax.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard fields.count == 2, fields[0] != "max", let quota = Int(fields[0]), let period = Int(fields[1]),
            quota > 0, period > 0
        else { return nil }
        return max((quota + period - 1) / period, 1)
    }

    /// The CPUs in the affinity mask, from `sched_getaffinity(2)`; nil when the call is unavailable or fails.
    package static func affinityCPUCount() -> Int? {
        // Glibc declares sched_getaffinity only under _GNU_SOURCE, which the Swift Glibc module does not set, and
        // CPU_COUNT is a macro; so the function is looked up by name and the mask's bits are counted here.
        typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32
        guard let program = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(program) }
        guard let symbol = dlsym(program, "sched_getaffinity") else { return nil }
        let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
        var mask = cpu_set_t()
        let result = withUnsafeMutableBytes(of: &mask) { getAffinity(0, $0.count, $0.baseAddress) }
        guard result == 0 else { return nil }
        let count = withUnsafeBytes(of: &mask) { bytes in bytes.reduce(0) { $0 + $1.nonzeroBitCount } }
        return count > 0 ? count : nil
    }
}
