import CairnCore
import CairnHTTP
import CairnWire
import Hummingbird
import NIOCore

/// Aliases, resolution, the event log and the server's own routes.
enum AliasRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .get,
            path: "/api/v1/models/{name}/aliases",
            operationID: "listAliases",
            summary: "List a model's aliases.",
            success: (200, "AliasList"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: list
        ),
        Endpoint(
            method: .put,
            path: "/api/v1/models/{name}/aliases/{alias}",
            operationID: "setAlias",
            summary: "Point an alias at a READY version, creating or moving it.",
            requestBody: "SetAliasRequest",
            success: (200, "Alias"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.write),
            handler: set
        ),
        Endpoint(
            method: .delete,
            path: "/api/v1/models/{name}/aliases/{alias}",
            operationID: "deleteAlias",
            summary: "Delete an alias.",
            success: (204, nil),
            errors: [400, 404],
            rule: .requires(.write),
            handler: delete
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/resolve",
            operationID: "resolve",
            summary:
                "Resolve models:/NAME/VERSION|latest|STAGE or models:/NAME@ALIAS to a READY version and its manifest.",
            query: [.init(name: "uri", description: "The models:/ URI to resolve.")],
            success: (200, "Resolve"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: resolve
        ),
    ]

    static func list(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let aliases = try await service.catalog.aliases(
            modelName: try context.pathParameter("name"),
            actor: context.principal
        )
        return JSONResponse.make(AliasListDTO(aliases: aliases.map(WireMapping.alias)))
    }

    static func set(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, alias) = (try context.pathParameter("name"), try context.pathParameter("alias"))
        let body = try await JSONResponse.decode(SetAliasRequest.self, from: request)
        let value = try await service.governance.setAlias(
            modelName: name,
            alias: alias,
            number: body.version,
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.alias(value))
    }

    static func delete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        try await service.governance.deleteAlias(
            modelName: try context.pathParameter("name"),
            alias: try context.pathParameter("alias"),
            actor: context.principal
        )
        return JSONResponse.noContent()
    }

    static func resolve(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        JSONResponse.make(body: try await resolveBody(request, context, service))
    }

    /// The encoded answer of `resolve`.
    static func resolveBody(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> ByteBuffer
    {
        guard let text = request.uri.queryParameters["uri"] else {
            throw RegistryError(.invalidArgument, "Pass the URI to resolve as ?uri=models:/NAME/VERSION.")
        }
        let resolved = try await service.catalog.resolve(try ModelURI(parsing: String(text)), actor: context.principal)
        let version = resolved.version
        return JSONResponse.encoded(
            ResolveDTO(
                uri: resolved.uri.description,
                version: WireMapping.version(version),
                manifest: WireMapping.manifest(of: version, files: resolved.manifest.entries)
            )
        )
    }

    /// `resolve` through the cache: a hit (for a caller the core's read rule allows, see ``ReadCache``) answers from
    /// memory; a miss resolves and stores the encoded answer under the generation read before resolving.
    static func resolveCached(
        _ request: Request,
        _ context: CairnRequestContext,
        _ service: RegistryService,
        _ cache: ReadCache<ByteBuffer>
    ) async throws -> Response {
        let key = request.uri.query ?? ""
        if let hit = cache.lookup(key, for: context.principal) { return JSONResponse.make(body: hit) }
        let generation = cache.currentGeneration
        let body = try await resolveBody(request, context, service)
        // The body exists, so the URI parsed and the caller may read its model.
        if let text = request.uri.queryParameters["uri"], let uri = try? ModelURI(parsing: String(text)) {
            cache.store(body, about: uri.modelName, for: key, generation: generation)
        }
        return JSONResponse.make(body: body)
    }
}
