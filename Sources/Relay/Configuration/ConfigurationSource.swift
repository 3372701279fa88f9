/// The variables configuration is loaded from: the environment over the `.env` file (CONTRACT.md §10.1).
///
/// It remembers every name asked for, so a test can prove that `--help` documents each variable read.
package struct ConfigurationSource: Sendable {
    private let variables: [String: String]
    /// The names looked up so far, in first-lookup order.
    package private(set) var namesRead: [String] = []

    /// Merges the two sources; a name present in the environment wins even when its value is empty.
    ///
    /// CONTRACT.md §10.1 says the environment wins over the file; an empty environment value then counts as
    /// unset, as in the original, whose dotenv never overwrote a variable the environment defined.
    package init(environment: [String: String], dotEnv: [String: String]) {
        variables = dotEnv.merging(environment) { _, fromEnvironment in fromEnvironment }
    }

    /// The value of `name`, or nil when unset or empty (CONTRACT.md §10.1: an empty value counts as unset).
    package mutating func value(_ name: String) -> String? {
        if !namesRead.contains(name) {
            namesRead.append(name)
        }
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// The names with a non-empty value that start with `prefix`, sorted so that checks run in a stable order.
    package func names(withPrefix prefix: String) -> [String] {
        variables.compactMap { name, value in name.hasPrefix(prefix) && !value.isEmpty ? name : nil }.sorted()
    }
}
