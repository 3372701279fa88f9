/// A start-up refusal of CONTRACT.md §10.2; the binary prints `byok-relay: <message>` and exits with status 1.
package struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message of §10.2's table, byte for byte; it never holds a secret value.
    package let message: String

    /// A refusal with one of §10.2's messages.
    package init(_ message: String) {
        self.message = message
    }

    /// The message, so that printing the error cannot show more than the contract allows.
    package var description: String { message }

    /// `ENCRYPTION_SECRET` unset (E11: the relay never invents one).
    package static let encryptionSecretMissing = ConfigurationError(
        "ENCRYPTION_SECRET env var is not set. Generate one with: openssl rand -hex 32"
    )

    /// `${name}` holds fewer than 32 characters; used for every secret with that minimum.
    package static func secretTooShort(_ name: String) -> ConfigurationError {
        ConfigurationError("\(name) must be at least 32 characters.")
    }

    /// `ENCRYPTION_SECRET_PREVIOUS` equals `ENCRYPTION_SECRET`.
    package static let previousSecretNotDifferent = ConfigurationError(
        "ENCRYPTION_SECRET_PREVIOUS must differ from ENCRYPTION_SECRET."
    )

    /// `APP_SECRET` holds whitespace.
    package static let appSecretHasWhitespace = ConfigurationError(
        "APP_SECRET must not contain spaces. Generate a safe value with: openssl rand -hex 32"
    )

    /// An integer variable that is not decimal digits within its range.
    package static func invalidInteger(_ name: String, _ range: ClosedRange<Int>, got value: String)
        -> ConfigurationError
    {
        ConfigurationError(
            "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound) (got \"\(value)\")."
        )
    }

    /// A boolean variable that is not one of the accepted spellings.
    package static func invalidBoolean(_ name: String, got value: String) -> ConfigurationError {
        ConfigurationError("\(name) must be true or false (got \"\(value)\").")
    }

    /// `LOG_LEVEL` names no level.
    package static func invalidLogLevel(got value: String) -> ConfigurationError {
        ConfigurationError(
            "LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got \"\(value)\")."
        )
    }

    /// `DRAIN_DELAY_MS` exceeds `SHUTDOWN_TIMEOUT_MS`.
    package static let drainDelayExceedsShutdownTimeout = ConfigurationError(
        "DRAIN_DELAY_MS must not exceed SHUTDOWN_TIMEOUT_MS."
    )

    /// An `ALLOWED_ORIGINS` entry that is not an origin, `*` or `null`.
    package static func invalidOrigin(_ entry: String) -> ConfigurationError {
        ConfigurationError("ALLOWED_ORIGINS entry \"\(entry)\" is not an origin (scheme://host[:port]), * or null.")
    }

    /// `DATABASE_URL` (or `DB_PATH`) of no known form.
    package static let invalidDatabaseURL = ConfigurationError(
        "DATABASE_URL must be postgres://..., postgresql://..., a key=value connection string, or sqlite:PATH."
    )

    /// `REDIS_URL` is not a `redis://` URL.
    package static let invalidRedisURL = ConfigurationError("REDIS_URL must be a redis:// URL.")

    /// `REDIS_URL` asks for TLS, which the relay does not speak (E2).
    package static let redisTLSUnsupported = ConfigurationError(
        "REDIS_URL: rediss:// (TLS) is not supported; reach Redis through a TLS sidecar and use redis://."
    )

    /// `RELAY_UPSTREAM_${suffix}` names no provider of §4.
    package static func unknownUpstreamProvider(suffix: String) -> ConfigurationError {
        ConfigurationError("RELAY_UPSTREAM_\(suffix) does not name a known provider.")
    }

    /// `RELAY_UPSTREAM_${suffix}` is not an acceptable base URL (E3).
    package static func invalidUpstreamOverride(suffix: String) -> ConfigurationError {
        ConfigurationError(
            "RELAY_UPSTREAM_\(suffix) must be an absolute http:// or https:// URL without credentials, query or "
                + "fragment."
        )
    }

    /// A `RELAY_ALLOWED_UPSTREAM_HOSTS` entry that is not `host:port` (E4).
    package static func invalidAllowedUpstreamHost(_ entry: String) -> ConfigurationError {
        ConfigurationError("RELAY_ALLOWED_UPSTREAM_HOSTS entry \"\(entry)\" must be host:port.")
    }
}
