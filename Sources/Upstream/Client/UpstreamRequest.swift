/// One request to a provider, as the upstream client sends it: the URL, the shaped headers (CONTRACT.md §5.4, with
/// the key last), how the body arrives, and the timeouts and address rules that apply.
package struct UpstreamRequest {
    /// `GET` (verification, probes) or `POST` (relaying, CONTRACT.md §5.1).
    package enum Method: Sendable {
        case get
        case post
    }

    /// Where the request body comes from.
    package enum Body {
        /// No body (`GET`, or an empty `POST` body: sent as `Content-Length: 0`).
        case none
        /// A body read in full beforehand (`POST /relay`, the model allowlist).
        case complete([UInt8])
        /// A body fed with `UpstreamTransfer.appendBody` and `endBody` as it arrives from the client; `length` is
        /// the client's `Content-Length`, or nil for a chunked upload (then sent chunked, or as HTTP/2 frames).
        case streamed(length: Int?)
    }

    package var method: Method
    /// The absolute URL: base URL (or override) + forwarded path + query.
    package var url: String
    /// Header lines in order; the client adds none of its own (no `Accept`, no `Expect`).
    package var headers: [(name: String, value: String)]
    package var body: Body
    /// Name resolution, TCP and TLS (`UPSTREAM_CONNECT_TIMEOUT_MS`).
    package var connectTimeoutMilliseconds: Int
    /// From the start to the response head, not counting waits for the client's body (`UPSTREAM_TIMEOUT_MS`).
    package var headTimeoutMilliseconds: Int
    /// After the head: the longest gap between body bytes while ready to receive (`UPSTREAM_IDLE_TIMEOUT_MS`).
    package var idleTimeoutMilliseconds: Int
    /// Whether plain `http` may be used (operator overrides, E3, and E4-listed hosts); otherwise `https` only.
    package var allowsPlainHTTP: Bool
    /// For `x-relay-base-url` (CONTRACT.md §5.5): the addresses the host was resolved to and checked, pinned so
    /// curl never looks the name up again, and a re-check of every socket curl opens. Nil for trusted URLs.
    package var pinnedAddresses: PinnedAddresses?

    package init(
        method: Method,
        url: String,
        headers: [(name: String, value: String)],
        body: Body,
        connectTimeoutMilliseconds: Int,
        headTimeoutMilliseconds: Int,
        idleTimeoutMilliseconds: Int,
        allowsPlainHTTP: Bool,
        pinnedAddresses: PinnedAddresses? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.headTimeoutMilliseconds = headTimeoutMilliseconds
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.allowsPlainHTTP = allowsPlainHTTP
        self.pinnedAddresses = pinnedAddresses
    }
}

/// A host name with the addresses it resolved to, all checked (CONTRACT.md §5.5 checks 9–10).
package struct PinnedAddresses: Sendable, Equatable {
    /// The host as it appears in the URL (no brackets for IPv6).
    package let host: String
    package let port: Int
    /// Numeric addresses, IPv6 without brackets.
    package let addresses: [String]
    /// Whether every socket curl opens is checked against the blocked ranges (false for E4-listed hosts).
    package let checksEverySocket: Bool

    package init(host: String, port: Int, addresses: [String], checksEverySocket: Bool) {
        self.host = host
        self.port = port
        self.addresses = addresses
        self.checksEverySocket = checksEverySocket
    }

    /// The `CURLOPT_RESOLVE` entry: `host:port:addr1,addr2`, IPv6 addresses bracketed.
    var resolveEntry: String {
        let list = addresses.map { $0.contains(":") ? "[\($0)]" : $0 }.joined(separator: ",")
        return "\(host):\(port):\(list)"
    }
}

/// Why an upstream request failed (CONTRACT.md §5.9); whether the head had arrived is told alongside.
package enum UpstreamFailure: Error, Sendable, Equatable {
    /// Name resolution, TCP or TLS not done within the connect timeout → 504.
    case connectTimedOut
    /// No response head within the head timeout → 504.
    case headTimedOut
    /// After the head, no body byte within the idle timeout → SSE error frame or abort (§5.8).
    case idleTimedOut
    /// A socket was about to be opened to a blocked address (§5.5 check 10, DNS rebinding) → 400.
    case blockedAddress
    /// Refused, reset, TLS or protocol failure, closed early → 502, or after the head §5.8.
    case unreachable
}
