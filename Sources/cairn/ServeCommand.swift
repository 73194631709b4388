import ArgumentParser
import CairnCore
import CairnServer
import Foundation

/// `cairn serve`: runs the registry server on embedded SQLite and a local blob directory.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Cairn server.",
        discussion: """
            With no options: listens on 127.0.0.1:5000 (the MLflow client's default) and keeps everything under \
            ./cairn-data. Each option can also be set with its CAIRN_… environment variable; options win. \
            On first start an admin account is created and its API token written to <data>/admin-token (mode 0600).
            """
    )

    @Option(help: "Address to listen on. [env: CAIRN_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "TCP port; 0 picks a free one. [env: CAIRN_PORT] (default: 5000)")
    var port: Int?

    @Option(help: "Data directory for the database and blobs. [env: CAIRN_DATA] (default: ./cairn-data)")
    var data: String?

    @Option(help: "Seconds before an unfinalized version becomes FAILED. [env: CAIRN_PENDING_TIMEOUT] (default: 86400)")
    var pendingTimeout: Double?

    @Option(
        help: """
            Seconds an upload may sit idle, and a released blob unwritten, before either is removed. \
            [env: CAIRN_BLOB_GRACE] (default: 3600)
            """
    )
    var blobGrace: Double?

    @Option(help: "Log level: trace … critical. [env: CAIRN_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(
        help: """
            Role of requests without credentials: none, viewer, editor or maintainer (editor + delete). \
            [env: CAIRN_ANONYMOUS] (default: maintainer on a loopback host, none otherwise)
            """
    )
    var anonymous: String?

    @Option(
        help: """
            Host names this server answers to besides its listen address and localhost (name, *.suffix, or * for \
            any); refuses other Host headers (DNS rebinding). Repeatable or comma-separated. [env: CAIRN_ALLOWED_HOSTS]
            """
    )
    var allowedHosts: [String] = []

    @Option(
        help: """
            Proxies (addresses or CIDR blocks) whose X-Forwarded-Host / Forwarded headers stand in for Host. \
            [env: CAIRN_TRUSTED_PROXIES]
            """
    )
    var trustedProxies: [String] = []

    @Option(
        help: """
            Web origins (scheme://host[:port]) allowed to call the API from a browser; CORS is off without them. \
            [env: CAIRN_CORS_ALLOWED_ORIGINS]
            """
    )
    var corsAllowedOrigins: [String] = []

    @Option(
        help: """
            Internal networks (CIDR) or hosts allowed in version sources and artifact locations; refused by \
            default. [env: CAIRN_ALLOWED_INTERNAL_SOURCES]
            """
    )
    var allowedInternalSources: [String] = []

    @Flag(
        help: """
            Let webhooks call loopback, private and shared addresses (receivers on this host or network); \
            link-local and metadata addresses stay refused. [env: CAIRN_WEBHOOK_ALLOW_PRIVATE]
            """
    )
    var webhookAllowPrivate = false

    @Option(
        help:
            "Seconds a webhook delivery is retried before it is marked failed. [env: CAIRN_WEBHOOK_RETENTION] (default: 259200)"
    )
    var webhookRetention: Double?

    @Option(
        help:
            "Seconds of failing deliveries before a webhook is disabled. [env: CAIRN_WEBHOOK_DISABLE_AFTER] (default: 259200)"
    )
    var webhookDisableAfter: Double?

    @Option(
        help:
            "Seconds before a delivery's first retry; doubled for each next. [env: CAIRN_WEBHOOK_FIRST_RETRY] (default: 5)"
    )
    var webhookFirstRetry: Double?

    @Option(help: "Seconds a webhook receiver has to answer. [env: CAIRN_WEBHOOK_TIMEOUT] (default: 15)")
    var webhookTimeout: Double?

    func run() async throws {
        do {
            try await serve()
        } catch let error as RegistryError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func serve() async throws {
        var config = try ServerConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if let host { config.host = host }
        if let port { config.port = port }
        if let data { config.dataDirectory = data }
        if let pendingTimeout { config.pendingTimeoutSeconds = pendingTimeout }
        if let blobGrace { config.blobGraceSeconds = blobGrace }
        if let logLevel { config.logLevel = logLevel }
        if let anonymous { config.anonymous = try ServerConfiguration.parseAnonymous(anonymous, source: "--anonymous") }
        let list = { (values: [String]) in values.flatMap(ServerConfiguration.list) }
        if !allowedHosts.isEmpty { config.allowedHosts = list(allowedHosts) }
        if !trustedProxies.isEmpty { config.trustedProxies = list(trustedProxies) }
        if !corsAllowedOrigins.isEmpty { config.corsAllowedOrigins = list(corsAllowedOrigins) }
        if !allowedInternalSources.isEmpty { config.allowedInternalSources = list(allowedInternalSources) }
        if webhookAllowPrivate { config.webhookAllowPrivate = true }
        if let webhookRetention { config.webhookRetentionSeconds = webhookRetention }
        if let webhookDisableAfter { config.webhookDisableAfterSeconds = webhookDisableAfter }
        if let webhookFirstRetry { config.webhookFirstRetrySeconds = webhookFirstRetry }
        if let webhookTimeout { config.webhookTimeoutSeconds = webhookTimeout }
        try config.validate()
        try await CairnServer.run(config) { line in
            // Written straight to the descriptor: tests and scripts wait for this line through a pipe.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
