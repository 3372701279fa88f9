import CLibEvent
import Glibc

/// Delivers a POSIX signal to one loop as an ordinary callback (libevent's signal events: the handler only writes to
/// a socket pair, so `received` runs in normal loop context, not in a signal handler).
package final class SignalWatcher {
    private var event: OpaquePointer?
    private let received: () -> Void

    /// Starts watching `signal` on `loop`; `received` runs on the loop thread once per delivery.
    package init(loop: Loop, signal: Int32, received: @escaping () -> Void) {
        self.received = received
        let context = Unmanaged.passUnretained(self).toOpaque()
        event = loop.withUnsafeEventBase { base in
            relay_evsignal_new(
                base,
                signal,
                { _, _, context in
                    guard let context else { return }
                    Unmanaged<SignalWatcher>.fromOpaque(context).takeUnretainedValue().received()
                },
                context
            )
        }
        if let event { event_add(event, nil) }
    }

    /// Stops watching and frees the event. Safe to call twice.
    package func close() {
        if let event {
            event_free(event)
            self.event = nil
        }
    }

    deinit { close() }
}
