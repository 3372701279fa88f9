import Testing

@testable import MockProvider

/// The query language, without sockets: what each target asks the mock to do.
@Suite struct MockBehaviorTests {
    static let accepted: [(String, MockBehavior)] = [
        ("/v1/chat/completions", MockBehavior()),
        ("/v1/chat/completions?", MockBehavior()),
        ("/v1/messages?mock=json&tag=a", behavior { $0.tag = "a" }),
        (
            "/v1/x?mock=sse&chunks=7&size=64&delay_ms=20&tag=t1",
            behavior {
                $0.mode = .sse
                $0.chunks = 7
                $0.size = 64
                $0.delayMilliseconds = 20
                $0.tag = "t1"
            }
        ),
        (
            "/x?mock=status&code=429&retry_after=7&retry_after_ms=7000",
            behavior {
                $0.mode = .status
                $0.status = 429
                $0.retryAfter = "7"
                $0.retryAfterMilliseconds = "7000"
            }
        ),
        (
            "/x?mock=break&after=2",
            behavior {
                $0.mode = .break
                $0.after = 2
            }
        ),
        (
            "/x?mock=bytes&total=10&framing=chunked&break_after=4",
            behavior {
                $0.mode = .bytes
                $0.total = 10
                $0.isChunked = true
                $0.breakAfter = 4
            }
        ),
        (
            "/x?mock=slow&interval_ms=0",  // at least 1 ms: a slow stream never spins
            behavior {
                $0.mode = .slow
                $0.intervalMilliseconds = 1
            }
        ),
        ("/x?contentEncoding=gzip", behavior { $0.isGzip = true }),
        // Percent-decoded once; `+` stays; `;` separates too; unknown names (Google's alt) are ignored.
        (
            "/v1beta/models/m:streamGenerateContent?h_x-a%20b=1%2B1+2;h_X-C=%25zz&alt=sse",
            behavior { $0.headers = [.init(name: "x-a b", value: "1+1+2"), .init(name: "X-C", value: "%zz")] }
        ),
        // Parameters in a `/_mock/` path segment, then the query's (read later, so they win).
        (
            "/_mock/mock=status&code=401/v1/models?code=403",
            behavior {
                $0.mode = .status
                $0.status = 403
            }
        ),
        ("/_mock/mock=stall", behavior { $0.mode = .stall }),
        ("/v1/_mock/mock=stall", MockBehavior()),  // only a first segment counts
    ]

    @Test(arguments: accepted)
    func testTargetIsRead(target: String, expected: MockBehavior) throws {
        #expect(try MockBehavior(target: target) == expected)
    }

    static let refused: [(String, String)] = [
        ("/?mock=nope", "unknown mock mode nope"),
        ("/?mock=sse&chunks=x", "chunks must be a non-negative integer"),
        ("/?mock=sse&size=-1", "size must be a non-negative integer"),
        ("/?code=99", "code must be 200-599"),
        ("/?code=600", "code must be 200-599"),
        ("/?contentEncoding=br", "contentEncoding: only gzip"),
        ("/?framing=gzip", "framing: chunked|length"),
    ]

    @Test(arguments: refused)
    func testUnreadableParameterIsRefused(target: String, message: String) {
        #expect(throws: MockBehavior.QueryError(message: message)) { try MockBehavior(target: target) }
    }

    @Test func testEveryModeHasItsName() throws {
        for mode in MockBehavior.Mode.allCases {
            #expect(try MockBehavior(target: "/?mock=\(mode.rawValue)").mode == mode)
        }
    }

    @Test func testBase64MatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE="]
        for (plain, encoded) in vectors { #expect(Base64.encoded(Array(plain.utf8)) == encoded) }
        #expect(Base64.encoded([0xFF, 0xFE, 0x00]) == "//4A")
    }
}

private func behavior(_ change: (inout MockBehavior) -> Void) -> MockBehavior {
    var behavior = MockBehavior()
    change(&behavior)
    return behavior
}
