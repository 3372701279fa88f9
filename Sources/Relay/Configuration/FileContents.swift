#if canImport(Glibc)
    import Glibc
#endif

/// Reads small text files (`.env`, cgroup files) with plain POSIX calls.
enum FileContents {
    /// Reads at most this many bytes: configuration files are small, and a huge one is a mistake, not input.
    static let maximumBytes = 1 << 20

    /// The file's text (invalid UTF-8 replaced), or nil when it cannot be opened or read.
    static func text(atPath path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < maximumBytes {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR {
                    continue
                }
                return nil
            }
            if count == 0 {
                break
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
