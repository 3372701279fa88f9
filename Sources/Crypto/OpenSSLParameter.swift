import COpenSSL

/// Builds a one-entry OSSL_PARAM list for a `*_set_params` call. OSSL_PARAM stores pointers rather than copies, so
/// every name and value must outlive the list; setting one parameter per call keeps those lifetimes inside one
/// closure, and OpenSSL copies the values into its context before the call returns.
enum OpenSSLParameter {
    /// Passes `[key = value (UTF-8 string), end]` to `apply` and reports whether it returned 1.
    static func setUTF8(_ key: String, _ value: String, _ apply: (UnsafePointer<OSSL_PARAM>) -> Int32) -> Bool {
        key.withCString { keyPointer in
            value.withCString { valuePointer in
                let parameter = OSSL_PARAM_construct_utf8_string(
                    keyPointer,
                    UnsafeMutablePointer(mutating: valuePointer),
                    0
                )
                return withList(parameter, apply)
            }
        }
    }

    /// Passes `[key = bytes (octet string), end]` to `apply` and reports whether it returned 1.
    static func setOctets(
        _ key: String,
        _ bytes: UnsafeRawBufferPointer,
        _ apply: (UnsafePointer<OSSL_PARAM>) -> Int32
    ) -> Bool {
        key.withCString { keyPointer in
            let parameter = OSSL_PARAM_construct_octet_string(
                keyPointer,
                UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                bytes.count
            )
            return withList(parameter, apply)
        }
    }

    /// Terminates the list as OpenSSL requires and hands it to `apply`.
    private static func withList(_ parameter: OSSL_PARAM, _ apply: (UnsafePointer<OSSL_PARAM>) -> Int32) -> Bool {
        let list = [parameter, OSSL_PARAM_construct_end()]
        return list.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            return apply(base) == 1
        }
    }
}
