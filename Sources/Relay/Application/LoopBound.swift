/// Carries loop-confined values (an exchange, the loop's application) into a task that runs on that same loop.
///
/// The compiler cannot see that `Task(executorPreference: loop)` keeps the values on their thread, so this box
/// says it: construct it on the loop thread and open it only inside a task whose executor is that loop.
struct LoopBound<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
