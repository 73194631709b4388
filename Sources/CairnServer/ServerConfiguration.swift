import CairnCore
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
/// | logLevel | `CAIRN_LOG_LEVEL` | `info` | trace, debug, info, notice, warning, error, critical |
/// | anonymous | `CAIRN_ANONYMOUS` | `editor` on a loopback host, else `none` | role of requests without credentials |
public struct ServerConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 5000
    public var dataDirectory = "./cairn-data"
    public var pendingTimeoutSeconds: Double = 86_400
    public var sweepIntervalSeconds: Double = 60
    public var logLevel = "info"
    /// The role of requests without credentials; `nil` picks ``defaultAnonymous(forHost:)``.
    public var anonymous: AnonymousAccess?

    public init() {}

    /// The anonymous access in effect: the explicit setting, else ``defaultAnonymous(forHost:)`` of ``host``.
    public var effectiveAnonymous: AnonymousAccess { anonymous ?? Self.defaultAnonymous(forHost: host) }

    /// `editor` when `host` is a loopback address (`127.0.0.0/8`, `::1`, `localhost`), so the local MLflow workflow
    /// works without credentials; `none` on any other address, where anonymous access must be asked for.
    public static func defaultAnonymous(forHost host: String) -> AnonymousAccess {
        LoopbackAddress.contains(host) ? .editor : .none
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
        if let level = environment["CAIRN_LOG_LEVEL"] { config.logLevel = level }
        if let text = environment["CAIRN_ANONYMOUS"] {
            config.anonymous = try parseAnonymous(text, source: "CAIRN_ANONYMOUS")
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
        guard pendingTimeoutSeconds > 0, sweepIntervalSeconds > 0 else {
            throw RegistryError(.invalidArgument, "The pending timeout and sweep interval must be positive seconds.")
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
