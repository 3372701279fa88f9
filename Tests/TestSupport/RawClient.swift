import Foundation

/// A blocking TCP client for tests: raw bytes out, parsed responses in, every read bounded by a deadline.
// Sendable: a test uses one client from one thread at a time (handing it to a helper thread and back); it is never
// shared concurrently.
package final class RawClient: @unchecked Sendable {
    /// A response as read off the wire.
    package struct Response: Sendable {
        package let status: Int
        package let headers: [(name: String, value: String)]
        package let body: [UInt8]
        package var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// First value of `name`, case-insensitive.
        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    package enum ClientError: Error { case connectFailed(Int32), timedOut, closed, malformed(String) }

    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; `receiveBufferBytes` shrinks the socket's receive buffer (a slow reader).
    package init(port: Int, receiveBufferBytes: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBufferBytes {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw ClientError.connectFailed(code)
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { Glibc.close(descriptor) }

    /// The local port of this connection: the peer port the server sees.
    package var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Sends `text` as UTF-8.
    package func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends `bytes`.
    package func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { throw ClientError.closed }
            offset += written
        }
    }

    /// Half-closes the sending side.
    package func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Closes the connection now (with a reset if `reset`).
    package func close(reset: Bool = false) {
        if reset {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Reads bytes until `marker` has arrived (or the deadline passes) and returns everything up to and including
    /// it, leaving the rest buffered: for streamed bodies read piece by piece.
    package func read(through marker: [UInt8], timeout: Double = 5) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        var end = Self.find(marker, in: buffer)
        while end == nil {
            try fill(until: deadline)
            end = Self.find(marker, in: buffer)
        }
        let taken = Array(buffer[0..<(end! + marker.count)])
        buffer.removeFirst(end! + marker.count)
        return taken
    }

    /// Reads exactly `count` bytes (or throws at the deadline or the peer's close).
    package func read(count: Int, timeout: Double = 5) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        while buffer.count < count { try fill(until: deadline) }
        let taken = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return taken
    }

    /// One `recv` of at most `maximum` bytes from the buffer or the socket (0 when the peer closed): a reader that
    /// sets its own pace.
    package func receive(maximum: Int, timeout: Double = 5) throws -> [UInt8] {
        if buffer.isEmpty {
            do { try fill(until: Date().addingTimeInterval(timeout), maximum: maximum) } catch ClientError.closed {
                return []
            }
        }
        let taken = Array(buffer.prefix(maximum))
        buffer.removeFirst(taken.count)
        return taken
    }

    /// Reads one response (Content-Length, chunked, or until close). `bodyless` for responses to HEAD.
    package func readResponse(timeout: Double = 5, bodyless: Bool = false) throws -> Response {
        let head = try readHead(timeout: timeout)
        return try readBody(of: head, timeout: timeout, bodyless: bodyless)
    }

    /// Reads a response head; the body stays unread (`readBody(of:)`, `read(through:)`, `receive(maximum:)`).
    package func readHead(timeout: Double = 5) throws -> Response {
        let deadline = Date().addingTimeInterval(timeout)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil { try fill(until: deadline) }
        }
        let headText = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError.malformed(statusLine) }
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: [])
    }

    /// Reads the body of the response whose head `readHead` returned.
    package func readBody(of head: Response, timeout: Double = 5, bodyless: Bool = false) throws -> Response {
        let deadline = Date().addingTimeInterval(timeout)
        let response = { (body: [UInt8]) in Response(status: head.status, headers: head.headers, body: body) }
        func header(_ name: String) -> String? { head.header(name) }
        let status = head.status
        if status == 100 { return response([]) }
        if bodyless || status == 204 || status == 304 { return response([]) }
        if let length = header("content-length").flatMap(Int.init) {
            while buffer.count < length { try fill(until: deadline) }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            return response(body)
        }
        if header("transfer-encoding")?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while true {
                var lineEnd = Self.find([13, 10], in: buffer)
                while lineEnd == nil {
                    try fill(until: deadline)
                    lineEnd = Self.find([13, 10], in: buffer)
                }
                let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self)
                guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                    throw ClientError.malformed(sizeText)
                }
                buffer.removeFirst(lineEnd! + 2)
                while buffer.count < size + 2 { try fill(until: deadline) }
                body.append(contentsOf: buffer[0..<size])
                buffer.removeFirst(size + 2)
                if size == 0 { return response(body) }
            }
        }
        while true {
            do { try fill(until: deadline) } catch ClientError.closed { break }
        }
        let body = buffer
        buffer = []
        return response(body)
    }

    /// Waits until the server closes the connection; true if it did within `timeout`.
    package func waitForClose(timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            do { try fill(until: deadline) } catch ClientError.closed { return true } catch { return false }
        }
    }

    /// Bytes received and not yet consumed by `readResponse`.
    package var unreadBytes: [UInt8] { buffer }

    private func fill(until deadline: Date, maximum: Int = 65536) throws {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { throw ClientError.timedOut }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(remaining * 1000))
        guard ready > 0 else { throw ClientError.timedOut }
        var chunk = [UInt8](repeating: 0, count: maximum)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { throw ClientError.closed }
        buffer.append(contentsOf: chunk[0..<count])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<index + needle.count]) == needle { return index }
        }
        return nil
    }
}
