import EventLoop

/// What the mock does for one request, read from its query string (and an optional `/_mock/<parameters>` path
/// prefix); the language is documented at the top of MockProvider.swift. A pure value: no I/O.
package struct MockBehavior: Equatable, Sendable {
    /// The `mock=` parameter.
    package enum Mode: String, Sendable, CaseIterable {
        case json
        case sse
        case status
        case `break`
        case slow
        case stall
        case bytes
        case echo
    }

    /// A response header asked for with `h_<name>=<value>`.
    package struct Header: Equatable, Sendable {
        package let name: String
        package let value: String
    }

    package var mode = Mode.json
    /// `tag=`: the id tests look requests up by.
    package var tag: String?
    /// `code=`: the response status (default 200; 500 for `status`).
    package var status: Int?
    /// `chunks=`: events of an `sse` stream before `[DONE]`.
    package var chunks = 5
    /// `size=`: bytes of each event's `content` text (`sse`, `break`, `slow`).
    package var size = 16
    /// `delay_ms=`: gap between events of `sse` and `break`.
    package var delayMilliseconds = 0
    /// `head_delay_ms=`: wait this long after the request body ended before answering (every mode but `stall`).
    package var headDelayMilliseconds = 0
    /// `after=`: events a `break` stream sends before the connection is cut.
    package var after = 3
    /// `interval_ms=`: gap between the events of a `slow` stream.
    package var intervalMilliseconds = 50
    /// `total=`: body bytes of `bytes`.
    package var total = 1_048_576
    /// `break_after=`: `bytes` cuts the connection after this many body bytes.
    package var breakAfter: Int?
    /// `framing=chunked`: `bytes` sends no `Content-Length`.
    package var isChunked = false
    /// `retry_after=` and `retry_after_ms=`: the `retry-after` and `retry-after-ms` headers (any mode).
    package var retryAfter: String?
    package var retryAfterMilliseconds: String?
    /// `contentEncoding=gzip`: `json` sends `MockProvider.gzippedBody` with `content-encoding: gzip`.
    package var isGzip = false
    /// `h_<name>=<value>`, in order.
    package var headers: [Header] = []

    /// Why a query was refused (answered with 400 and this text in `x-mock-error`).
    package struct QueryError: Error, Equatable, Sendable {
        package let message: String
    }

    /// The defaults: the small JSON answer.
    package init() {}

    /// The behaviour `target` asks for. Unknown parameters (`alt`, `model`, ...) are ignored.
    package init(target: some StringProtocol) throws(QueryError) {
        self.init()
        var parameters: [(name: String, value: String)] = []
        let question = target.firstIndex(of: "?")
        let path = target[..<(question ?? target.endIndex)]
        if path.hasPrefix(Self.pathPrefix) {
            let segment = path.dropFirst(Self.pathPrefix.count).prefix { $0 != "/" }
            parameters += Self.parameters(segment)
        }
        if let question { parameters += Self.parameters(target[target.index(after: question)...]) }
        for (name, value) in parameters { try apply(name, value) }
    }

    /// A first path segment under this prefix holds parameters, for requests whose query a test cannot choose (a
    /// key verification made against `RELAY_UPSTREAM_<PROVIDER>=http://127.0.0.1:<port>/_mock/code=401`).
    package static let pathPrefix = "/_mock/"

    private mutating func apply(_ name: String, _ value: String) throws(QueryError) {
        switch name {
        case "mock":
            guard let mode = Mode(rawValue: value) else { throw QueryError(message: "unknown mock mode \(value)") }
            self.mode = mode
        case "tag": tag = value
        case "code":
            let code = try Self.number(name, value)
            guard (200..<600).contains(code) else { throw QueryError(message: "code must be 200-599") }
            status = code
        case "chunks": chunks = try Self.number(name, value)
        case "size": size = try Self.number(name, value)
        case "delay_ms": delayMilliseconds = try Self.number(name, value)
        case "head_delay_ms": headDelayMilliseconds = try Self.number(name, value)
        case "after": after = try Self.number(name, value)
        case "interval_ms": intervalMilliseconds = max(1, try Self.number(name, value))
        case "total": total = try Self.number(name, value)
        case "break_after": breakAfter = try Self.number(name, value)
        case "framing":
            guard value == "chunked" || value == "length" else { throw QueryError(message: "framing: chunked|length") }
            isChunked = value == "chunked"
        case "retry_after": retryAfter = value
        case "retry_after_ms": retryAfterMilliseconds = value
        case "contentEncoding":
            guard value == "gzip" else { throw QueryError(message: "contentEncoding: only gzip") }
            isGzip = true
        default:
            guard name.hasPrefix("h_"), name.count > 2 else { return }
            headers.append(Header(name: String(name.dropFirst(2)), value: value))
        }
    }

    private static func number(_ name: String, _ value: String) throws(QueryError) -> Int {
        guard let number = Int(value), number >= 0 else {
            throw QueryError(message: "\(name) must be a non-negative integer")
        }
        return number
    }

    /// `a=1&b=2` split on `&` (and `;`), names and values percent-decoded once; `+` stays a plus sign.
    static func parameters(_ text: some StringProtocol) -> [(name: String, value: String)] {
        text.split(whereSeparator: { $0 == "&" || $0 == ";" }).map { pair in
            let equals = pair.firstIndex(of: "=")
            let name = pair[..<(equals ?? pair.endIndex)]
            let value = equals.map { pair[pair.index(after: $0)...] } ?? ""
            return (PercentDecoding.decoded(name), PercentDecoding.decoded(value))
        }
    }
}
