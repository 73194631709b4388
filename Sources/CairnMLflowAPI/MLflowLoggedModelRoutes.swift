import CairnCore
import CairnHTTP
import Foundation
import Hummingbird

/// `logged-models*` (MLflow 3): create, get, finalize, tags, params, artifact listing, search, delete. The model id
/// comes from the path.
enum MLflowLoggedModelRoutes {
    static let base = "/api/2.0/mlflow/logged-models"

    static let routes: [MLflowRoute] = [
        MLflowRoute(.post, "logged-models", .requires(.write), create),
        MLflowRoute(.post, "logged-models/search", .requires(.read), search),
        MLflowRoute(.get, base + "/:model_id", .requires(.read), raw: get),
        MLflowRoute(.patch, base + "/:model_id", .requires(.write), raw: finalize),
        MLflowRoute(.delete, base + "/:model_id", .requires(.delete), raw: delete),
        MLflowRoute(.patch, base + "/:model_id/tags", .requires(.write), raw: setTags),
        MLflowRoute(.delete, base + "/:model_id/tags/:key", .requires(.write), raw: deleteTag),
        MLflowRoute(.post, base + "/:model_id/params", .requires(.write), raw: logParams),
        MLflowRoute(.get, base + "/:model_id/artifacts/directories", .requires(.read), raw: listArtifacts),
    ]

    /// `POST logged-models/{id}/params` `{"params": [{"key","value"}]}`: the params beyond the first 100 that the
    /// 3.x client sends with the model.
    static func logParams(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let input = try await MLflowInput.read(request)
        try await service.tracking.logLoggedModelParams(
            id: try parameter("model_id", context),
            params: try input.tagDictionary("params"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    /// `GET logged-models/{id}/artifacts/directories?artifact_directory_path=…`: one directory of the model's
    /// artifacts, paths relative to its `root_uri` (the artifact location), as MLflow lists them.
    static func listArtifacts(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let model = try await service.tracking.loggedModel(
            id: try parameter("model_id", context),
            actor: context.principal
        )
        let pairs = try MLflowInput.queryPairs(request.uri.query)
        let sub = try MLflowArtifactRoutes.queryPath(pairs.first { $0.0 == "artifact_directory_path" }?.1 ?? "")
        let base = CatalogService.artifactPath(of: model.artifactLocation)
        let directory = sub.isEmpty ? base : base + "/" + sub
        let entries = try await service.browseArtifacts(directory: directory, actor: context.principal)
        let files: [JSONValue] = entries.sorted { $0.path < $1.path }.map { entry in
            var object = JSONObject()
            object.set("path", sub.isEmpty ? entry.path : sub + "/" + entry.path)
            object.set("is_dir", .bool(entry.isDirectory))
            if !entry.isDirectory { object.set("file_size", entry.size) }
            return object.value
        }
        var object = JSONObject()
        object.set("root_uri", model.artifactLocation)
        object.set("files", list: files)
        return MLflowResponse.json(object)
    }

    static func create(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let model = try await service.tracking.createLoggedModel(
            experimentID: try input.required("experiment_id"),
            name: try input.string("name") ?? "",
            sourceRunID: try input.string("source_run_id").flatMap { $0.isEmpty ? nil : $0 },
            modelType: try input.string("model_type") ?? "",
            params: try input.tagDictionary("params"),
            tags: try input.tagDictionary("tags"),
            actor: context.principal
        )
        return MLflowResponse.wrap("model", MLflowEntities.loggedModel(model))
    }

    static func get(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let model = try await service.tracking.loggedModel(
            id: try parameter("model_id", context),
            actor: context.principal
        )
        return MLflowResponse.wrap("model", MLflowEntities.loggedModel(model))
    }

    static func finalize(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let input = try await MLflowInput.read(request)
        let text = try input.required("status")
        guard let status = LoggedModelStatus(rawValue: text) else {
            throw RegistryError.badValue(
                "Invalid logged model status '\(text)'. Use LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED."
            )
        }
        let model = try await service.tracking.finalizeLoggedModel(
            id: try parameter("model_id", context),
            status: status,
            actor: context.principal
        )
        return MLflowResponse.wrap("model", MLflowEntities.loggedModel(model))
    }

    static func delete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        try await service.tracking.deleteLoggedModel(id: try parameter("model_id", context), actor: context.principal)
        return MLflowResponse.empty
    }

    static func setTags(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let input = try await MLflowInput.read(request)
        try await service.tracking.setLoggedModelTags(
            id: try parameter("model_id", context),
            tags: try input.tagDictionary("tags"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func deleteTag(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        try await service.tracking.deleteLoggedModelTag(
            id: try parameter("model_id", context),
            key: try parameter("key", context),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func search(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let page = try await service.tracking.searchLoggedModels(
            experimentIDs: try input.strings("experiment_ids"),
            clauses: try MLflowFilterParser.parse(input.string("filter"), schema: .loggedModels),
            order: try MLflowFilterParser.parseOrder(try orderEntries(input), schema: .loggedModels),
            datasets: try input.objects("datasets").map { item in
                DatasetFilter(
                    name: try item.string("dataset_name") ?? "",
                    digest: try item.string("dataset_digest").flatMap { $0.isEmpty ? nil : $0 }
                )
            },
            pageToken: try input.pageToken(),
            limit: try input.limit(default: 100, max: 50_000),
            actor: context.principal
        )
        var object = JSONObject()
        object.set("models", list: page.items.map(MLflowEntities.loggedModel))
        object.set("next_page_token", page.nextPageToken)
        return MLflowResponse.json(object)
    }

    /// `order_by` of logged-model searches: objects `{"field_name", "ascending"}` (the proto), or plain strings.
    static func orderEntries(_ input: MLflowInput) throws -> [String] {
        if let strings = try? input.strings("order_by") { return strings }
        return try input.objects("order_by").map { item in
            "\(try item.required("field_name")) \(try item.bool("ascending") ?? true ? "ASC" : "DESC")"
        }
    }

    /// A path parameter, percent-decoded once.
    static func parameter(_ name: String, _ context: CairnRequestContext) throws -> String {
        guard let raw = context.parameters.get(name), !raw.isEmpty else { throw RegistryError.missing(name) }
        return try PercentDecoding.decode(raw, what: name)
    }
}
