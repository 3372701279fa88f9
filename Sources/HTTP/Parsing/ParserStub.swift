// TEMPORARY stub with the parser API; replaced by the real parser.
package struct HTTPVersion: Equatable, Sendable {
    package var major: Int
    package var minor: Int
    package static let http1_0 = HTTPVersion(major: 1, minor: 0)
    package static let http1_1 = HTTPVersion(major: 1, minor: 1)
}
package struct HTTPHeaders: Equatable, Sendable, Sequence {
    var fields: [(name: String, value: String)]
    package init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }
    package subscript(name: String) -> String? { fields.first { $0.name.lowercased() == name.lowercased() }?.value }
    package func values(for name: String) -> [String] { fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
    package func contains(_ name: String) -> Bool { self[name] != nil }
    package var count: Int { fields.count }
    package mutating func add(name: String, value: String) { fields.append((name, value)) }
    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
    package static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool { a.fields.elementsEqual(b.fields) { $0 == $1 } }
}
package enum HTTPBodyFraming: Equatable, Sendable { case none, contentLength(Int), chunked }
package struct HTTPRequestHead: Equatable, Sendable {
    package var method: String
    package var target: String
    package var version: HTTPVersion
    package var headers: HTTPHeaders
    package var framing: HTTPBodyFraming
    package var path: Substring { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }
    package var query: Substring? { nil }
    package var isKeepAlive: Bool { version == .http1_1 }
    package var expectsContinue: Bool { false }
}
package enum HTTPParseError: Error, Equatable, Sendable {
    case headTooLarge, tooManyHeaders, unsupportedVersion, invalidRequestLine, invalidTarget, invalidHeaderName,
        invalidHeaderValue, obsFold, conflictingFraming, conflictingContentLength, invalidContentLength,
        unsupportedTransferEncoding, missingHost, multipleHost, invalidChunkSize, invalidChunkFraming, bodyTooLarge
    package var status: Int { 400 }
}
package struct HTTPParserLimits: Sendable {
    package var maxHeadBytes = 16384
    package var maxHeaders = 100
    package var maxBodyBytes = 10_485_760
    package init(maxHeadBytes: Int = 16384, maxHeaders: Int = 100, maxBodyBytes: Int = 10_485_760) {
        self.maxHeadBytes = maxHeadBytes; self.maxHeaders = maxHeaders; self.maxBodyBytes = maxBodyBytes
    }
}
package struct HTTPRequestParser {
    package enum Event: Equatable { case head(HTTPRequestHead), body(Range<Int>), end }
    package init(limits: HTTPParserLimits) {}
    package mutating func parse(_ input: UnsafeRawBufferPointer, into events: inout [Event]) throws(HTTPParseError) -> Int {
        throw .invalidRequestLine
    }
    package var isReadingHead: Bool { true }
    package var hasStartedRequest: Bool { false }
    package var isReadingBody: Bool { false }
}
