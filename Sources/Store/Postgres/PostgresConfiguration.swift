import CPostgres
import Glibc

/// How to reach PostgreSQL: parsed once from `DATABASE_URL`, either a `postgres://user:pass@host:port/db?...` URL or
/// a `key=value` string (libpq's `PQconninfoParse` reads both), plus the deadline. It holds the password, so its
/// descriptions are redacted and no error built from it quotes it.
package struct PostgresConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The deadline of every statement and of every connect attempt (`DB_TIMEOUT_MS`).
    package let timeoutMilliseconds: Int
    /// libpq's keywords and values as parsed, with our settings applied; hosts not yet resolved.
    private let keywords: [String]
    private let values: [String]
    /// The `host` list's entries, when at least one is a name that must be resolved off the loop (DESIGN.md §5:
    /// `PQconnectStart` would resolve it synchronously). Nil when every host is an IP literal or a socket path, when
    /// `hostaddr` is given, or when no host is.
    let hostsToResolve: [String]?

    /// Parses `conninfo` and adds: `statement_timeout` (the deadline, so the server also stops work we gave up on),
    /// hex bytea output, UTF-8, and TCP keepalives unless the string sets its own (a dead server is noticed even on
    /// an idle connection).
    package init(conninfo: String, timeoutMilliseconds: Int) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            // libpq's message may quote the string, password included: dropped.
            if let errorMessage { PQfreemem(errorMessage) }
            throw .invalidConfiguration
        }
        defer { PQconninfoFree(options) }
        var parsed: [(String, String)] = []
        var index = 0
        while let keyword = options[index].keyword {
            if let value = options[index].val { parsed.append((String(cString: keyword), String(cString: value))) }
            index += 1
        }
        self.init(parsed: parsed, timeoutMilliseconds: timeoutMilliseconds)
    }

    private init(parsed: [(String, String)], timeoutMilliseconds: Int) {
        var settings = parsed
        func value(_ keyword: String) -> String? { settings.first { $0.0 == keyword }?.1 }
        func set(_ keyword: String, _ newValue: String) {
            if let index = settings.firstIndex(where: { $0.0 == keyword }) {
                settings[index].1 = newValue
            } else {
                settings.append((keyword, newValue))
            }
        }
        let serverOptions = "-c statement_timeout=\(timeoutMilliseconds) -c bytea_output=hex"
        set("options", [value("options"), serverOptions].compactMap { $0 }.joined(separator: " "))
        set("client_encoding", "UTF8")  // PostgresRows decodes text as UTF-8
        for (keyword, defaultValue) in [
            ("keepalives", "1"), ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
        ] where value(keyword) == nil {
            set(keyword, defaultValue)
        }
        self.timeoutMilliseconds = timeoutMilliseconds
        keywords = settings.map(\.0)
        values = settings.map(\.1)
        let hosts = value("host").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        if let hosts, value("hostaddr") == nil, hosts.contains(where: Self.needsLookup) {
            hostsToResolve = hosts
        } else {
            hostsToResolve = nil
        }
    }

    /// libpq's parameters for one connect attempt. With `addresses` (one list per entry of `hostsToResolve`, empty
    /// strings for entries that need no lookup), each host is repeated once per address and `hostaddr` lists the
    /// addresses, so libpq tries them in order without resolving anything; `host` stays for TLS name checks.
    func connectParameters(addresses: [[String]]?) -> (keywords: [String], values: [String]) {
        guard let hosts = hostsToResolve, let addresses, addresses.count == hosts.count else {
            return (keywords, values)
        }
        let portIndex = keywords.firstIndex(of: "port")
        let ports = portIndex.map { self.values[$0].split(separator: ",", omittingEmptySubsequences: false) }
        var hostList: [String] = []
        var addressList: [String] = []
        var portList: [String] = []
        for (position, host) in hosts.enumerated() {
            for address in addresses[position] {
                hostList.append(host)
                addressList.append(address)
                if let ports { portList.append(String(ports.count == hosts.count ? ports[position] : ports[0])) }
            }
        }
        var keywords = keywords
        var values = values
        if let hostIndex = keywords.firstIndex(of: "host") { values[hostIndex] = hostList.joined(separator: ",") }
        keywords.append("hostaddr")
        values.append(addressList.joined(separator: ","))
        if let portIndex { values[portIndex] = portList.joined(separator: ",") }
        return (keywords, values)
    }

    /// Whether a `host` entry is a name: not empty, not a Unix socket directory, not an IP literal.
    static func needsLookup(_ host: String) -> Bool {
        guard !host.isEmpty, !host.hasPrefix("/"), !host.hasPrefix("@") else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET, host, &address) != 1 && inet_pton(AF_INET6, host, &address) != 1
    }

    package var description: String { "PostgresConfiguration(timeout: \(timeoutMilliseconds) ms, redacted)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["timeoutMilliseconds": timeoutMilliseconds]) }
}
