/// What one stored ciphertext holds (CONTRACT.md §3.5, E14): the provider key, and for an `openai-compatible` key
/// bound to a base URL, that URL's origin — encrypted together, so the binding cannot be changed without the
/// secret. A bound plaintext is `NUL origin NUL key`; keys are printable ASCII (§3.4), so a plain key never starts
/// with NUL and keys stored before E14 read as unbound.
struct KeyMaterial {
    let key: String
    let boundOrigin: String?

    /// The plaintext to seal.
    static func plaintext(key: String, boundOrigin: String?) -> [UInt8] {
        guard let boundOrigin else { return Array(key.utf8) }
        return [0] + Array(boundOrigin.utf8) + [0] + Array(key.utf8)
    }

    /// Reads a decrypted plaintext.
    init(plaintext bytes: UnsafeRawBufferPointer) {
        guard bytes.first == 0, let separator = bytes.dropFirst().firstIndex(of: 0) else {
            key = String(decoding: bytes, as: UTF8.self)
            boundOrigin = nil
            return
        }
        boundOrigin = String(decoding: bytes[1..<separator], as: UTF8.self)
        key = String(decoding: bytes[(separator + 1)...], as: UTF8.self)
    }
}
