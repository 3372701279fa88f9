import EventLoop
import Glibc
import Store
import Synchronization

/// `migrate`, `rotate-secret` and `token-hmac-status` (CONTRACT.md §10.3): each opens the store on a loop of its
/// own, does its work as a task there, prints what it did and exits.
enum StoreCommands {
    /// Applies pending migrations, then exits 0.
    static func migrate(_ configuration: Configuration) -> Int32 {
        withStore(configuration) { store, _, _ throws(CommandFailure) in
            let applied = try await attempt { () throws(StoreError) in try await store.migrate() }
            if applied.isEmpty {
                print("Schema is up to date (version \(Migration.latestVersion)).")
            } else {
                print("Applied migrations: \(applied.map(String.init).joined(separator: ", ")).")
            }
        }
    }

    /// Re-encrypts every key still under the previous secret, in batches, then the secret-check record (§3.5).
    static func rotateSecret(_ configuration: Configuration) -> Int32 {
        guard configuration.previousEncryptionSecret != nil else {
            RelayMain.printError("rotate-secret needs ENCRYPTION_SECRET (new) and ENCRYPTION_SECRET_PREVIOUS (old).")
            return 1
        }
        return withStore(configuration) { store, vault, _ throws(CommandFailure) in
            try await requireCurrentSchema(store)
            try await attempt { () throws(StoreError) in try await DatabaseSetup.checkSecret(store: store, vault: vault)
            }
            var position: KeyPosition?
            var rotated = 0
            var skipped = 0
            while true {
                let batch = try await attempt { () throws(StoreError) in
                    try await store.keys(notUnder: vault.currentVersion, after: position, limit: 200)
                }
                guard let last = batch.last else { break }
                position = KeyPosition(after: last)
                for owned in batch {
                    guard let resealed = try? vault.reseal(owned.key, userID: owned.userID) else {
                        // Not decryptable under either secret: left as is; the user must store the key again.
                        skipped += 1
                        continue
                    }
                    // A user's own write meanwhile is already under the new key: then this one changes nothing.
                    let now = WallClock.nowMilliseconds()
                    let replaced = try await attempt { () throws(StoreError) in
                        try await store.replaceKey(owned, with: resealed, at: now)
                    }
                    if replaced { rotated += 1 }
                }
                print("rotate-secret: re-encrypted \(rotated) keys so far")
            }
            if let check = try await attempt({ () throws(StoreError) in try await store.secretCheck() }),
                check.keyVersion != vault.currentVersion
            {
                guard let fresh = try? vault.makeSecretCheck() else {
                    throw CommandFailure("Cannot seal the secret check.")
                }
                try await attempt { () throws(StoreError) in try await store.replaceSecretCheck(fresh) }
            }
            print(
                "rotate-secret: done; \(rotated) keys re-encrypted, \(skipped) could not be decrypted and were left as they are."
            )
        }
    }

    /// Prints `{"total":N,"current":N,"legacy":N,"percent":P}` (§10.3).
    static func tokenHMACStatus(_ configuration: Configuration) -> Int32 {
        withStore(configuration) { store, _, digester throws(CommandFailure) in
            try await requireCurrentSchema(store)
            let counts = try await attempt { () throws(StoreError) in
                try await store.tokenDigestCounts(currentKeyID: digester.current.id)
            }
            let percent =
                counts.total == 0 ? 100 : (Double(counts.current) * 1000 / Double(counts.total)).rounded() / 10
            let percentText = percent == percent.rounded() ? String(Int(percent)) : String(percent)
            print(
                #"{"total":\#(counts.total),"current":\#(counts.current),"legacy":\#(counts.total - counts.current),"percent":\#(percentText)}"#
            )
        }
    }

    // MARK: Running a command against the store

    private static func requireCurrentSchema(_ store: any AccountStore) async throws(CommandFailure) {
        let version = try await attempt { () throws(StoreError) in try await store.schemaVersion() }
        guard version >= Migration.latestVersion else {
            throw CommandFailure(
                "Database schema is at version \(version) but this relay needs \(Migration.latestVersion). Run \"byok-relay migrate\" first."
            )
        }
    }

    /// A store error as the command's one-line failure.
    private static func attempt<Result>(
        _ body: () async throws(StoreError) -> Result
    ) async throws(CommandFailure) -> Result {
        do throws(StoreError) {
            return try await body()
        } catch {
            switch error {
            case .unavailable, .timeout: throw CommandFailure("Database unavailable.")
            case .secretMismatch:
                throw CommandFailure(
                    "ENCRYPTION_SECRET does not match the secret this database was encrypted with. Check ENCRYPTION_SECRET and ENCRYPTION_SALT, or set ENCRYPTION_SECRET_PREVIOUS during a rotation."
                )
            case .failed, .cannotOpen, .schemaBehind: throw CommandFailure("Database error (\(error)).")
            }
        }
    }

    /// Opens the store, runs `work` as a task on a loop of its own, and returns 0, or 1 after printing the failure.
    private static func withStore(
        _ configuration: Configuration,
        _ work: @escaping @Sendable (any AccountStore, KeyVault, TokenDigester) async throws(CommandFailure) -> Void
    ) -> Int32 {
        let logger = Logger(threshold: configuration.logLevel)
        let crypto: (KeyVault, TokenDigester)
        let store: any AccountStore
        switch DatabaseSetup.makeCrypto(configuration) {
        case .failure(let refusal):
            RelayMain.printError("byok-relay: \(refusal.message)")
            return 1
        case .success(let made): crypto = made
        }
        switch DatabaseSetup.openStore(configuration, logger: logger) {
        case .failure(let refusal):
            RelayMain.printError("byok-relay: \(refusal.message)")
            return 1
        case .success(let opened): store = opened
        }
        guard let workers = try? WorkerGroup(count: 1) else {
            RelayMain.printError("byok-relay: Cannot start an event loop.")
            return 1
        }
        let status = Atomic<Int32>(0)
        let (vault, digester) = crypto
        workers.start()
        Task(executorPreference: workers.loops[0]) {
            do throws(CommandFailure) {
                try await work(store, vault, digester)
            } catch {
                RelayMain.printError("byok-relay: \(error.message)")
                status.store(1, ordering: .relaxed)
            }
            store.close()
            workers.stop()
        }
        workers.join()
        return status.load(ordering: .relaxed)
    }
}

/// Why a command stopped: one line for standard error.
struct CommandFailure: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
