/// Hears what happens to one upstream transfer, on its loop. After `upstreamFinished`, or after the owner called
/// `UpstreamTransfer.cancel()`, nothing more is called.
package protocol UpstreamTransferDelegate: AnyObject {
    /// The final response head (informational 1xx heads are skipped). Names as sent, values trimmed.
    func upstreamHeadReceived(status: Int, headers: [(name: String, value: String)])

    /// A piece of the response body, as curl decoded the transfer framing (content encodings stay). Returns false
    /// when the bytes cannot be taken now: curl keeps them and the transfer pauses until `resume()`.
    func upstreamBodyReceived(_ bytes: UnsafeRawBufferPointer) -> Bool

    /// The end: nil for a complete response, else why it failed. `headReceived` tells whether a head came first.
    func upstreamFinished(_ failure: UpstreamFailure?, headReceived: Bool)
}
