/// The ways one input is cut into reads, so each test sees the parser fed whole, byte by byte and split in two.
enum ByteSplits {
    /// The input whole, byte by byte, then split in two at every inner offset.
    static func all(of bytes: [UInt8]) -> [[[UInt8]]] {
        var splits: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
        if bytes.count > 1 {
            for cut in 1..<bytes.count {
                splits.append([Array(bytes[..<cut]), Array(bytes[cut...])])
            }
        }
        return splits
    }
}
