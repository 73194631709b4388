import CairnCore
import CairnHTTP
import CairnWire
import Hummingbird

/// `/api/v1/models/{name}/versions…`: numbered, immutable versions and their metadata.
enum VersionRoutes {
    static let base = "/api/v1/models/{name}/versions"

    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .post,
            path: base,
            operationID: "createVersion",
            summary: "Create the next version (PENDING) with its lineage; upload files, then finalize.",
            requestBody: "CreateVersionRequest",
            success: (201, "Version"),
            errors: [400, 404, 413, 415],
            rule: .requires(.write),
            handler: create
        ),
        Endpoint(
            method: .get,
            path: base,
            operationID: "listVersions",
            summary: "List a model's versions, newest first (keyset cursor).",
            query: [
                .init(name: "page_token", description: "next_page_token of the previous page."),
                .init(name: "limit", description: "Page size, 1 to 1000 (default 100).", type: "integer"),
            ],
            success: (200, "VersionList"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: list
        ),
        Endpoint(
            method: .get,
            path: base + "/{version}",
            operationID: "getVersion",
            summary: "Get one version with its lineage and status.",
            success: (200, "Version"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: get
        ),
        Endpoint(
            method: .patch,
            path: base + "/{version}",
            operationID: "updateVersion",
            summary: "Change a version's description (allowed after sealing; recorded).",
            requestBody: "UpdateDescriptionRequest",
            success: (200, "Version"),
            errors: [400, 404, 413, 415],
            rule: .requires(.write),
            handler: update
        ),
        Endpoint(
            method: .delete,
            path: base + "/{version}",
            operationID: "deleteVersion",
            summary: "Delete a version and its aliases; its number is never reused.",
            success: (204, nil),
            errors: [400, 404],
            rule: .requires(.delete),
            handler: delete
        ),
        Endpoint(
            method: .put,
            path: base + "/{version}/tags/{key}",
            operationID: "setVersionTag",
            summary: "Set one tag of a version.",
            requestBody: "SetTagRequest",
            success: (200, "Version"),
            errors: [400, 404, 413, 415],
            rule: .requires(.write),
            handler: setTag
        ),
        Endpoint(
            method: .delete,
            path: base + "/{version}/tags/{key}",
            operationID: "deleteVersionTag",
            summary: "Delete one tag of a version.",
            success: (200, "Version"),
            errors: [400, 404],
            rule: .requires(.write),
            handler: deleteTag
        ),
        Endpoint(
            method: .post,
            path: base + "/{version}/finalize",
            operationID: "finalizeVersion",
            summary: "Seal the version's manifest and make it READY (idempotent).",
            success: (200, "Version"),
            errors: [400, 404, 409],
            rule: .requires(.write),
            handler: finalize
        ),
    ]

    static func create(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        let body = try await JSONResponse.decode(CreateVersionRequest.self, from: request)
        let version = try await service.catalog.createVersion(
            modelName: name,
            WireMapping.newVersion(body),
            actor: context.principal
        )
        var response = JSONResponse.make(WireMapping.version(version), status: .created)
        response.headers[.location] =
            "/api/v1/models/\(URLPath.encodeSegment(version.modelName))/versions/\(version.number)"
        return response
    }

    static func list(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let query = request.uri.queryParameters
        let page = try await service.catalog.listVersions(
            modelName: try context.pathParameter("name"),
            pageToken: query["page_token"].map(String.init),
            limit: try QueryValue.int(query["limit"], name: "limit"),
            actor: context.principal
        )
        return JSONResponse.make(
            VersionListDTO(versions: page.items.map(WireMapping.version), nextPageToken: page.nextPageToken)
        )
    }

    static func get(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let version = try await service.catalog.version(
            modelName: try context.pathParameter("name"),
            number: try context.versionParameter(),
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.version(version))
    }

    static func update(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number) = (try context.pathParameter("name"), try context.versionParameter())
        let body = try await JSONResponse.decode(UpdateDescriptionRequest.self, from: request)
        let version = try await service.catalog.updateVersion(
            modelName: name,
            number: number,
            description: body.description,
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.version(version))
    }

    static func delete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        try await service.catalog.deleteVersion(
            modelName: try context.pathParameter("name"),
            number: try context.versionParameter(),
            actor: context.principal
        )
        return JSONResponse.noContent()
    }

    static func setTag(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number, key) = (
            try context.pathParameter("name"), try context.versionParameter(), try context.pathParameter("key")
        )
        let body = try await JSONResponse.decode(SetTagRequest.self, from: request)
        let version = try await service.catalog.setVersionTag(
            modelName: name,
            number: number,
            key: key,
            value: body.value,
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.version(version))
    }

    static func deleteTag(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let version = try await service.catalog.deleteVersionTag(
            modelName: try context.pathParameter("name"),
            number: try context.versionParameter(),
            key: try context.pathParameter("key"),
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.version(version))
    }

    static func finalize(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let version = try await service.catalog.finalizeVersion(
            modelName: try context.pathParameter("name"),
            number: try context.versionParameter(),
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.version(version))
    }
}
