import Testing

@testable import HTTP

/// Every byte value in a field name: only tchar (RFC 9110 §5.6.2) may pass.
@Suite struct HTTPHeaderNameByteTests {
    static let tokenCharacters = Set(
        "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8
    )

    @Test(arguments: 0...255)
    func testOnlyTokenBytesStartFieldName(_ value: Int) {
        let byte = UInt8(value)
        let request = Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8) + [byte] + Array("X: v\r\n\r\n".utf8)
        let outcome = HTTPRequestParser.outcomeInEverySplit(request)
        if Self.tokenCharacters.contains(byte) {
            #expect(outcome.error == nil)
            #expect(
                outcome.events.first
                    == .head("GET", "/", [("Host", "a"), (String(decoding: [byte, 0x58], as: UTF8.self), "v")])
            )
        } else {
            #expect(outcome.error != nil)
            #expect(outcome.events.isEmpty)
        }
    }

    @Test(arguments: 0...255)
    func testOnlyTokenBytesContinueFieldName(_ value: Int) {
        let byte = UInt8(value)
        let request = Array("GET / HTTP/1.1\r\nHost: a\r\nX".utf8) + [byte] + Array("Y: v\r\n\r\n".utf8)
        let outcome = HTTPRequestParser.outcomeInEverySplit(request)
        if Self.tokenCharacters.contains(byte) {
            #expect(outcome.error == nil)
        } else if byte == UInt8(ascii: ":") {
            // The colon ends the name early: "X" with the value "Y: v".
            #expect(outcome.events.first == .head("GET", "/", [("Host", "a"), ("X", "Y: v")]))
        } else {
            #expect(outcome.error == .invalidHeaderName)
        }
    }
}
