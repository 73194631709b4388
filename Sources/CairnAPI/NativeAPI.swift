import CairnCore
import CairnHTTP
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The native API (`/api/v1`) and the server's own routes (`/healthz`), mounted on a router.
///
/// Every route comes from ``endpoints``: the same table feeds the router and the OpenAPI document, so a route cannot
/// exist undocumented.
public struct NativeAPI: HTTPSurface {
    public let service: RegistryService
    let openAPIDocument: ByteBuffer
    let resolveCache: ReadCache<ByteBuffer>?
    let changes: (any ChangeSignal)?

    /// - Parameter changes: when given (a `ChangeCountingStore`), resolve responses are cached until the next write,
    ///   and event watchers are woken by each commit; without it nothing is cached and watchers poll.
    public init(service: RegistryService, version: String = CairnVersion.current, changes: (any ChangeSignal)? = nil) {
        self.service = service
        self.changes = changes
        self.openAPIDocument = ByteBuffer(bytes: OpenAPIDocument.build(endpoints: Self.endpoints, version: version))
        self.resolveCache = changes.map { changes in ReadCache(generation: { changes.generation }) }
    }

    /// Every operation, in documentation order.
    static let endpoints: [Endpoint] =
        SystemRoutes.endpoints + ModelRoutes.endpoints + VersionRoutes.endpoints + FileRoutes.endpoints
        + AliasRoutes.endpoints + EventRoutes.endpoints + GovernanceRoutes.endpoints + RecordRoutes.endpoints
        + IdentityRoutes.endpoints + WebhookRoutes.endpoints + DeploymentRoutes.endpoints

    /// The documented operations as (method, OpenAPI path) pairs, for completeness tests.
    public static var documentedOperations: [(method: String, path: String)] {
        endpoints.map { ($0.method.rawValue, $0.path) }
    }

    /// Every route this API registers, in router form (`:name`, `**`), with its rule: for completeness tests.
    public static var routeRules: [(method: String, path: String, rule: AccessRule)] {
        endpoints.map { ($0.method.rawValue, $0.routerPath, $0.rule) }
    }

    /// The native API answers every path no other surface claims.
    public var prefixes: [String] { [""] }

    public func errorResponse(for error: any Error, request: Request, context: CairnRequestContext) -> Response {
        NativeErrors.render(error, request: request, context: context)
    }

    public func unmatchedError(_ request: Request, status: HTTPResponse.Status) -> any Error { HTTPError(status) }

    /// Adds every route to `router`, in a group behind the native error shape. Each route passes ``AccessGuard`` with
    /// its rule before its handler runs; add ``AuthenticationMiddleware`` to the router first, or every request acts
    /// as anonymous without grants.
    public func register(on router: Router<CairnRequestContext>) {
        let group = router.group().add(middleware: SurfaceErrorMiddleware(self))
        let service = service
        let document = openAPIDocument
        let cache = resolveCache
        let changes = changes
        for endpoint in Self.endpoints {
            var handler = endpoint.handler
            if endpoint.operationID == "resolve", let cache {
                handler = { request, context, service in
                    try await AliasRoutes.resolveCached(request, context, service, cache)
                }
            } else if endpoint.operationID == "listEvents" {
                handler = { request, context, service in
                    try await EventRoutes.events(request, context, service, changes: changes)
                }
            } else if endpoint.operationID == "openAPIDocument" {
                handler = { _, _, _ in
                    Response(
                        status: .ok,
                        headers: [.contentType: "application/json", .contentLength: String(document.readableBytes)],
                        body: .init(byteBuffer: document)
                    )
                }
            }
            let (rule, attempted) = (endpoint.rule, "\(endpoint.method) \(endpoint.path)")
            group.on(RouterPath(endpoint.routerPath), method: endpoint.method) { [handler] request, context in
                try await AccessGuard.check(rule, context: context, service: service, attempted: attempted)
                return try await handler(request, context, service)
            }
        }
    }
}

/// The server's version string.
public enum CairnVersion {
    public static let current = "0.1.0"
}

/// Health and self-description.
enum SystemRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .get,
            path: "/healthz",
            operationID: "health",
            summary: "Liveness: 200 while the server is up. Touches no storage.",
            success: (200, "Health"),
            errors: [],
            rule: .public,
            handler: { _, _, _ in health }
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/openapi.json",
            operationID: "openAPIDocument",
            summary: "This API's OpenAPI 3.1 document.",
            success: (200, "OpenAPIDocument"),
            errors: [],
            rule: .public,
            handler: { _, _, _ in Response(status: .internalServerError) }  // Replaced in `register(on:)`.
        ),
    ]

    static let healthBody = ByteBuffer(string: #"{"status":"ok"}"#)

    static var health: Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json", .contentLength: String(healthBody.readableBytes)],
            body: .init(byteBuffer: healthBody)
        )
    }
}
