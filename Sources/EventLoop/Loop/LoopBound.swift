/// Carries loop-confined values (an exchange, a connection) into a task or `Loop.execute` job that runs on their
/// own loop.
///
/// The compiler cannot see that the job stays on the values' thread, so this box says it: open it only inside a
/// task whose executor is that loop, or a job posted to that loop.
package struct LoopBound<Value>: @unchecked Sendable {
    package let value: Value

    package init(_ value: Value) {
        self.value = value
    }
}
