import Glibc

/// `byok-relay probe [URL]`: one `GET`, exit 0 on 200, else 1 (CONTRACT.md §10.3), for container health checks in
/// images without curl. Plain `http://` only: it probes the local relay.
enum ProbeCommand {
    private static let timeoutSeconds = 5

    static func run(url: String?) -> Int32 {
        let target = url ?? "http://127.0.0.1:\(defaultPort())/healthz"
        guard let (host, port, path) = parse(target) else {
            RelayMain.printError("byok-relay: probe needs an http://host[:port]/path URL (got \"\(target)\").")
            return 1
        }
        return status(host: host, port: port, path: path) == 200 ? 0 : 1
    }

    /// `PORT` as the relay would read it: environment, then `.env`, else 3000.
    private static func defaultPort() -> Int {
        if let value = getenv("PORT").map({ String(cString: $0) }), let port = Int(value) { return port }
        if let file = FileContents.text(atPath: ".env"), let value = EnvironmentFile.parse(file)["PORT"],
            let port = Int(value)
        {
            return port
        }
        return 3000
    }

    private static func parse(_ url: String) -> (String, String, String)? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = authorityEnd == rest.endIndex ? "/" : String(rest[authorityEnd...])
        var host = Substring(authority)
        var port = "80"
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = String(authority[authority.index(after: colon)...])
        }
        guard !host.isEmpty, Int(port) != nil else { return nil }
        return (String(host), port, path)
    }

    private static func status(host: String, port: String, path: String) -> Int? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &results) == 0, let first = results else { return nil }
        defer { freeaddrinfo(results) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        guard
            request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) })
                == request.count
        else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while response.count < 16 {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        // "HTTP/1.1 200 "
        let line = String(decoding: response.prefix(12), as: UTF8.self)
        guard line.hasPrefix("HTTP/1."), line.count == 12 else { return nil }
        return Int(line.dropFirst(9).prefix(3))
    }
}
