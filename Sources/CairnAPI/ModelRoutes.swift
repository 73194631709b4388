import CairnCore
import CairnHTTP
import CairnWire
import Hummingbird

/// `/api/v1/models…`: the catalog of registered models.
enum ModelRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .post,
            path: "/api/v1/models",
            operationID: "createModel",
            summary: "Create a registered model.",
            requestBody: "CreateModelRequest",
            success: (201, "Model"),
            errors: [400, 409, 413, 415],
            rule: .requires(.write),
            handler: create
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/models",
            operationID: "listModels",
            summary: "List models by name, filtered, one page at a time (keyset cursor).",
            query: [
                .init(name: "name_contains", description: "Case-sensitive substring of the name."),
                .init(name: "name_prefix", description: "Case-sensitive prefix of the name."),
                .init(name: "tag", description: "Tag equality as key=value; repeat for AND.", repeated: true),
                .init(name: "page_token", description: "next_page_token of the previous page."),
                .init(name: "limit", description: "Page size, 1 to 1000 (default 100).", type: "integer"),
            ],
            success: (200, "ModelList"),
            errors: [400],
            rule: .requires(.read),
            handler: list
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/models/{name}",
            operationID: "getModel",
            summary: "Get a model with its tags, aliases and latest version number.",
            success: (200, "Model"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: get
        ),
        Endpoint(
            method: .patch,
            path: "/api/v1/models/{name}",
            operationID: "updateModel",
            summary: "Change a model's description.",
            requestBody: "UpdateDescriptionRequest",
            success: (200, "Model"),
            errors: [400, 404, 413, 415],
            rule: .requires(.write),
            handler: update
        ),
        Endpoint(
            method: .delete,
            path: "/api/v1/models/{name}",
            operationID: "deleteModel",
            summary: "Delete a model with all its versions and aliases (the event log keeps the history).",
            success: (204, nil),
            errors: [400, 404],
            rule: .requires(.delete),
            handler: delete
        ),
        Endpoint(
            method: .post,
            path: "/api/v1/models/{name}/rename",
            operationID: "renameModel",
            summary: "Rename a model; the old name stops resolving.",
            requestBody: "RenameModelRequest",
            success: (200, "Model"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.write),
            handler: rename
        ),
        Endpoint(
            method: .put,
            path: "/api/v1/models/{name}/tags/{key}",
            operationID: "setModelTag",
            summary: "Set one tag of a model.",
            requestBody: "SetTagRequest",
            success: (200, "Model"),
            errors: [400, 404, 413, 415],
            rule: .requires(.write),
            handler: setTag
        ),
        Endpoint(
            method: .delete,
            path: "/api/v1/models/{name}/tags/{key}",
            operationID: "deleteModelTag",
            summary: "Delete one tag of a model.",
            success: (200, "Model"),
            errors: [400, 404],
            rule: .requires(.write),
            handler: deleteTag
        ),
    ]

    static func create(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(CreateModelRequest.self, from: request)
        let model = try await service.catalog.createModel(
            name: body.name,
            description: body.description ?? "",
            tags: body.tags ?? [:],
            actor: context.principal
        )
        var response = JSONResponse.make(WireMapping.model(model), status: .created)
        response.headers[.location] = "/api/v1/models/\(URLPath.encodeSegment(model.name))"
        return response
    }

    static func list(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let query = request.uri.queryParameters
        var tags: [String: String] = [:]
        for pair in query[values: "tag"] {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw RegistryError(.invalidArgument, "Tag filter '\(pair)' must look like key=value.")
            }
            tags[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let filter = ModelFilter(
            nameContains: query["name_contains"].map(String.init),
            namePrefix: query["name_prefix"].map(String.init),
            tags: tags
        )
        let page = try await service.catalog.listModels(
            filter: filter,
            pageToken: query["page_token"].map(String.init),
            limit: try QueryValue.int(query["limit"], name: "limit"),
            actor: context.principal
        )
        var models: [ModelDTO] = []
        for model in page.items {
            do {
                models.append(try await detailed(model, service, actor: context.principal))
            } catch let error as RegistryError where error.code == .notFound {
                continue  // Deleted or renamed since the page was read.
            }
        }
        let dto = ModelListDTO(models: models, nextPageToken: page.nextPageToken)
        return JSONResponse.make(dto)
    }

    static func get(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        return JSONResponse.make(try await detailed(name, service, actor: context.principal))
    }

    static func update(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        let body = try await JSONResponse.decode(UpdateDescriptionRequest.self, from: request)
        _ = try await service.catalog.updateModel(name: name, description: body.description, actor: context.principal)
        return JSONResponse.make(try await detailed(name, service, actor: context.principal))
    }

    static func delete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        try await service.catalog.deleteModel(name: try context.pathParameter("name"), actor: context.principal)
        return JSONResponse.noContent()
    }

    static func rename(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        let body = try await JSONResponse.decode(RenameModelRequest.self, from: request)
        let model = try await service.catalog.renameModel(name: name, to: body.newName, actor: context.principal)
        return JSONResponse.make(try await detailed(model.name, service, actor: context.principal))
    }

    static func setTag(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        let key = try context.pathParameter("key")
        let body = try await JSONResponse.decode(SetTagRequest.self, from: request)
        _ = try await service.catalog.setModelTag(name: name, key: key, value: body.value, actor: context.principal)
        return JSONResponse.make(try await detailed(name, service, actor: context.principal))
    }

    static func deleteTag(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let name = try context.pathParameter("name")
        let key = try context.pathParameter("key")
        _ = try await service.catalog.deleteModelTag(name: name, key: key, actor: context.principal)
        return JSONResponse.make(try await detailed(name, service, actor: context.principal))
    }

    /// A model with its aliases and latest version number.
    static func detailed(_ name: String, _ service: RegistryService, actor: Principal) async throws -> ModelDTO {
        try await detailed(try await service.catalog.model(named: name, actor: actor), service, actor: actor)
    }

    static func detailed(_ model: RegisteredModel, _ service: RegistryService, actor: Principal) async throws
        -> ModelDTO
    {
        let aliases = try await service.catalog.aliases(modelName: model.name, actor: actor)
        let latest = try await service.catalog.listVersions(modelName: model.name, limit: 1, actor: actor).items.first?
            .number
        return WireMapping.model(model, aliases: aliases, latestVersion: latest)
    }
}

/// Query-string values.
enum QueryValue {
    static func int(_ text: Substring?, name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else {
            throw RegistryError(
                .invalidArgument,
                "Query parameter '\(name)' must be an integer (got '\(text.prefix(40))')."
            )
        }
        return value
    }
}

/// Building URL paths from names.
enum URLPath {
    /// Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are).
    static func encodeSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
