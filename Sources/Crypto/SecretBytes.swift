import COpenSSL

/// Key material: non-copyable, wiped with OPENSSL_cleanse on deinit, never printable.
///
/// Being `~Copyable` a value cannot reach string interpolation or a logger, and there is exactly one buffer to wipe
/// (STYLE.md §8). The buffer is written only while it is being filled in `init` and read only afterwards, and
/// ownership is unique, so sharing borrows across threads is safe: hence `@unchecked Sendable`.
package struct SecretBytes: ~Copyable, @unchecked Sendable {
    /// The bytes. Its base address is never nil, even when empty, so that C calls always get a valid pointer.
    private let storage: UnsafeMutableRawBufferPointer

    /// Allocates `count` bytes and lets `fill` write them; if `fill` throws, the partial contents are wiped.
    package init(
        count: Int,
        fill: (UnsafeMutableRawBufferPointer) throws(CryptoError) -> Void
    ) throws(CryptoError) {
        guard count >= 0 else { throw .invalidInput }
        let buffer = Self.allocate(count)
        // Zeroed first so that bytes `fill` leaves untouched are not stale heap contents.
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        do {
            try fill(buffer)
        } catch {
            Self.wipeAndFree(buffer)
            throw error
        }
        storage = buffer
    }

    /// Copies `bytes` (e.g. a configuration value's `utf8`) into wiped-on-deinit storage. The source itself is the
    /// caller's to dispose of.
    package init(copying bytes: some Collection<UInt8>) {
        let buffer = Self.allocate(bytes.count)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        var index = buffer.startIndex
        // Bounded by the buffer, so a collection whose count and contents disagree cannot write past the end.
        for byte in bytes where index < buffer.endIndex {
            buffer[index] = byte
            index += 1
        }
        storage = buffer
    }

    /// The number of secret bytes.
    package var count: Int { storage.count }

    /// Lends the bytes to `body`; the pointer must not outlive the call.
    package func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    deinit {
        Self.wipeAndFree(storage)
    }

    /// Overwrites `buffer` with zeros in a way the optimiser may not remove (OPENSSL_cleanse). Also used for every
    /// temporary buffer in this target that held key material.
    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        OPENSSL_cleanse(base, buffer.count)
    }

    /// At least one byte is allocated so that an empty secret still has a base address to hand to C.
    private static func allocate(_ count: Int) -> UnsafeMutableRawBufferPointer {
        let whole = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
        return UnsafeMutableRawBufferPointer(rebasing: whole[0..<count])
    }

    /// Wipes the whole allocation, including the spare byte of an empty secret, then releases it.
    private static func wipeAndFree(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        let whole = UnsafeMutableRawBufferPointer(start: base, count: max(buffer.count, 1))
        wipe(whole)
        whole.deallocate()
    }
}
