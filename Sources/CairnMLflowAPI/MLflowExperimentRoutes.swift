import CairnCore
import CairnHTTP
import HTTPTypes
import Hummingbird

/// `experiments/*`: create, get, get-by-name, search, update (rename), tags, delete, restore.
enum MLflowExperimentRoutes {
    static let routes: [MLflowRoute] = [
        MLflowRoute(.post, "experiments/create", .requires(.write), create),
        MLflowRoute(.get, "experiments/get", .requires(.read), get),
        MLflowRoute(.get, "experiments/get-by-name", .requires(.read), getByName),
        MLflowRoute(.post, "experiments/search", .requires(.read), search),
        MLflowRoute(.get, "experiments/search", .requires(.read), search),
        MLflowRoute(.post, "experiments/update", .requires(.write), update),
        MLflowRoute(.post, "experiments/set-experiment-tag", .requires(.write), setTag),
        MLflowRoute(.post, "experiments/delete-experiment-tag", .requires(.write), deleteTag),
        MLflowRoute(.post, "experiments/delete", .requires(.write), delete),
        MLflowRoute(.post, "experiments/restore", .requires(.write), restore),
    ]

    static func create(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let requested = try input.string("artifact_location").flatMap { $0.isEmpty ? nil : $0 }
        let experiment = try await service.tracking.createExperiment(
            name: try input.required("name"),
            tags: try input.tagDictionary("tags"),
            artifactLocation: requested,
            actor: context.principal
        )
        var response = MLflowResponse.wrap("experiment_id", .string(experiment.id))
        // The body must stay MLflow's (the client rejects unknown fields), so the notice travels in a header.
        if requested != nil {
            response.headers[HTTPField.Name("Warning")!] =
                #"299 cairn "artifact_location is not used: Cairn stores the artifacts of experiment "#
                + #"\#(experiment.id) at \#(experiment.artifactLocation)""#
        }
        return response
    }

    static func get(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let experiment = try await service.tracking.experiment(
            id: try input.required("experiment_id"),
            actor: context.principal
        )
        return MLflowResponse.wrap("experiment", MLflowEntities.experiment(experiment))
    }

    static func getByName(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let experiment = try await service.tracking.experiment(
            named: try input.required("experiment_name"),
            actor: context.principal
        )
        return MLflowResponse.wrap("experiment", MLflowEntities.experiment(experiment))
    }

    static func search(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let page = try await service.tracking.searchExperiments(
            stages: try viewType(input.string("view_type")),
            clauses: try MLflowFilterParser.parse(input.string("filter"), schema: .experiments),
            order: try MLflowFilterParser.parseOrder(input.strings("order_by"), schema: .experiments),
            pageToken: try input.pageToken(),
            limit: try input.limit(default: 1000, max: 50_000),
            actor: context.principal
        )
        var object = JSONObject()
        object.set("experiments", list: page.items.map(MLflowEntities.experiment))
        object.set("next_page_token", page.nextPageToken)
        return MLflowResponse.json(object)
    }

    static func update(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let id = try input.required("experiment_id")
        if let newName = try input.string("new_name"), !newName.isEmpty {
            _ = try await service.tracking.renameExperiment(id: id, to: newName, actor: context.principal)
        } else {
            _ = try await service.tracking.experiment(id: id, actor: context.principal)
        }
        return MLflowResponse.empty
    }

    static func setTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.tracking.setExperimentTag(
            id: try input.required("experiment_id"),
            key: try input.required("key"),
            value: try input.string("value") ?? "",
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func deleteTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.tracking.deleteExperimentTag(
            id: try input.required("experiment_id"),
            key: try input.required("key"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func delete(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.tracking.deleteExperiment(id: try input.required("experiment_id"), actor: context.principal)
        return MLflowResponse.empty
    }

    static func restore(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.tracking.restoreExperiment(id: try input.required("experiment_id"), actor: context.principal)
        return MLflowResponse.empty
    }

    /// `view_type` / `run_view_type`: `ACTIVE_ONLY` (default), `DELETED_ONLY` or `ALL`.
    static func viewType(_ text: String?) throws -> Set<LifecycleStage> {
        switch text?.uppercased() ?? "ACTIVE_ONLY" {
        case "", "ACTIVE_ONLY", "1": return [.active]
        case "DELETED_ONLY", "2": return [.deleted]
        case "ALL", "3": return [.active, .deleted]
        default:
            throw RegistryError.badValue(
                "Invalid view type '\(text ?? "")'. Use one of ACTIVE_ONLY, DELETED_ONLY, ALL."
            )
        }
    }
}
