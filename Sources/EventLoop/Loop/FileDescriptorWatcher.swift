import CLibEvent
import Glibc

/// Watches one file descriptor for readability or writability on a loop. Loop thread only. The watcher does not own
/// the descriptor: whoever opened it closes it, after `close()` here.
package final class FileDescriptorWatcher {
    /// What the watcher waits for.
    package enum Interest {
        case readable
        case writable
    }

    private var event: OpaquePointer?
    private var isArmed = false
    private let ready: () -> Void

    /// Creates a disarmed, persistent watcher; `ready` runs on the loop thread each time the descriptor is ready.
    package init(loop: Loop, descriptor: Int32, interest: Interest, ready: @escaping () -> Void) {
        self.ready = ready
        let context = Unmanaged.passUnretained(self).toOpaque()
        let kind = Int16(interest == .readable ? EV_READ : EV_WRITE) | Int16(EV_PERSIST)
        event = loop.withUnsafeEventBase { base in
            event_new(
                base,
                descriptor,
                kind,
                { _, _, context in
                    guard let context else { return }
                    Unmanaged<FileDescriptorWatcher>.fromOpaque(context).takeUnretainedValue().ready()
                },
                context
            )
        }
    }

    /// Starts watching; harmless when already armed.
    package func arm() {
        guard !isArmed, let event else { return }
        isArmed = true
        event_add(event, nil)
    }

    /// Stops watching; harmless when not armed.
    package func disarm() {
        guard isArmed, let event else { return }
        isArmed = false
        event_del(event)
    }

    /// Frees the libevent event. Safe to call twice; also called from `deinit`.
    package func close() {
        if let event {
            event_free(event)
            self.event = nil
            isArmed = false
        }
    }

    deinit { close() }
}
