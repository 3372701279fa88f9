import Crypto
import Foundation
import Store
import Synchronization
import TestSupport
import Testing

/// `rotate-secret` on a live PostgreSQL deployment (CONTRACT.md §3.5): replicas keep serving, reading and writing,
/// while every key is re-encrypted; afterwards every key decrypts under the new secret alone.
@Suite struct RelayRotationTests {
    static let oldSecret = "rotation-old-secret-0123456789abcdef012345"
    static let newSecret = "rotation-new-secret-fedcba9876543210fedcba"

    @Test func testRotationWhileRequestsRunFailsNoRequestAndLeavesEveryKeyReadable() throws {
        let database = try TestDatabase.create()
        let old = try RelayProcess(environment: ["DATABASE_URL": database, "ENCRYPTION_SECRET": Self.oldSecret])
        var tokens: [String] = []
        var expected: [String: String] = [:]  // "token provider" → key
        for index in 0..<120 {
            let token = try #require(try RelayRequests.register(port: old.port).token)
            tokens.append(token)
            for provider in ["openai", "anthropic"] {
                let key = "sk-\(provider)-\(index)-0123456789"
                #expect(
                    try RelayRequests.storeKey(port: old.port, token: token, provider: provider, key: key).status == 200
                )
                expected["\(token) \(provider)"] = key
            }
        }
        // Step 1 of §3.5: replicas run with the new secret and the old one as previous.
        let rotating = ["ENCRYPTION_SECRET": Self.newSecret, "ENCRYPTION_SECRET_PREVIOUS": Self.oldSecret]
        let replica = try RelayProcess(environment: rotating.merging(["DATABASE_URL": database]) { $1 })
        old.signal()
        #expect(old.waitForExit(timeout: 10) == 0)

        let load = LoadWhileRotating(port: replica.port, tokens: tokens)
        load.start()
        var environment = RelayProcess.baseEnvironment(dataDirectory: NSTemporaryDirectory())
        environment.merge(rotating.merging(["DATABASE_URL": database]) { $1 }) { $1 }
        let rotation = try RelayProcess.runToCompletion(arguments: ["rotate-secret"], environment: environment)
        let (requests, failures, writes) = load.stop()
        #expect(rotation.status == 0, "\(rotation.standardError)")
        #expect(
            rotation.standardOutput.contains("240 keys re-encrypted, 0 could not be decrypted"),
            "\(rotation.standardOutput)"
        )
        #expect(requests >= 10, "only \(requests) requests overlapped the rotation")
        #expect(failures == [], "no request may fail during the rotation")
        for (token, key) in writes { expected["\(token) groq"] = key }

        // Every stored key now decrypts under the new secret alone, to what was stored (the AAD binds it to its row).
        let vault = try KeyVault(secret: Self.newSecret, previousSecret: nil, salt: "test-salt")
        let rows = try TestDatabase.psql(
            database,
            """
            SELECT t.digest, k.user_id, k.provider, encode(k.nonce, 'hex'), encode(k.ciphertext, 'hex'), k.key_version
            FROM provider_keys k JOIN tokens t ON t.user_id = k.user_id ORDER BY 1, 3
            """
        ).split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(rows.count == expected.count)
        let digester = try TokenDigester(
            tokenHMACSecret: RelayProcess.baseEnvironment(dataDirectory: "")["TOKEN_HMAC_SECRET"],
            encryptionSecret: Self.newSecret,
            previousEncryptionSecret: nil
        )
        let tokenByDigest = Dictionary(
            uniqueKeysWithValues: try tokens.map { (try digester.current.digest($0.utf8), $0) }
        )
        for row in rows {
            let stored = StoredKey(
                provider: row[2],
                sealed: .init(nonce: Hex.bytes(row[3]), ciphertextAndTag: Hex.bytes(row[4])),
                keyVersion: row[5]
            )
            #expect(stored.keyVersion == vault.currentVersion)
            let plaintext = try vault.open(stored, userID: row[1]).withUnsafeBytes {
                String(decoding: $0, as: UTF8.self)
            }
            let token = try #require(tokenByDigest[row[0]])
            #expect(plaintext == expected["\(token) \(row[2])"])
        }
        // Step 3: the previous secret can go; the relay starts (its secret check was re-encrypted last).
        replica.signal()
        #expect(replica.waitForExit(timeout: 10) == 0)
        let after = try RelayProcess(environment: ["DATABASE_URL": database, "ENCRYPTION_SECRET": Self.newSecret])
        #expect(
            try RelayRequests.providers(port: after.port, token: tokens[0])
                == ["anthropic", "groq", "openai"].filter {
                    expected["\(tokens[0]) \($0)"] != nil
                }
        )
    }
}

/// Reads and writes keys on one replica from a background thread until stopped: every request must succeed.
private final class LoadWhileRotating: Sendable {
    private struct State {
        var running = true
        var requests = 0
        var failures: [String] = []
        var writes: [(String, String)] = []
    }

    private let port: Int
    private let tokens: [String]
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int, tokens: [String]) {
        self.port = port
        self.tokens = tokens
    }

    func start() {
        Thread.detachNewThread { [self] in
            var index = 0
            while state.withLock({ $0.running }) {
                let token = tokens[index % tokens.count]
                let outcome: String?
                if index % 3 == 0 {
                    let key = "gsk_written-during-rotation-\(index)"
                    let status = (try? RelayRequests.storeKey(port: port, token: token, provider: "groq", key: key))?
                        .status
                    outcome = status == 200 ? nil : "POST /keys/groq → \(status.map(String.init) ?? "no answer")"
                    if outcome == nil { state.withLock { $0.writes.append((token, key)) } }
                } else {
                    outcome = (try? RelayRequests.providers(port: port, token: token)) == nil ? "GET /keys failed" : nil
                }
                state.withLock { state in
                    state.requests += 1
                    if let outcome { state.failures.append(outcome) }
                }
                index += 1
            }
            finished.signal()
        }
    }

    /// Stops the load; returns the number of requests, the failures, and the keys written (last write per token wins).
    func stop() -> (requests: Int, failures: [String], writes: [String: String]) {
        state.withLock { $0.running = false }
        finished.wait()
        return state.withLock { state in
            (state.requests, state.failures, Dictionary(state.writes, uniquingKeysWith: { $1 }))
        }
    }
}

/// Hex text (as PostgreSQL's `encode(..., 'hex')` writes it) to bytes.
private enum Hex {
    static func bytes(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { index in
            UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) ?? 0
        }
    }
}
