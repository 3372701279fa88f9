import Glibc

/// Random numbers for request ids, drawn from a buffer refilled by `arc4random_buf` (glibc's CSPRNG) 4 KiB at a
/// time, so a request does not pay a system call for its id. One per loop; loop thread only.
struct RandomPool: RandomNumberGenerator {
    private static let capacity = 512  // UInt64 words: 4 KiB
    private var words = [UInt64](repeating: 0, count: RandomPool.capacity)
    private var position = RandomPool.capacity

    mutating func next() -> UInt64 {
        if position == Self.capacity {
            words.withUnsafeMutableBytes { buffer in
                if let start = buffer.baseAddress { arc4random_buf(start, buffer.count) }
            }
            position = 0
        }
        defer { position += 1 }
        return words[position]
    }
}
