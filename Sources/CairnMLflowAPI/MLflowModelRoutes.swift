import CairnCore
import CairnHTTP
import Hummingbird

/// `registered-models/*`: the catalog, tags, aliases and the latest version per stage.
enum MLflowModelRoutes {
    static let routes: [MLflowRoute] = [
        MLflowRoute(.post, "registered-models/create", .requires(.write), create),
        MLflowRoute(.get, "registered-models/get", .requires(.read), get),
        MLflowRoute(.get, "registered-models/search", .requires(.read), search),
        MLflowRoute(.patch, "registered-models/update", .requires(.write), update),
        MLflowRoute(.post, "registered-models/rename", .requires(.write), rename),
        MLflowRoute(.delete, "registered-models/delete", .requires(.delete), delete),
        MLflowRoute(.post, "registered-models/set-tag", .requires(.write), setTag),
        MLflowRoute(.delete, "registered-models/delete-tag", .requires(.write), deleteTag),
        MLflowRoute(.post, "registered-models/alias", .requires(.write), setAlias),
        MLflowRoute(
            .get,
            "registered-models/alias",
            .requires(.read),
            cached: .init(keys: ["name", "alias"], body: getByAlias)
        ),
        MLflowRoute(.delete, "registered-models/alias", .requires(.write), deleteAlias),
        MLflowRoute(.post, "registered-models/get-latest-versions", .requires(.read), cached: latestVersionsRead),
        MLflowRoute(.get, "registered-models/get-latest-versions", .requires(.read), cached: latestVersionsRead),
    ]

    /// A registered model with its latest version per stage and its aliases, as `registered-models/get` shows it.
    static func describe(_ model: RegisteredModel, _ service: RegistryService, actor: Principal) async throws
        -> JSONValue
    {
        let latest = try await service.catalog.latestVersions(modelName: model.name, stages: [], actor: actor)
        let aliases = try await service.catalog.aliases(modelName: model.name, actor: actor)
        return MLflowEntities.registeredModel(model, latest: latest, aliases: aliases)
    }

    static func answer(_ model: RegisteredModel, _ service: RegistryService, actor: Principal) async throws
        -> Response
    {
        MLflowResponse.wrap("registered_model", try await describe(model, service, actor: actor))
    }

    static func create(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let model = try await service.catalog.createModel(
            name: try input.required("name"),
            description: try input.string("description") ?? "",
            tags: try input.tagDictionary("tags"),
            actor: context.principal
        )
        return try await answer(model, service, actor: context.principal)
    }

    static func get(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let model = try await service.catalog.model(named: try input.required("name"), actor: context.principal)
        return try await answer(model, service, actor: context.principal)
    }

    static func search(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let page = try await service.catalog.searchModels(
            filter: try MLflowSearchSchema.modelFilter(input.string("filter")),
            order: try MLflowFilterParser.parseOrder(input.strings("order_by"), schema: .registeredModels),
            pageToken: try input.pageToken(),
            limit: min(try input.limit(default: 100, max: 50_000), PageToken.maxLimit),
            actor: context.principal
        )
        var models: [JSONValue] = []
        for model in page.items { models.append(try await describe(model, service, actor: context.principal)) }
        var object = JSONObject()
        object.set("registered_models", list: models)
        object.set("next_page_token", page.nextPageToken)
        return MLflowResponse.json(object)
    }

    static func update(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let name = try input.required("name")
        guard let description = try input.string("description") else {
            let model = try await service.catalog.model(named: name, actor: context.principal)
            return try await answer(model, service, actor: context.principal)
        }
        return try await answer(
            try await service.catalog.updateModel(name: name, description: description, actor: context.principal),
            service,
            actor: context.principal
        )
    }

    static func rename(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let model = try await service.catalog.renameModel(
            name: try input.required("name"),
            to: try input.required("new_name"),
            actor: context.principal
        )
        return try await answer(model, service, actor: context.principal)
    }

    static func delete(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.catalog.deleteModel(name: try input.required("name"), actor: context.principal)
        return MLflowResponse.empty
    }

    static func setTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        _ = try await service.catalog.setModelTag(
            name: try input.required("name"),
            key: try input.required("key"),
            value: try input.string("value") ?? "",
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func deleteTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        _ = try await service.catalog.deleteModelTag(
            name: try input.required("name"),
            key: try input.required("key"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func setAlias(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        _ = try await service.governance.setAlias(
            modelName: try input.required("name"),
            alias: try input.required("alias"),
            number: try MLflowVersionRoutes.number(input),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    /// MLflow answers an unknown alias with 400 INVALID_PARAMETER_VALUE, not 404; the client relies on neither, but
    /// the shape is reproduced.
    static func getByAlias(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> JSONObject
    {
        let (name, alias) = (try input.required("name"), try input.required("alias"))
        let aliases = try await service.catalog.aliases(modelName: name, actor: context.principal)
        guard let target = aliases.first(where: { $0.alias == alias }) else {
            throw RegistryError.badValue("Registered model alias \(alias) not found.")
        }
        let version = try await service.catalog.version(
            modelName: name,
            number: target.version,
            actor: context.principal
        )
        return JSONObject(fields: [("model_version", MLflowEntities.modelVersion(version, aliases: aliases))])
    }

    static func deleteAlias(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.governance.deleteAlias(
            modelName: try input.required("name"),
            alias: try input.required("alias"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static let latestVersionsRead = MLflowRoute.CachedRead(keys: ["name"], lists: ["stages"], body: latestVersions)

    static func latestVersions(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> JSONObject
    {
        let stages = try input.strings("stages").map(MLflowVersionRoutes.stage)
        let versions = try await service.catalog.latestVersions(
            modelName: try input.required("name"),
            stages: stages,
            actor: context.principal
        )
        var object = JSONObject()
        object.set("model_versions", list: versions.map { MLflowEntities.modelVersion($0) })
        return object
    }
}
