import EventLoop
import Store
import Testing

@testable import Relay

/// The bodies of `GET /stats` and `GET /stats/:app_id` (CONTRACT.md §9.4), byte for byte.
@Suite struct StatsDocumentTests {
    static let rates: [(errors: Int, total: Int, text: String)] = [
        (0, 0, "0"),  // no records: 0, not NaN
        (0, 12, "0"),
        (1, 12, "0.0833"),  // the contract's example
        (3, 120, "0.025"),
        (12, 12, "1"),
        (1, 3, "0.3333"),
        (2, 3, "0.6667"),
        (1, 8, "0.125"),
        (1, 20_000, "0.0001"),  // 0.00005 rounds half up
        (1, 20_001, "0"),  // just under half
        (1, 1_000_000, "0"),
        (999_999, 1_000_000, "1"),
        (123_457, 1_000_000, "0.1235"),
    ]

    @Test(arguments: rates)
    func testErrorRateIsRoundedToFourDecimals(_ rate: (errors: Int, total: Int, text: String)) {
        let json = StatsDocument.errorRate(errors: rate.errors, total: rate.total)
        #expect(String(decoding: json.bytes, as: UTF8.self) == rate.text)
    }

    @Test func testUserDocumentHasTheContractsMembersInOrder() {
        let stats = RequestStats(
            total: 12,
            last7Days: 10,
            last30Days: 12,
            errorCount: 1,
            providers: [
                ProviderUsage(name: "openai", total: 3, errors: 0),
                ProviderUsage(name: "anthropic", total: 9, errors: 1),
            ],
            topModels: [
                ModelUsage(model: "gpt-4o-mini", total: 3), ModelUsage(model: "claude-3-5-haiku-20241022", total: 9),
            ],
            lastRequestAt: 1_769_864_398_123,
            userCount: 1
        )
        let expected =
            #"{"total":12,"last_7d":10,"last_30d":12,"error_count":1,"error_rate":0.0833,"#
            + #""providers":{"anthropic":{"total":9,"errors":1},"openai":{"total":3,"errors":0}},"#
            + #""top_models":[{"model":"claude-3-5-haiku-20241022","total":9},{"model":"gpt-4o-mini","total":3}],"#
            + #""last_request":"2026-01-31T12:59:58.123Z"}"#
        #expect(String(decoding: StatsDocument.user(stats).bytes, as: UTF8.self) == expected)
    }

    @Test func testEmptyDocumentsHaveZerosAndNull() {
        #expect(
            String(decoding: StatsDocument.user(.empty).bytes, as: UTF8.self)
                == #"{"total":0,"last_7d":0,"last_30d":0,"error_count":0,"error_rate":0,"providers":{},"#
                + #""top_models":[],"last_request":null}"#
        )
        #expect(
            String(decoding: StatsDocument.app("my \"app\"", .empty).bytes, as: UTF8.self)
                == #"{"app_id":"my \"app\"","user_count":0,"total":0,"last_7d":0,"last_30d":0,"error_count":0,"#
                + #""error_rate":0,"providers":{},"top_models":[]}"#
        )
    }

    @Test func testAppDocumentStartsWithTheAppAndItsUsersAndHasNoLastRequest() {
        let stats = RequestStats(
            total: 120,
            last7Days: 40,
            last30Days: 120,
            errorCount: 3,
            providers: [ProviderUsage(name: "openai", total: 120, errors: 3)],
            topModels: [ModelUsage(model: "gpt-4o", total: 120)],
            lastRequestAt: 5,
            userCount: 4
        )
        #expect(
            String(decoding: StatsDocument.app("my-app", stats).bytes, as: UTF8.self)
                == #"{"app_id":"my-app","user_count":4,"total":120,"last_7d":40,"last_30d":120,"error_count":3,"#
                + #""error_rate":0.025,"providers":{"openai":{"total":120,"errors":3}},"#
                + #""top_models":[{"model":"gpt-4o","total":120}]}"#
        )
    }

    @Test func testAppIDIsPercentDecodedAndOnlyARegistrableOneIsLookedUp() {
        #expect(RelayApplication.appID(percentEncoded: "my%20app") == ("my app", true))
        #expect(RelayApplication.appID(percentEncoded: "a%2Fb%25") == ("a/b%", true))
        #expect(RelayApplication.appID(percentEncoded: "%E6%A8%A1") == ("模", true))
        #expect(RelayApplication.appID(percentEncoded: "100%") == ("100%", true))  // a lone % stays
        #expect(RelayApplication.appID(percentEncoded: "a%00b") == ("a\u{0}b", false))
        #expect(RelayApplication.appID(percentEncoded: "a%FF") == ("a\u{FFFD}", false))
        #expect(RelayApplication.appID(percentEncoded: String(repeating: "x", count: 129)).canHaveRecords == false)
    }
}
