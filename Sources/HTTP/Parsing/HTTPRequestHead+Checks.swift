extension HTTPRequestHead {
    /// `Content-Length` values longer than this are refused: 18 decimal digits always fit in an `Int`, and no body
    /// is that long (CONTRACT.md §1.7 leaves the size check to the connection, so the value must not overflow).
    static let maxContentLengthDigits = 18

    /// Makes the head once the empty line arrived, checking the rules that need every field (CONTRACT.md §1.7):
    /// exactly one `Host` for 1.1, then the body framing. The request line was checked as it arrived.
    static func checked(
        method: String,
        target: String,
        version: HTTPVersion,
        headers: HTTPHeaders
    ) throws(HTTPParseError) -> HTTPRequestHead {
        let hostCount = headers.values(for: "Host").count
        if hostCount > 1 {
            throw .multipleHost
        }
        if hostCount == 0 && version == .http1_1 {
            throw .missingHost  // RFC 9112 §3.2: a 1.1 request without Host must be refused.
        }
        let framing = try bodyFraming(of: headers, version: version)
        return HTTPRequestHead(method: method, target: target, version: version, headers: headers, framing: framing)
    }

    /// The body framing, refusing every ambiguity a proxy in front could read differently (request smuggling).
    private static func bodyFraming(of headers: HTTPHeaders, version: HTTPVersion) throws(HTTPParseError)
        -> HTTPBodyFraming
    {
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty && !contentLengths.isEmpty {
            throw .conflictingFraming  // RFC 9112 §6.1 allows "TE wins"; CONTRACT.md §1.7 refuses instead.
        }
        if !transferEncodings.isEmpty {
            // CONTRACT.md §1.7: exactly `chunked`, in one field; HTTP/1.0 has no transfer codings at all.
            guard version == .http1_1, transferEncodings.count == 1,
                HTTPSyntax.equalsIgnoringASCIICase(transferEncodings[0].utf8, "chunked".utf8)
            else {
                throw .unsupportedTransferEncoding
            }
            return .chunked
        }
        guard !contentLengths.isEmpty else {
            return .none
        }
        return .contentLength(try contentLength(from: contentLengths))
    }

    /// The one length that every `Content-Length` field and list element agrees on (RFC 9112 §6.3 item 5).
    private static func contentLength(from values: [String]) throws(HTTPParseError) -> Int {
        var agreedLength: Int?
        var disagrees = false
        for value in values {
            for element in HTTPSyntax.listElements(value) {
                let length = try decimalLength(element)
                if let agreedLength, agreedLength != length {
                    disagrees = true
                }
                agreedLength = agreedLength ?? length
            }
        }
        // A malformed element anywhere wins over a disagreement, so the error does not depend on field order.
        if disagrees {
            throw .conflictingContentLength
        }
        guard let agreedLength else {
            throw .invalidContentLength
        }
        return agreedLength
    }

    /// 1*DIGIT: no sign, no inner whitespace, at most `maxContentLengthDigits`.
    private static func decimalLength(_ digits: Substring.UTF8View) throws(HTTPParseError) -> Int {
        guard !digits.isEmpty, digits.count <= maxContentLengthDigits else {
            throw .invalidContentLength
        }
        var length = 0
        for byte in digits {
            guard let digit = HTTPSyntax.decimalDigitValue(byte) else {
                throw .invalidContentLength
            }
            length = length * 10 + digit
        }
        return length
    }
}
