/// A loop is a Swift executor, so request handlers can be `async` functions that run and resume on their worker's
/// loop (DESIGN.md §3): `Task(executorPreference: loop) { ... }` starts there, and an actor whose `unownedExecutor`
/// is the loop is isolated to it. Jobs go through the same inbox as `execute(_:)`: one wake-up per burst.
extension Loop: SerialExecutor, TaskExecutor {
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        execute { [self] in
            job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
        }
    }

    package func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    package func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Swift's runtime check that isolated code runs where it should: on this loop's thread.
    package func checkIsolated() {
        precondition(isCurrent, "expected to run on loop \(index)")
    }
}
