import CairnCore
import CairnHTTP
import Foundation
import Hummingbird

/// `runs/*` and `metrics/get-history`. Every call that names a run accepts `run_id` or the legacy `run_uuid`.
enum MLflowRunRoutes {
    static let routes: [MLflowRoute] = [
        MLflowRoute(.post, "runs/create", .requires(.write), create),
        MLflowRoute(.get, "runs/get", .requires(.read), get),
        MLflowRoute(.post, "runs/update", .requires(.write), update),
        MLflowRoute(.post, "runs/delete", .requires(.write), delete),
        MLflowRoute(.post, "runs/restore", .requires(.write), restore),
        MLflowRoute(.post, "runs/search", .requires(.read), search),
        MLflowRoute(.post, "runs/log-parameter", .requires(.write), logParameter),
        MLflowRoute(.post, "runs/log-metric", .requires(.write), logMetric),
        MLflowRoute(.post, "runs/log-batch", .requires(.write), logBatch),
        MLflowRoute(.post, "runs/set-tag", .requires(.write), setTag),
        MLflowRoute(.post, "runs/delete-tag", .requires(.write), deleteTag),
        MLflowRoute(.post, "runs/log-inputs", .requires(.write), logInputs),
        MLflowRoute(.post, "runs/outputs", .requires(.write), logOutputs),
        MLflowRoute(.post, "runs/log-model", .requires(.write), logModel),
        MLflowRoute(.get, "metrics/get-history", .requires(.read), metricHistory),
    ]

    static let runKeys = ["run_id", "run_uuid"]

    static func create(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let run = try await service.tracking.createRun(
            experimentID: try input.string("experiment_id").flatMap { $0.isEmpty ? nil : $0 } ?? "0",
            name: try input.string("run_name").flatMap { $0.isEmpty ? nil : $0 },
            userID: try input.string("user_id") ?? "",
            startTime: try input.int64("start_time"),
            tags: try input.tagDictionary("tags"),
            actor: context.principal
        )
        return MLflowResponse.wrap("run", MLflowEntities.run(run))
    }

    static func get(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let run = try await service.tracking.run(id: try input.required(anyOf: runKeys), actor: context.principal)
        return MLflowResponse.wrap("run", MLflowEntities.run(run))
    }

    static func update(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let status = try input.string("status").map { text in
            guard let status = RunStatus(rawValue: text.uppercased()) else {
                throw RegistryError.badValue(
                    "Invalid run status '\(text)'. Use one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED."
                )
            }
            return status
        }
        let run = try await service.tracking.updateRun(
            id: try input.required(anyOf: runKeys),
            status: status,
            endTime: try input.int64("end_time"),
            name: try input.string("run_name").flatMap { $0.isEmpty ? nil : $0 },
            actor: context.principal
        )
        return MLflowResponse.wrap("run_info", MLflowEntities.runInfo(run))
    }

    static func delete(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.tracking.deleteRun(id: try input.required(anyOf: runKeys), actor: context.principal)
        return MLflowResponse.empty
    }

    static func restore(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.tracking.restoreRun(id: try input.required(anyOf: runKeys), actor: context.principal)
        return MLflowResponse.empty
    }

    static func search(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let page = try await service.tracking.searchRuns(
            experimentIDs: try input.strings("experiment_ids"),
            stages: try MLflowExperimentRoutes.viewType(input.string("run_view_type")),
            clauses: try MLflowFilterParser.parse(input.string("filter"), schema: .runs),
            order: try MLflowFilterParser.parseOrder(input.strings("order_by"), schema: .runs),
            pageToken: try input.pageToken(),
            limit: try input.limit(default: 1000, max: 50_000),
            actor: context.principal
        )
        var object = JSONObject()
        object.set("runs", list: page.items.map(MLflowEntities.run))
        object.set("next_page_token", page.nextPageToken)
        return MLflowResponse.json(object)
    }

    static func logParameter(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let (key, value) = (try input.required("key"), try input.string("value") ?? "")
        try await service.tracking.logBatch(
            runID: try input.required(anyOf: runKeys),
            metrics: [],
            params: [key: value],
            tags: [:],
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func logMetric(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let runID = try input.required(anyOf: runKeys)
        try await service.tracking.logBatch(
            runID: runID,
            metrics: [try metric(input, runID: runID)],
            params: [:],
            tags: [:],
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func logBatch(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let runID = try input.required(anyOf: runKeys)
        try await service.tracking.logBatch(
            runID: runID,
            metrics: try input.objects("metrics").map { try metric($0, runID: runID) },
            params: try input.tagDictionary("params"),
            tags: try input.tagDictionary("tags"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    /// One metric point: `key`, `value` (number or "NaN"/"Infinity"), `timestamp` (default now), `step` (default 0),
    /// `model_id` when logged against a logged model, `dataset_name` and `dataset_digest` when computed on a dataset.
    static func metric(_ input: MLflowInput, runID: String) throws -> MetricPoint {
        guard let value = try input.double("value") else { throw RegistryError.missing("value") }
        return MetricPoint(
            key: try input.required("key"),
            value: value,
            timestamp: try input.int64("timestamp") ?? Date().millis,
            step: try input.int64("step") ?? 0,
            modelID: try input.string("model_id").flatMap { $0.isEmpty ? nil : $0 },
            runID: runID,
            datasetName: try input.string("dataset_name").flatMap { $0.isEmpty ? nil : $0 },
            datasetDigest: try input.string("dataset_digest").flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    static func setTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let (key, value) = (try input.required("key"), try input.string("value") ?? "")
        try await service.tracking.logBatch(
            runID: try input.required(anyOf: runKeys),
            metrics: [],
            params: [:],
            tags: [key: value],
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func deleteTag(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.tracking.deleteRunTag(
            runID: try input.required(anyOf: runKeys),
            key: try input.required("key"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func logInputs(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let inputs = try input.objects("datasets").map { item -> RunInput in
            guard let dataset = try item.object("dataset") else { throw RegistryError.missing("dataset") }
            let record = DatasetRecord(
                name: try dataset.required("name"),
                digest: try dataset.required("digest"),
                sourceType: try dataset.string("source_type") ?? "",
                source: try dataset.string("source") ?? "",
                schema: try dataset.string("schema"),
                profile: try dataset.string("profile")
            )
            return RunInput(
                dataset: record,
                tags: try item.keyValues("tags").map { OrderedTag(key: $0.key, value: $0.value) }
            )
        }
        try await service.tracking.logInputs(
            runID: try input.required(anyOf: runKeys),
            inputs: inputs,
            models: try input.objects("models").map { try $0.required("model_id") },
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func logOutputs(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let outputs = try input.objects("models").map { item in
            RunOutput(modelID: try item.required("model_id"), step: try item.int64("step") ?? 0)
        }
        try await service.tracking.logOutputs(
            runID: try input.required(anyOf: runKeys),
            outputs: outputs,
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    /// The run tag where MLflow 2 clients record each `log_model` (a JSON list of `MLmodel` documents).
    static let modelHistoryTag = "mlflow.log-model.history"

    /// `runs/log-model` (MLflow 2 `log_model`): appends `model_json` to the run's model history tag. The client
    /// only warns when this fails, so it is bookkeeping, not a requirement.
    static func logModel(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let runID = try input.required(anyOf: runKeys)
        let text = try input.required("model_json")
        guard let model = try? JSONSerialization.jsonObject(with: Data(text.utf8)), model is [String: Any] else {
            throw RegistryError.badValue("Parameter 'model_json' must be a JSON object.")
        }
        let run = try await service.tracking.run(id: runID, actor: context.principal)
        var history: [Any] = []
        if let previous = run.tags[modelHistoryTag],
            let list = try? JSONSerialization.jsonObject(with: Data(previous.utf8)) as? [Any]
        {
            history = list
        }
        history.append(model)
        let encoded = try JSONSerialization.data(withJSONObject: history, options: [.sortedKeys])
        try await service.tracking.logBatch(
            runID: runID,
            metrics: [],
            params: [:],
            tags: [modelHistoryTag: String(decoding: encoded, as: UTF8.self)],
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func metricHistory(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let page = try await service.tracking.metricHistory(
            runID: try input.required(anyOf: runKeys),
            key: try input.required("metric_key"),
            pageToken: try input.pageToken(),
            limit: try input.limit(default: 25_000, max: 1_000_000),
            actor: context.principal
        )
        var object = JSONObject()
        object.set("metrics", list: page.items.map { MLflowEntities.metric($0, withIDs: false) })
        if let next = page.nextPageToken { object.set("next_page_token", next) }
        return MLflowResponse.json(object)
    }
}
