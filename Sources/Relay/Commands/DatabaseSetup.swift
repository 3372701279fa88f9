import Crypto
import EventLoop
import Store

/// Opening the configured store and the start-up work every command shares: schema, secret check (CONTRACT.md
/// §3.5, §10.2, E1). Refusals come back as the one line §10.2 prescribes, without the `byok-relay: ` prefix.
enum DatabaseSetup {
    /// The store for `configuration`. SQLite opens its file now (a refusal if it cannot); PostgreSQL connects on
    /// first use, from the loops that use it.
    static func openStore(_ configuration: Configuration, logger: Logger) -> Result<any AccountStore, SetupRefusal> {
        switch configuration.database {
        case .sqlite(let path):
            do throws(StoreError) {
                return .success(try SQLiteStore(path: path, timeout: configuration.databaseTimeout))
            } catch {
                let reason = if case .cannotOpen(let reason) = error { reason } else { "\(error)" }
                return .failure(SetupRefusal("Cannot open SQLite database at \(path): \(reason)."))
            }
        case .postgres(let conninfo):
            do throws(StoreError) {
                return .success(
                    try PostgresStore(conninfo: conninfo, timeout: configuration.databaseTimeout, logger: logger)
                )
            } catch {
                return .failure(SetupRefusal("DATABASE_URL could not be parsed as a PostgreSQL connection string."))
            }
        }
    }

    /// The key vault and token digester from the configured secrets.
    static func makeCrypto(_ configuration: Configuration) -> Result<(KeyVault, TokenDigester), SetupRefusal> {
        do throws(CryptoError) {
            let vault = try KeyVault(
                secret: configuration.encryptionSecret,
                previousSecret: configuration.previousEncryptionSecret,
                salt: configuration.encryptionSalt
            )
            let digester = try TokenDigester(
                tokenHMACSecret: configuration.tokenHMACSecret,
                encryptionSecret: configuration.encryptionSecret,
                previousEncryptionSecret: configuration.previousEncryptionSecret
            )
            return .success((vault, digester))
        } catch {
            return .failure(SetupRefusal("Cannot initialise the cryptographic library (\(error))."))
        }
    }

    /// Brings the schema up to date (or refuses when `AUTO_MIGRATE=false` and it is behind), then checks the
    /// secret. While a PostgreSQL server is unreachable it keeps retrying, as §10.2 asks.
    static func prepare(
        store: any AccountStore,
        vault: KeyVault,
        configuration: Configuration,
        logger: Logger
    ) async -> SetupRefusal? {
        var attempt = 0
        while true {
            do throws(StoreError) {
                try await prepareOnce(store: store, vault: vault, configuration: configuration, logger: logger)
                return nil
            } catch {
                switch error {
                case .unavailable, .timeout:
                    attempt += 1
                    // Logged now and then, not on every retry.
                    if attempt == 1 || attempt % 10 == 0 {
                        logger.warn("database unreachable at start-up; retrying", [("attempts", .int(attempt))])
                    }
                    try? await Task.sleep(for: .milliseconds(min(2000, 100 * attempt)))
                case .schemaBehind(let current, let needed):
                    return SetupRefusal(
                        "Database schema is at version \(current) but this relay needs \(needed). Run \"byok-relay migrate\" or set AUTO_MIGRATE=true."
                    )
                case .secretMismatch:
                    return SetupRefusal(
                        "ENCRYPTION_SECRET does not match the secret this database was encrypted with. Check ENCRYPTION_SECRET and ENCRYPTION_SALT, or set ENCRYPTION_SECRET_PREVIOUS during a rotation."
                    )
                case .failed, .cannotOpen:
                    return SetupRefusal("Database error at start-up (\(error)).")
                }
            }
        }
    }

    private static func prepareOnce(
        store: any AccountStore,
        vault: KeyVault,
        configuration: Configuration,
        logger: Logger
    ) async throws(StoreError) {
        let current = try await store.schemaVersion()
        let needed = Migration.latestVersion
        if current < needed {
            guard configuration.migratesAutomatically else { throw .schemaBehind(current: current, needed: needed) }
            let applied = try await store.migrate()
            if !applied.isEmpty {
                logger.info("migrations applied", [("versions", .array(applied.map { .int($0) }))])
            }
        } else if current > needed {
            logger.warn(
                "database schema is newer than this relay knows",
                [("schema_version", .int(current)), ("relay_version", .int(needed))]
            )
        }
        try await checkSecret(store: store, vault: vault)
    }

    /// §3.5: the first start stores the check record; every start decrypts it.
    static func checkSecret(store: any AccountStore, vault: KeyVault) async throws(StoreError) {
        let stored: SecretCheck
        if let existing = try await store.secretCheck() {
            stored = existing
        } else {
            guard let fresh = try? vault.makeSecretCheck() else { throw .failed(code: "secret-check-seal") }
            stored = try await store.insertSecretCheck(fresh)
        }
        guard vault.verifies(stored) else { throw .secretMismatch }
    }
}

/// A start-up refusal: one line for standard error (CONTRACT.md §10.2).
struct SetupRefusal: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
