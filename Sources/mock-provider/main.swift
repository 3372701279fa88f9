import EventLoop
import Glibc
import MockProvider

// The mock provider as a process, for benchmark scripts (docs/testing.md):
//   mock-provider [--host 127.0.0.1] [--port 0] [--workers 1] [--lifetime-seconds 600] [--record-limit 0]
// Each option may also come from the environment as MOCK_PROVIDER_<NAME> (MOCK_PROVIDER_PORT, ...); the command
// line wins. Prints `listening <port>` once it accepts connections, and exits by itself after the lifetime, so a
// benchmark that dies never leaves it behind. Records nothing by default: nobody could ask for the recordings.
// No C callbacks here: top-level code is main-actor isolated (DESIGN.md §11).

func fail(_ message: String) -> Never {
    let line = Array("mock-provider: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

var options: [String: String] = ["host": "127.0.0.1", "port": "0", "workers": "1", "lifetime-seconds": "600"]
options["record-limit"] = "0"
for name in Array(options.keys) {
    let variable = "MOCK_PROVIDER_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 })
    if let value = getenv(variable) { options[name] = String(cString: value) }
}
var arguments = Array(CommandLine.arguments.dropFirst())[...]
while let argument = arguments.popFirst() {
    guard argument.hasPrefix("--"), options[String(argument.dropFirst(2))] != nil, let value = arguments.popFirst()
    else { fail("usage: mock-provider [--host H] [--port N] [--workers N] [--lifetime-seconds N] [--record-limit N]") }
    options[String(argument.dropFirst(2))] = value
}
@MainActor func number(_ name: String) -> Int {
    guard let text = options[name], let value = Int(text), value >= 0 else { fail("--\(name) needs a number") }
    return value
}

let mock: MockProvider
do {
    mock = try MockProvider.start(
        host: options["host"] ?? "127.0.0.1",
        port: number("port"),
        workers: max(1, number("workers")),
        recordLimit: number("record-limit")
    )
} catch {
    fail("cannot start: \(error)")
}
let line = Array("listening \(mock.port)\n".utf8)
_ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }

let deadline = MonotonicClock.nowNanoseconds() + UInt64(number("lifetime-seconds")) * 1_000_000_000
while case let now = MonotonicClock.nowNanoseconds(), now < deadline {
    let remaining = deadline - now
    var pause = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
    _ = nanosleep(&pause, nil)
}
mock.stop()
exit(0)
