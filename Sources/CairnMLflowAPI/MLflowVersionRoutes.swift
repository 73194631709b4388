import CairnCore
import CairnHTTP
import Hummingbird

/// `model-versions/*`: register, read, describe, stage transitions, tags, delete, download location and search.
enum MLflowVersionRoutes {
    static let routes: [MLflowRoute] = [
        MLflowRoute(.post, "model-versions/create", .requires(.write), create),
        MLflowRoute(.get, "model-versions/get", .requires(.read), cached: .init(keys: ["name", "version"], body: get)),
        MLflowRoute(.patch, "model-versions/update", .requires(.write), update),
        MLflowRoute(.post, "model-versions/transition-stage", .requires(.write), transition),
        MLflowRoute(.delete, "model-versions/delete", .requires(.delete), delete),
        MLflowRoute(.post, "model-versions/set-tag", .requires(.write), setTag),
        MLflowRoute(.delete, "model-versions/delete-tag", .requires(.write), deleteTag),
        MLflowRoute(
            .get,
            "model-versions/get-download-uri",
            .requires(.read),
            cached: .init(keys: ["name", "version"], body: downloadURI)
        ),
        MLflowRoute(.get, "model-versions/search", .requires(.read), search),
    ]

    /// The `version` argument: a positive decimal number, sent as a string (or a number).
    static func number(_ input: MLflowInput) throws -> Int {
        let text = try input.required("version")
        guard let number = Int(text), number >= 1, text.allSatisfy(\.isASCII) else {
            throw RegistryError.badValue("Invalid value '\(text.prefix(40))' for parameter 'version': use 1, 2, 3…")
        }
        return number
    }

    /// A stage name, case-insensitively, with MLflow's message for anything else.
    static func stage(_ text: String) throws -> Stage {
        guard let stage = Stage(caseInsensitive: text) else {
            throw RegistryError.badValue(
                "Invalid Model Version stage: \(text). Value must be one of None, Staging, Production, Archived."
            )
        }
        return stage
    }

    static func create(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let version = try await service.catalog.registerVersion(
            modelName: try input.required("name"),
            source: try input.required("source"),
            runID: try input.string("run_id").flatMap { $0.isEmpty ? nil : $0 },
            runLink: try input.string("run_link").flatMap { $0.isEmpty ? nil : $0 },
            description: try input.string("description") ?? "",
            tags: try input.tagDictionary("tags"),
            actor: context.principal
        )
        return MLflowResponse.wrap("model_version", MLflowEntities.modelVersion(version))
    }

    static func get(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> JSONObject
    {
        let name = try input.required("name")
        let version = try await service.catalog.version(
            modelName: name,
            number: try number(input),
            actor: context.principal
        )
        let aliases = try await service.catalog.aliases(modelName: name, actor: context.principal)
        return JSONObject(fields: [("model_version", MLflowEntities.modelVersion(version, aliases: aliases))])
    }

    static func update(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let (name, number) = (try input.required("name"), try number(input))
        let version =
            if let description = try input.string("description") {
                try await service.catalog.updateVersion(
                    modelName: name,
                    number: number,
                    description: description,
                    actor: context.principal
                )
            } else {
                try await service.catalog.version(modelName: name, number: number, actor: context.principal)
            }
        return MLflowResponse.wrap("model_version", MLflowEntities.modelVersion(version))
    }

    static func transition(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let version = try await service.governance.transitionStage(
            modelName: try input.required("name"),
            number: try number(input),
            to: try stage(try input.required("stage")),
            archiveExisting: try input.bool("archive_existing_versions") ?? false,
            actor: context.principal
        )
        return MLflowResponse.wrap("model_version", MLflowEntities.modelVersion(version))
    }

    static func delete(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.catalog.deleteVersion(
            modelName: try input.required("name"),
            number: try number(input),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func setTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        _ = try await service.catalog.setVersionTag(
            modelName: try input.required("name"),
            number: try number(input),
            key: try input.required("key"),
            value: try input.string("value") ?? "",
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func deleteTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        _ = try await service.catalog.deleteVersionTag(
            modelName: try input.required("name"),
            number: try number(input),
            key: try input.required("key"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func downloadURI(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> JSONObject
    {
        let uri = try await service.catalog.downloadURI(
            modelName: try input.required("name"),
            number: try number(input),
            actor: context.principal
        )
        return JSONObject(fields: [("artifact_uri", .string(uri))])
    }

    /// Searches versions. The service pages at most ``PageToken/maxSearchLimit`` at a time; a larger `max_results` (the
    /// client's default is 10,000) gets that many and a `next_page_token`.
    static func search(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let page = try await service.catalog.searchVersions(
            clauses: try MLflowFilterParser.parse(input.string("filter"), schema: .modelVersions),
            order: try MLflowFilterParser.parseOrder(input.strings("order_by"), schema: .modelVersions),
            pageToken: try input.pageToken(),
            limit: min(try input.limit(default: 10_000, max: 200_000), PageToken.maxSearchLimit),
            actor: context.principal
        )
        var object = JSONObject()
        object.set("model_versions", list: page.items.map { MLflowEntities.modelVersion($0) })
        object.set("next_page_token", page.nextPageToken)
        return MLflowResponse.json(object)
    }
}
