import FuzzDriver
import Upstream

/// The process entry point under SwiftPM's name for it (see FuzzDriver).
@_cdecl("BaseURLFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOneInput)
}

/// libFuzzer entry point for the `x-relay-base-url` parser and CONTRACT.md §5.5 checks 2–8. Each input, decoded as
/// UTF-8 the way a header value reaches the relay, is parsed; the run checks the parser's promises: it never traps;
/// an origin it accepts serialises to text that parses back to the same origin (so the URL curl is given names the
/// host that was checked); and what checks 2–8 accept is https, without credentials, and not a blocked IP literal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let url = try? BaseURL(parsing: text) else {
        precondition(isRefused(text), "refused by the parser, accepted by the checks")
        return 0
    }
    if let host = url.host, url.scheme == "https" || url.scheme == "http" {
        guard let again = try? BaseURL(parsing: url.origin) else {
            preconditionFailure("the origin \(url.origin) does not parse")
        }
        precondition(again.scheme == url.scheme, "scheme changed: \(url.origin)")
        precondition(again.host == host, "host changed: \(url.origin)")
        precondition(again.effectivePort == url.effectivePort, "port changed: \(url.origin)")
        precondition(!again.hasCredentials, "credentials in an origin: \(url.origin)")
    }
    if case .success(let accepted) = BaseURLCheck.evaluate(header: text, allowsHTTP: { _, _ in false }) {
        precondition(accepted.scheme == "https" && !accepted.hasCredentials, "accepted \(text)")
        switch accepted.host {
        case .ipv4(let address)?: precondition(!AddressClassifier.isBlocked(ipv4: address), "blocked \(text)")
        case .ipv6(let pieces)?: precondition(!AddressClassifier.isBlocked(ipv6: pieces), "blocked \(text)")
        case .domain?, .opaque?: break
        case nil: preconditionFailure("accepted without a host: \(text)")
        }
    }
    return 0
}

/// Whether checks 2–8 refuse `text` (they must, when the parser does).
private func isRefused(_ text: String) -> Bool {
    if case .failure = BaseURLCheck.evaluate(header: text, allowsHTTP: { _, _ in true }) { return true }
    return false
}
