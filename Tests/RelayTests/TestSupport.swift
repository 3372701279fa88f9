import Relay

/// A valid minimal environment: only the required secret.
let validSecret = String(repeating: "s", count: 32)
let minimalEnvironment = ["ENCRYPTION_SECRET": validSecret]

/// Loads `extra` on top of the minimal environment with a fixed worker default.
func loadConfiguration(_ extra: [String: String], dotEnv: [String: String] = [:]) throws(ConfigurationError)
    -> Configuration.Loaded
{
    try Configuration.load(
        environment: minimalEnvironment.merging(extra) { _, new in new },
        dotEnv: dotEnv,
        defaultWorkers: 4
    )
}

/// The refusal message `extra` causes, or nil when it loads.
func refusalMessage(_ extra: [String: String], replacingMinimal: Bool = false) -> String? {
    let environment = replacingMinimal ? extra : minimalEnvironment.merging(extra) { _, new in new }
    do {
        _ = try Configuration.load(environment: environment, dotEnv: [:], defaultWorkers: 4)
        return nil
    } catch {
        return error.message
    }
}
