import CairnCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The native API (`/api/v1`) and the server's own routes (`/healthz`), mounted on a router.
///
/// Every route comes from ``endpoints``: the same table feeds the router and the OpenAPI document, so a route cannot
/// exist undocumented.
public struct NativeAPI: Sendable {
    public let service: RegistryService
    let openAPIDocument: ByteBuffer
    let resolveCache: ResolveCache?

    /// - Parameter changeGeneration: when given (a `ChangeCountingStore`'s `generation`), resolve responses are
    ///   cached until the next write.
    public init(
        service: RegistryService,
        version: String = CairnVersion.current,
        changeGeneration: (@Sendable () -> UInt64)? = nil
    ) {
        self.service = service
        self.openAPIDocument = ByteBuffer(bytes: OpenAPIDocument.build(endpoints: Self.endpoints, version: version))
        self.resolveCache = changeGeneration.map { ResolveCache(generation: $0) }
    }

    /// Every operation, in documentation order.
    static let endpoints: [Endpoint] =
        SystemRoutes.endpoints + ModelRoutes.endpoints + VersionRoutes.endpoints + FileRoutes.endpoints
        + AliasRoutes.endpoints

    /// The documented operations as (method, OpenAPI path) pairs, for completeness tests.
    public static var documentedOperations: [(method: String, path: String)] {
        endpoints.map { ($0.method.rawValue, $0.path) }
    }

    /// Adds the error middleware and every route to `router`.
    public func register(on router: Router<CairnRequestContext>) {
        router.add(middleware: ErrorMiddleware())
        let service = service
        let document = openAPIDocument
        let cache = resolveCache
        for endpoint in Self.endpoints {
            let handler = endpoint.handler
            if endpoint.operationID == "resolve", let cache {
                router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
                    try await AliasRoutes.resolveCached(request, context, service, cache)
                }
            } else if endpoint.operationID == "openAPIDocument" {
                router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { _, _ in
                    Response(
                        status: .ok,
                        headers: [.contentType: "application/json", .contentLength: String(document.readableBytes)],
                        body: .init(byteBuffer: document)
                    )
                }
            } else {
                router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
                    try await handler(request, context, service)
                }
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
            handler: { _, _, _ in health }
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/openapi.json",
            operationID: "openAPIDocument",
            summary: "This API's OpenAPI 3.1 document.",
            success: (200, "OpenAPIDocument"),
            errors: [],
            handler: { _, _, _ in Response(status: .internalServerError) }
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
