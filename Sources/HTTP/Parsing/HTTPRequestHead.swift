/// A parsed and checked request line with its header fields and the framing of the body that follows.
package struct HTTPRequestHead: Equatable, Sendable {
    /// The method as sent: methods are case-sensitive (RFC 9110 §9.1).
    package var method: String
    /// The raw request-target: origin-form, or `*` for `OPTIONS`.
    package var target: String
    /// 1.0 or 1.1.
    package var version: HTTPVersion
    /// The header fields, values with their surrounding whitespace trimmed.
    package var headers: HTTPHeaders
    /// How the body is delimited.
    package var framing: HTTPBodyFraming

    /// Makes a head from its parts, as the parser does and as tests do.
    package init(
        method: String,
        target: String,
        version: HTTPVersion,
        headers: HTTPHeaders,
        framing: HTTPBodyFraming
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
    }

    /// The target up to the first `?`.
    package var path: Substring {
        guard let questionMark = target.firstIndex(of: "?") else {
            return target[...]
        }
        return target[..<questionMark]
    }

    /// The target after the first `?`, nil when there is no `?`.
    package var query: Substring? {
        guard let questionMark = target.firstIndex(of: "?") else {
            return nil
        }
        return target[target.index(after: questionMark)...]
    }

    /// Whether the connection stays open after the response (RFC 9112 §9.3): HTTP/1.1 unless a `Connection`
    /// field lists `close`; HTTP/1.0 only when one lists `keep-alive` (and none lists `close`).
    package var isKeepAlive: Bool {
        var listsClose = false
        var listsKeepAlive = false
        for value in headers.values(for: "Connection") {
            for option in HTTPSyntax.listElements(value) {
                if HTTPSyntax.equalsIgnoringASCIICase(option, "close".utf8) {
                    listsClose = true
                } else if HTTPSyntax.equalsIgnoringASCIICase(option, "keep-alive".utf8) {
                    listsKeepAlive = true
                }
            }
        }
        if listsClose {
            return false
        }
        return version == .http1_1 || listsKeepAlive
    }

    /// Whether the client waits for `100 Continue` before sending the body. Always false for HTTP/1.0, whose
    /// clients cannot read an interim response (RFC 9110 §10.1.1: a server must ignore it there).
    package var expectsContinue: Bool {
        guard version == .http1_1 else {
            return false
        }
        return headers.values(for: "Expect").contains { value in
            HTTPSyntax.equalsIgnoringASCIICase(HTTPSyntax.trimmingWhitespace(value[...].utf8), "100-continue".utf8)
        }
    }
}
