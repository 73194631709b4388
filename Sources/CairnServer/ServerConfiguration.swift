import CairnAPI
import CairnCore
import CairnHTTP
import Foundation

/// Everything `cairn serve` can be told. Plain data; loaded with precedence command line > environment > defaults.
///
/// | key | environment | default | meaning |
/// |---|---|---|---|
/// | host | `CAIRN_HOST` | `127.0.0.1` | address to listen on |
/// | port | `CAIRN_PORT` | `5000` | TCP port (0 picks a free one; the start-up line says which) |
/// | data | `CAIRN_DATA` | `./cairn-data` | directory for the SQLite database and the blob store |
/// | pendingTimeout | `CAIRN_PENDING_TIMEOUT` | `86400` | seconds a version may stay PENDING before it becomes FAILED |
/// | sweepInterval | `CAIRN_SWEEP_INTERVAL` | `60` | seconds between sweeps for stale PENDING versions |
/// | blobGrace | `CAIRN_BLOB_GRACE` | `3600` | seconds an upload may sit idle, and a released blob unwritten, before either is removed |
/// | logLevel | `CAIRN_LOG_LEVEL` | `info` | trace, debug, info, notice, warning, error, critical |
/// | anonymous | `CAIRN_ANONYMOUS` | `maintainer` on a loopback host, else `none` | role of requests without credentials |
/// | allowedHosts | `CAIRN_ALLOWED_HOSTS` | none | extra `Host` names (`name`, `*.suffix`, `*`) besides the listen address and loopback |
/// | trustedProxies | `CAIRN_TRUSTED_PROXIES` | none | peers (CIDR) whose `X-Forwarded-Host` / `Forwarded` are believed |
/// | corsAllowedOrigins | `CAIRN_CORS_ALLOWED_ORIGINS` | none | web origins allowed cross-origin requests (CORS) |
/// | allowedInternalSources | `CAIRN_ALLOWED_INTERNAL_SOURCES` | none | internal networks (CIDR) or hosts allowed in sources |
/// | webhookAllowPrivate | `CAIRN_WEBHOOK_ALLOW_PRIVATE` | `false` | webhooks may call loopback and private addresses |
/// | webhookRetention | `CAIRN_WEBHOOK_RETENTION` | `259200` | seconds a delivery is retried before it is marked failed |
/// | webhookDisableAfter | `CAIRN_WEBHOOK_DISABLE_AFTER` | `259200` | seconds of failing deliveries before a webhook is disabled |
/// | webhookFirstRetry | `CAIRN_WEBHOOK_FIRST_RETRY` | `5` | seconds before the first retry (then doubled, up to an hour) |
/// | webhookTimeout | `CAIRN_WEBHOOK_TIMEOUT` | `15` | seconds a receiver has to answer a delivery |
/// | (secret key) | `CAIRN_SECRET_KEY` | `DATA/secret.key` | base64 of the 32-byte key webhook secrets are sealed with |
///
/// List values are comma-separated in the environment and repeatable (or comma-separated) on the command line.
public struct ServerConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 5000
    public var dataDirectory = "./cairn-data"
    public var pendingTimeoutSeconds: Double = 86_400
    public var sweepIntervalSeconds: Double = 60
    /// Garbage collection deletes a released, unreferenced blob only once nothing wrote it for this long, and the
    /// sweep removes an upload session only once idle this long (decision 0016).
    public var blobGraceSeconds: Double = 3600
    public var logLevel = "info"
    /// The role of requests without credentials; `nil` picks ``defaultAnonymous(forHost:)``.
    public var anonymous: AnonymousAccess?
    /// Host names the server answers to besides its listen address and the loopback names (``OriginPolicy``).
    public var allowedHosts: [String] = []
    /// Proxies (CIDR blocks or addresses) whose forwarded-host headers stand in for `Host`.
    public var trustedProxies: [String] = []
    /// Web origins (`https://ui.example.com`) allowed to call the API from a browser; CORS is off without them.
    public var corsAllowedOrigins: [String] = []
    /// Internal networks (CIDR) or host names an admin allows in version sources and artifact locations.
    public var allowedInternalSources: [String] = []
    /// Webhooks may call loopback, private and shared addresses (never link-local or metadata ones).
    public var webhookAllowPrivate = false
    public var webhookRetentionSeconds: Double = 259_200
    public var webhookDisableAfterSeconds: Double = 259_200
    public var webhookFirstRetrySeconds: Double = 5
    public var webhookTimeoutSeconds: Double = 15

    public init() {}

    /// Retries, retention and auto-disabling of webhook deliveries, and the addresses they may reach.
    public var deliverySettings: DeliverySettings {
        DeliverySettings(
            retention: .seconds(webhookRetentionSeconds),
            disableAfter: .seconds(webhookDisableAfterSeconds),
            firstRetry: .seconds(webhookFirstRetrySeconds),
            maxRetryInterval: .seconds(max(3_600, webhookFirstRetrySeconds)),
            lease: .seconds(webhookTimeoutSeconds * 2 + 5),
            outbound: OutboundAddressPolicy(allowPrivate: webhookAllowPrivate)
        )
    }

    /// The host and origin rules of every HTTP surface.
    /// - Throws: `.invalidArgument` for a trusted proxy that is not an address or CIDR block.
    public func originPolicy() throws -> OriginPolicy {
        let proxies = try trustedProxies.map { entry in
            guard let network = IPNetwork(parsing: entry.trimmingCharacters(in: .whitespaces)) else {
                throw RegistryError(
                    .invalidArgument,
                    "Trusted proxy '\(entry.prefix(80))' is not an address or CIDR block (e.g. 10.0.0.0/8)."
                )
            }
            return network
        }
        return OriginPolicy(
            listenHost: host,
            allowedHosts: allowedHosts,
            trustedProxies: proxies,
            corsOrigins: corsAllowedOrigins
        )
    }

    /// Which stored locations the registry refuses (``LocationPolicy``).
    /// - Throws: `.invalidArgument` for an entry that is neither a network nor a host name.
    public func locationPolicy() throws -> LocationPolicy {
        try LocationPolicy(allowing: allowedInternalSources)
    }

    /// Splits a comma-separated list, dropping blanks.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The anonymous access in effect: the explicit setting, else ``defaultAnonymous(forHost:)`` of ``host``.
    public var effectiveAnonymous: AnonymousAccess { anonymous ?? Self.defaultAnonymous(forHost: host) }

    /// `maintainer` when `host` is a loopback address (`127.0.0.0/8`, `::1`, `localhost`), so the whole local MLflow
    /// workflow, deletes included, works without credentials (a single-user registry, decision 0012); `none` on any
    /// other address, where anonymous access must be asked for.
    public static func defaultAnonymous(forHost host: String) -> AnonymousAccess {
        LoopbackAddress.contains(host) ? .maintainer : .none
    }

    /// Applies `CAIRN_…` variables from `environment` over the defaults.
    /// - Throws: `.invalidArgument` naming the variable and what it accepts.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ServerConfiguration {
        var config = ServerConfiguration()
        if let host = environment["CAIRN_HOST"] { config.host = host }
        if let port = environment["CAIRN_PORT"] { config.port = try parsePort(port, source: "CAIRN_PORT") }
        if let data = environment["CAIRN_DATA"] { config.dataDirectory = data }
        if let text = environment["CAIRN_PENDING_TIMEOUT"] {
            config.pendingTimeoutSeconds = try parseSeconds(text, source: "CAIRN_PENDING_TIMEOUT")
        }
        if let text = environment["CAIRN_SWEEP_INTERVAL"] {
            config.sweepIntervalSeconds = try parseSeconds(text, source: "CAIRN_SWEEP_INTERVAL")
        }
        if let text = environment["CAIRN_BLOB_GRACE"] {
            config.blobGraceSeconds = try parseSeconds(text, source: "CAIRN_BLOB_GRACE")
        }
        if let level = environment["CAIRN_LOG_LEVEL"] { config.logLevel = level }
        if let text = environment["CAIRN_ANONYMOUS"] {
            config.anonymous = try parseAnonymous(text, source: "CAIRN_ANONYMOUS")
        }
        if let text = environment["CAIRN_ALLOWED_HOSTS"] { config.allowedHosts = list(text) }
        if let text = environment["CAIRN_TRUSTED_PROXIES"] { config.trustedProxies = list(text) }
        if let text = environment["CAIRN_CORS_ALLOWED_ORIGINS"] { config.corsAllowedOrigins = list(text) }
        if let text = environment["CAIRN_ALLOWED_INTERNAL_SOURCES"] { config.allowedInternalSources = list(text) }
        if let text = environment["CAIRN_WEBHOOK_ALLOW_PRIVATE"] {
            guard let value = ["true": true, "1": true, "false": false, "0": false][text.lowercased()] else {
                throw RegistryError(.invalidArgument, "CAIRN_WEBHOOK_ALLOW_PRIVATE='\(text)' is not true or false.")
            }
            config.webhookAllowPrivate = value
        }
        let seconds: [(String, WritableKeyPath<ServerConfiguration, Double>)] = [
            ("CAIRN_WEBHOOK_RETENTION", \.webhookRetentionSeconds),
            ("CAIRN_WEBHOOK_DISABLE_AFTER", \.webhookDisableAfterSeconds),
            ("CAIRN_WEBHOOK_FIRST_RETRY", \.webhookFirstRetrySeconds),
            ("CAIRN_WEBHOOK_TIMEOUT", \.webhookTimeoutSeconds),
        ]
        for (name, key) in seconds {
            if let text = environment[name] { config[keyPath: key] = try parseSeconds(text, source: name) }
        }
        try config.validate()
        return config
    }

    /// Checks every value.
    /// - Throws: `.invalidArgument`.
    public func validate() throws {
        guard !host.isEmpty else { throw RegistryError(.invalidArgument, "The host must not be empty.") }
        guard (0...65_535).contains(port) else {
            throw RegistryError(.invalidArgument, "Port \(port) is out of range; use 0 to 65535.")
        }
        guard !dataDirectory.isEmpty else {
            throw RegistryError(.invalidArgument, "The data directory must not be empty.")
        }
        guard pendingTimeoutSeconds > 0, sweepIntervalSeconds > 0, blobGraceSeconds > 0 else {
            throw RegistryError(
                .invalidArgument,
                "The pending timeout, sweep interval and blob grace period must be positive seconds."
            )
        }
        let webhookSeconds = [
            webhookRetentionSeconds, webhookDisableAfterSeconds, webhookFirstRetrySeconds, webhookTimeoutSeconds,
        ]
        guard webhookSeconds.allSatisfy({ $0 > 0 && $0.isFinite }), webhookTimeoutSeconds <= 300 else {
            throw RegistryError(
                .invalidArgument,
                "Webhook retention, disable-after and first-retry times must be positive seconds, and the webhook "
                    + "time-out 300 seconds or less."
            )
        }
        _ = try originPolicy()
        _ = try locationPolicy()
        for origin in corsAllowedOrigins where OriginPolicy.normalizedOrigin(origin) == nil {
            throw RegistryError(
                .invalidArgument,
                "CORS origin '\(origin.prefix(80))' is not an origin; write it as scheme://host[:port]."
            )
        }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else {
            throw RegistryError(
                .invalidArgument,
                "Log level '\(logLevel)' is unknown; use one of \(levels.joined(separator: ", "))."
            )
        }
    }

    public static func parsePort(_ text: String, source: String) throws -> Int {
        guard let port = Int(text), (0...65_535).contains(port) else {
            throw RegistryError(.invalidArgument, "\(source)='\(text)' is not a port; use 0 to 65535.")
        }
        return port
    }

    /// Parses `none`, `viewer` or `editor`.
    /// - Throws: `.invalidArgument` naming `source` and the accepted values.
    public static func parseAnonymous(_ text: String, source: String) throws -> AnonymousAccess {
        do {
            return try AnonymousAccess(parsing: text)
        } catch {
            throw RegistryError(.invalidArgument, "\(source): \(error.message)")
        }
    }

    public static func parseSeconds(_ text: String, source: String) throws -> Double {
        guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
            throw RegistryError(.invalidArgument, "\(source)='\(text)' is not a positive number of seconds.")
        }
        return seconds
    }

    /// The data directory as an absolute, standardized URL.
    public var dataURL: URL {
        URL(fileURLWithPath: dataDirectory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }
}
