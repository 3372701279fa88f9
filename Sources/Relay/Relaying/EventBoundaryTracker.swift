/// Remembers whether the bytes sent so far on an event stream end at an event boundary, so that an SSE error frame
/// written after an upstream failure parses as an event of its own (CONTRACT.md §5.8).
///
/// Fed every chunk as it is sent; keeps only the last four bytes, the length of the longer boundary, packed in one
/// integer, so following a stream of any size costs no allocation.
package struct EventBoundaryTracker: Equatable, Sendable {
    /// The last bytes sent, the newest in the low byte.
    private var lastBytes: UInt32 = 0
    /// How many bytes have been sent, counted up to four (so that a zero in `lastBytes` is not mistaken for data).
    private var knownCount = 0

    /// A tracker for a stream that has sent no body byte yet.
    package init() {}

    /// Records that `chunk` was written to the client, after everything before it.
    package mutating func bytesSent(_ chunk: some BidirectionalCollection<UInt8>) {
        for byte in chunk.suffix(4) {
            lastBytes = lastBytes << 8 | UInt32(byte)
        }
        knownCount = min(4, knownCount + min(4, chunk.count))
    }

    /// Whether the bytes sent end with LF LF or CR LF CR LF, or nothing has been sent yet.
    ///
    /// An empty stream is at a boundary: an event-stream parser starts in the state a blank line leaves it in, so
    /// a frame written first is already an event of its own and needs no blank line before it.
    package var isAtEventBoundary: Bool {
        switch knownCount {
        case 0: true
        case 1: false
        case 2, 3: lastBytes & 0xFFFF == 0x0A0A
        default: lastBytes & 0xFFFF == 0x0A0A || lastBytes == 0x0D0A_0D0A
        }
    }
}
