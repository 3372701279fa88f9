import CLibEvent
import Glibc

/// A one-shot timer on a loop that can be re-armed. Loop thread only; the owner keeps it alive while armed.
package final class LoopTimer {
    private var event: OpaquePointer?
    private let fired: () -> Void

    /// Creates a disarmed timer that calls `fired` on `loop`'s thread.
    package init(loop: Loop, fired: @escaping () -> Void) {
        self.fired = fired
        let context = Unmanaged.passUnretained(self).toOpaque()
        event = loop.withUnsafeEventBase { base in
            event_new(
                base,
                -1,
                0,
                { _, _, context in
                    guard let context else { return }
                    Unmanaged<LoopTimer>.fromOpaque(context).takeUnretainedValue().fired()
                },
                context
            )
        }
    }

    /// Arms (or re-arms) the timer to fire once after `milliseconds`.
    package func schedule(afterMilliseconds milliseconds: Int) {
        guard let event else { return }
        var interval = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        event_add(event, &interval)
    }

    /// Disarms the timer; harmless when it is not armed.
    package func cancel() {
        if let event { event_del(event) }
    }

    /// Frees the libevent event. Safe to call twice; also called from `deinit`.
    package func close() {
        if let event {
            event_free(event)
            self.event = nil
        }
    }

    deinit { close() }
}
