import EventLoop

/// Placeholder until the libpq client lands.
package final class PostgresStore: AccountStore {
    package var backendName: String { "postgres" }
    package init(conninfo: String, timeout: Duration, logger: Logger) {}
    package func migrate() async throws(StoreError) -> [Int] { throw .unavailable }
    package func schemaVersion() async throws(StoreError) -> Int { throw .unavailable }
    package func register(_ account: NewAccount) async throws(StoreError) { throw .unavailable }
    package func account(tokenDigest: String) async throws(StoreError) -> Account? { throw .unavailable }
    package func replaceTokenDigest(_ old: String, with new: String, keyID: String) async throws(StoreError) -> Bool { throw .unavailable }
    package func revokeToken(digest: String, at time: Int64) async throws(StoreError) -> Bool { throw .unavailable }
    package func deleteUser(_ userID: String) async throws(StoreError) { throw .unavailable }
    package func putKey(_ key: StoredKey, userID: String, at time: Int64) async throws(StoreError) -> KeyWrite { throw .unavailable }
    package func deleteKey(provider: String, userID: String) async throws(StoreError) { throw .unavailable }
    package func keys(notUnder version: String, limit: Int) async throws(StoreError) -> [OwnedKey] { throw .unavailable }
    package func replaceKey(_ old: OwnedKey, with new: StoredKey, at time: Int64) async throws(StoreError) -> Bool { throw .unavailable }
    package func secretCheck() async throws(StoreError) -> SecretCheck? { throw .unavailable }
    package func insertSecretCheck(_ check: SecretCheck) async throws(StoreError) -> SecretCheck { throw .unavailable }
    package func replaceSecretCheck(_ check: SecretCheck) async throws(StoreError) { throw .unavailable }
    package func tokenDigestCounts(currentKeyID: String) async throws(StoreError) -> TokenDigestCounts { throw .unavailable }
    package func ping() async throws(StoreError) { throw .unavailable }
    package func close() {}
}
