extension Collection where Element == UInt8 {
    /// Lends the bytes to `body` as one contiguous buffer. Collections without contiguous storage are copied into a
    /// temporary buffer that is wiped afterwards, since the bytes may be a presented secret.
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var result: R?
        _ = withContiguousStorageIfAvailable { elements in
            result = body(UnsafeRawBufferPointer(elements))
        }
        if let result {
            return result
        }
        let count = self.count
        let whole = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count, 1), alignment: 1)
        defer {
            SecretBytes.wipe(whole)
            whole.deallocate()
        }
        whole.initializeMemory(as: UInt8.self, repeating: 0)
        var index = 0
        for byte in self where index < count {
            whole[index] = byte
            index += 1
        }
        return body(UnsafeRawBufferPointer(rebasing: whole[0..<count]))
    }
}
