import Relay
import Testing

@Suite struct WorkerCountTests {
    static let cgroupLimits: [(String, Int?)] = [
        ("max 100000", nil),
        ("max 100000\n", nil),
        ("150000 100000", 2),
        ("150000 100000\n", 2),
        ("50000 100000", 1),
        ("100000 100000", 1),
        ("400000 100000", 4),
        ("1 100000", 1),
        ("", nil),
        ("garbage", nil),
        ("-5 100000", nil),
        ("100000 0", nil),
    ]

    @Test(arguments: cgroupLimits)
    func testCgroupQuotaIsRoundedUp(_ cpuMax: String, _ expected: Int?) {
        #expect(WorkerCount.cgroupCPULimit(cpuMax) == expected)
    }

    static let defaults: [(Int?, String?, Int)] = [
        (8, nil, 8),
        (8, "max 100000", 8),
        (8, "150000 100000", 2),
        (1, "400000 100000", 1),
        (nil, nil, 1),
        (0, nil, 1),
        (4096, nil, 1024),
        (8, "garbage", 8),
    ]

    @Test(arguments: defaults)
    func testDefaultIsAffinityCappedByCgroup(_ affinity: Int?, _ cpuMax: String?, _ expected: Int) {
        #expect(WorkerCount.defaultCount(affinityCPUs: affinity, cgroupCPUMax: cpuMax) == expected)
    }

    @Test func testProcessDefaultIsWithinRange() {
        #expect((WorkerCount.affinityCPUCount() ?? 1) >= 1)
        #expect((1...WorkerCount.maximum).contains(WorkerCount.processDefault()))
    }
}
