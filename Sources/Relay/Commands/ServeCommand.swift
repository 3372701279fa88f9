import Crypto
import EventLoop
import Glibc
import HTTP
import RateLimit
import Store

/// `byok-relay serve`: binds, starts the worker loops, serves until a signal ends the drain (CONTRACT.md E7).
enum ServeCommand {
    static func run(configuration: Configuration, warnings: [String]) -> Int32 {
        let logger = Logger(threshold: configuration.logLevel)
        for warning in warnings { logger.warn(warning) }
        signal(SIGPIPE, SIG_IGN)  // a vanished peer is an EPIPE from send(), never a process-ending signal
        // A parent may start us with SIGTERM/SIGINT blocked (the mask is inherited); the drain depends on them.
        var drainSignals = sigset_t()
        sigemptyset(&drainSignals)
        sigaddset(&drainSignals, SIGTERM)
        sigaddset(&drainSignals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &drainSignals, nil)
        let descriptorLimit = raiseDescriptorLimit()

        let services: (store: any AccountStore, accounts: AccountService, gate: RegistrationGate?)
        switch makeServices(configuration, logger: logger) {
        case .failure(let refusal):
            RelayMain.printError("byok-relay: \(refusal.message)")
            return 1
        case .success(let made):
            services = made
        }

        let rateLimits: RateLimitService
        do {
            rateLimits = try configuration.makeRateLimitService(logger: logger)
        } catch {
            RelayMain.printError("byok-relay: Cannot initialise the cryptographic library (\(error)).")
            return 1
        }

        let listener: ListeningSocket
        do {
            listener = try ListeningSocket.bind(host: configuration.host, port: configuration.port)
        } catch {
            RelayMain.printError(
                "byok-relay: Cannot listen on \(configuration.host):\(configuration.port): \(error.reason)."
            )
            return 1
        }
        let workers: WorkerGroup
        do {
            workers = try WorkerGroup(count: configuration.workers)
        } catch {
            RelayMain.printError("byok-relay: Cannot start the event loops (\(error)).")
            return 1
        }

        let state = HTTPServerState()
        let recorder = RequestRecorder(store: services.store, uses: services.accounts.uses, logger: logger)
        let context = RelayContext(
            configuration: configuration,
            logger: logger,
            serverState: state,
            accounts: services.accounts,
            registrationGate: services.gate,
            recorder: recorder,
            rateLimits: rateLimits
        )
        let server = HTTPServer(
            listener: listener,
            workers: workers,
            configuration: configuration.httpServerConfiguration,
            state: state,
            makeHandler: { loop in RelayApplication(context: context, loop: loop) },
            stopped: {
                // The last requests' records are written before the loops stop: the PostgreSQL store answers on a
                // loop, and each write is bounded by DB_TIMEOUT_MS (CONTRACT.md §5.10).
                Task(executorPreference: workers.loops[0]) {
                    await recorder.stop()
                    // CONTRACT.md E7 step 4: the Redis connections close before the process exits.
                    await rateLimits.close(on: workers.loops)
                    workers.stop()
                }
            }
        )
        let signals = SignalHandling(loop: workers.loops[0]) {
            let openConnections = state.openConnections
            // Readiness turns 503 before the line is written, so whoever sees the line sees the drain.
            server.beginDrain(
                delayMilliseconds: configuration.drainDelay.milliseconds,
                timeoutMilliseconds: configuration.shutdownTimeout.milliseconds
            )
            logger.info("draining", [("open_connections", .int(openConnections))])
        }
        signals.start()
        workers.start()
        server.start()
        logger.info(
            "listening",
            [
                ("host", .string(listener.host)), ("port", .int(listener.port)),
                ("workers", .int(workers.loops.count)), ("version", .string(BuildInfo.version)),
            ]
        )
        logger.debug("file descriptor limit", [("limit", .int(descriptorLimit))])
        // Start-up work runs while the listener is open (readiness 503, CONTRACT.md E6); a refusal ends the process.
        let store = services.store
        let vault = services.accounts.vault
        // Other replicas' changes reach this cache within 1 s (CONTRACT.md §8.5); PostgreSQL only.
        let cache = services.accounts.cache
        store.watchChanges(
            on: workers.loops[0],
            changed: { userID in cache.invalidate(userID: userID) },
            resynchronise: { cache.removeAll() }
        )
        Task(executorPreference: workers.loops[0]) {
            if let refusal = await DatabaseSetup.prepare(
                store: store,
                vault: vault,
                configuration: configuration,
                logger: logger
            ) {
                RelayMain.printError("byok-relay: \(refusal.message)")
                exit(1)
            }
            context.databaseHealth.recordSuccess()
            context.databaseHealth.startProbing(store, on: workers.loops[0])
            PurgeJob(
                store: store,
                recordRetentionDays: configuration.requestLogRetentionDays,
                userRetentionDays: configuration.expiredUserRetentionDays,
                logger: logger
            ).start(on: workers.loops[0])
            recorder.start(on: workers.loops[0])
            MemoryTrimmer.start()
            context.startupFinished()
            logger.info("ready", [("database", .string(store.backendName))])
        }

        workers.join()
        store.close()
        logger.info("stopped")
        return 0
    }

    /// The store, the key vault, the token digester and the registration gate, or the start-up refusal.
    private static func makeServices(
        _ configuration: Configuration,
        logger: Logger
    ) -> Result<(store: any AccountStore, accounts: AccountService, gate: RegistrationGate?), SetupRefusal> {
        let vault: KeyVault
        let digester: TokenDigester
        let gate: RegistrationGate?
        switch DatabaseSetup.makeCrypto(configuration) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let made): (vault, digester) = made
        }
        do throws(CryptoError) {
            gate = try configuration.appSecret.map { (secret) throws(CryptoError) in
                try RegistrationGate(appSecret: secret)
            }
        } catch {
            return .failure(SetupRefusal("Cannot initialise the cryptographic library (\(error))."))
        }
        switch DatabaseSetup.openStore(configuration, logger: logger) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let store):
            let accounts = AccountService(
                store: store,
                cache: AccountCache(timeToLive: configuration.authCacheTTL),
                vault: vault,
                digester: digester,
                tokenExpiryDays: configuration.tokenExpiryDays,
                logger: logger
            )
            return .success((store, accounts, gate))
        }
    }

    /// Each stream holds a client and an upstream socket: raise the soft descriptor limit to the hard one
    /// (DESIGN.md §3). Returns the limit in effect.
    private static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}

/// SIGTERM and SIGINT on the first loop: each delivery begins (or, the second time, forces) the drain.
// Sendable: the watchers are created on the main thread before the loop runs, then only fire on the loop thread.
private final class SignalHandling: @unchecked Sendable {
    private let loop: Loop
    private let received: @Sendable () -> Void
    private var watchers: [SignalWatcher] = []

    init(loop: Loop, received: @escaping @Sendable () -> Void) {
        self.loop = loop
        self.received = received
    }

    /// Installs the watchers now, before the relay reports itself listening, so no early signal is lost. The loop
    /// is not running yet; libevent (with threading on) lets another thread add events to it.
    func start() {
        watchers = [SIGTERM, SIGINT].map { signal in SignalWatcher(loop: loop, signal: signal, received: received) }
    }
}

extension Configuration {
    /// The HTTP layer's limits and timeouts (CONTRACT.md §1.7).
    var httpServerConfiguration: HTTPServerConfiguration {
        HTTPServerConfiguration(
            parserLimits: HTTPParserLimits(
                maxHeadBytes: httpMaxHeaderBytes,
                maxHeaders: httpMaxHeaders,
                maxBodyBytes: requestBodyLimitBytes
            ),
            headerTimeoutMilliseconds: httpHeaderTimeout.milliseconds,
            bodyTimeoutMilliseconds: httpBodyTimeout.milliseconds,
            keepAliveTimeoutMilliseconds: httpKeepAliveTimeout.milliseconds
        )
    }
}
