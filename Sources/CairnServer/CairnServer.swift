import CairnAPI
import CairnBlobFS
import CairnCore
import CairnCredentials
import CairnHTTP
import CairnMLflowAPI
import CairnMLflowFiles
import CairnSQLite
import CairnWebhooks
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Composition: configuration → stores → service → routes → one service group, run until SIGINT/SIGTERM.
public enum CairnServer {
    /// Builds the router of every API surface over `service`. Used by `run` and by in-process HTTP tests.
    ///
    /// The ``OriginGuardMiddleware`` comes first (a request for a foreign host or from a foreign web origin is refused
    /// before its credentials are even checked), then the ``AuthenticationMiddleware``, so every route of every surface (native, MLflow) sees the
    /// request's principal; each route then applies its own rule.
    /// - Parameters:
    ///   - anonymous: the role of requests without credentials (default: none; `run` applies the configuration).
    ///   - changes: the store's change signal (a `ChangeCountingStore`): its generation keys the resolve caches
    ///     between writes, and each commit wakes event watchers (`GET /api/v1/events`). Without it nothing is
    ///     cached and watchers poll.
    ///   - throttle: slows repeated failed logins per client (tests inject a clock and a sleeper).
    ///   - origins: which `Host` names and web origins may drive the server (default: loopback only), applied by the
    ///     ``OriginGuardMiddleware`` before anything else.
    public static func makeRouter(
        service: RegistryService,
        anonymous: AnonymousAccess = .none,
        changes: (any ChangeSignal)? = nil,
        throttle: LoginThrottle = LoginThrottle(),
        origins: OriginPolicy = OriginPolicy()
    ) -> Router<CairnRequestContext> {
        let router = Router(context: CairnRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: OriginGuardMiddleware(origins))
        let authenticator = Authenticator(service: service, anonymous: anonymous, throttle: throttle)
        router.add(middleware: AuthenticationMiddleware(authenticator))
        var generation: (@Sendable () -> UInt64)?
        if let changes { generation = { changes.generation } }
        let surfaces: [any HTTPSurface] = [
            NativeAPI(service: service, changes: changes),
            MLflowAPI(service: service, changeGeneration: generation),
        ]
        // What no surface's route matches answers in the shape of the surface claiming its path.
        router.add(middleware: UnmatchedRouteMiddleware(surfaces))
        for surface in surfaces { surface.register(on: router) }
        return router
    }

    /// Every route ``makeRouter(service:anonymous:changeGeneration:throttle:)`` registers, with its rule, from the
    /// surfaces' route tables (router form: `:name`, `**`). The route-completeness test compares it with the router.
    public static var routeRules: [(method: String, path: String, rule: AccessRule)] {
        NativeAPI.routeRules + MLflowAPI.routeRules
    }

    /// Opens the embedded stores under `config.dataURL`: `cairn.sqlite` and the blob directories.
    public static func openStores(_ config: ServerConfiguration, logger: Logger) async throws -> (
        SQLiteMetadataStore, FileSystemBlobStore
    ) {
        let data = config.dataURL
        let metadata = try await SQLiteMetadataStore.open(
            path: data.appendingPathComponent("cairn.sqlite").path,
            logger: logger
        )
        let blobs = try FileSystemBlobStore(root: data)
        return (metadata, blobs)
    }

    /// How idle an upload session must be for start-up to remove it. When the blob store lives in the data directory
    /// this process holds locked (`blobsExclusive`), nothing else can be uploading into it: everything in its upload
    /// area is a leftover of a run that died mid-upload, removed at once. A blob store shared with other replicas
    /// (issue 14) may hold their uploads in flight, so only sessions idle for the grace period go.
    static func startupUploadIdleSeconds(blobsExclusive: Bool, grace: Double) -> Double {
        blobsExclusive ? 0 : grace
    }

    /// Runs the server until a shutdown signal; `onReady` receives the URL actually listened on.
    public static func run(
        _ config: ServerConfiguration,
        onReady: @escaping @Sendable (String) -> Void = { print($0) }
    ) async throws {
        try config.validate()
        var logger = Logger(label: "cairn")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        let data = config.dataURL
        let origins = try config.originPolicy()
        let locations = try config.locationPolicy()
        // Everything this process creates is the owner's alone (explicit modes say so too; this catches the rest).
        umask(0o077)
        try DataDirectory.prepare(data, logger: logger)
        let lock = try DataDirectoryLock(directory: data)
        let (metadata, blobs) = try await openStores(config, logger: logger)
        let leftovers = try await blobs.removeAbandonedUploads(
            olderThanSeconds: Self.startupUploadIdleSeconds(blobsExclusive: true, grace: config.blobGraceSeconds)
        )
        if leftovers > 0 { logger.notice("removed abandoned uploads", metadata: ["count": "\(leftovers)"]) }
        // One process owns this data directory (the lock above), so counting this process's writes is exact.
        let counted = ChangeCountingStore(metadata)
        let settings = config.deliverySettings
        let service = RegistryService(
            store: counted,
            blobs: blobs,
            passwords: PBKDF2PasswordHasher(),
            locations: locations,
            mlmodels: YAMLMLmodelParser(),
            delivery: settings,
            secrets: try SecretKeyFile.sealer(data: data, environment: ProcessInfo.processInfo.environment),
            transport: try WebhookHTTPTransport(
                policy: settings.outbound,
                timeout: .seconds(config.webhookTimeoutSeconds),
                userAgent: "Cairn-Webhooks/\(CairnVersion.current)"
            )
        )
        try await service.tracking.bootstrapTracking()
        try await AdminBootstrap.run(service: service, dataURL: data) { logger.notice("\($0)") }
        let anonymous = config.effectiveAnonymous
        logger.info("anonymous access", metadata: ["role": "\(anonymous.rawValue)"])
        logger.info(
            "allowed hosts",
            metadata: [
                "listen": "\(config.host)", "loopback": "localhost, 127.0.0.0/8, ::1",
                "extra": "\(config.allowedHosts.joined(separator: ","))",
                "cors":
                    "\(config.corsAllowedOrigins.isEmpty ? "off" : config.corsAllowedOrigins.joined(separator: ","))",
            ]
        )
        let sweeper = PendingVersionSweeper(
            service: service,
            pendingTimeoutSeconds: config.pendingTimeoutSeconds,
            blobGraceSeconds: config.blobGraceSeconds,
            intervalSeconds: config.sweepIntervalSeconds,
            logger: logger
        )
        let app = Application(
            router: makeRouter(
                service: service,
                anonymous: anonymous,
                changes: counted,
                origins: origins
            ),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Cairn"),
            services: [sweeper, WebhookDispatcher(service: service, changes: counted, logger: logger)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? config.port
                let host = config.host.contains(":") ? "[\(config.host)]" : config.host
                onReady(
                    "Cairn \(CairnVersion.current) listening on http://\(host):\(port) "
                        + "(data: \(data.path); metadata: cairn.sqlite; blobs: blobs/sha256)"
                )
            },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            await metadata.close()
            withExtendedLifetime(lock) {}
            throw error
        }
        await metadata.close()
        withExtendedLifetime(lock) {}
        logger.info("stopped")
    }
}
