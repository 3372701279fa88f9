import Crypto
import HTTP

/// The `APP_SECRET` check of CONTRACT.md §1.3: exactly one `Authorization` header, scheme `Bearer` in any case, one
/// space, then a value equal to the secret, compared in time independent of where or whether they differ.
struct RegistrationGate: Sendable {
    private let comparator: SecretComparator

    init(appSecret: String) throws(CryptoError) {
        comparator = try SecretComparator(expected: appSecret)
    }

    func admits(authorization values: [String]) -> Bool {
        guard values.count == 1, let value = values.first else { return false }
        let scheme = "bearer ".utf8
        let bytes = value.utf8
        guard bytes.count >= scheme.count, HTTPSyntax.equalsIgnoringASCIICase(bytes.prefix(scheme.count), scheme)
        else { return false }
        return comparator.matches(bytes.dropFirst(scheme.count))
    }
}
