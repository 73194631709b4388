import CairnCore
import Foundation

/// Domain values in MLflow's JSON shapes (SPEC §4), with MLflow's omissions: unset fields and empty lists are left
/// out, except run `data`/`inputs`/`outputs` and model-version `description`/`run_link`, which are always present.
enum MLflowEntities {
    /// `[{"key","value"}]`, sorted by key so responses are stable.
    static func tags(_ tags: [String: String]) -> [JSONValue] {
        tags.sorted { $0.key < $1.key }.map { pair(key: $0.key, value: $0.value) }
    }

    static func pair(key: String, value: String) -> JSONValue {
        JSONObject(fields: [("key", .string(key)), ("value", .string(value))]).value
    }

    static func experiment(_ experiment: Experiment) -> JSONValue {
        var object = JSONObject()
        object.set("experiment_id", experiment.id)
        object.set("name", experiment.name)
        object.set("artifact_location", experiment.artifactLocation)
        object.set("lifecycle_stage", experiment.lifecycleStage.rawValue)
        object.set("last_update_time", experiment.updatedAt.millis)
        object.set("creation_time", experiment.createdAt.millis)
        object.set("tags", list: tags(experiment.tags))
        return object.value
    }

    static func metric(_ point: MetricPoint, withIDs: Bool) -> JSONValue {
        var object = JSONObject()
        object.set("key", point.key)
        object.set("value", .double(point.value))
        object.set("timestamp", point.timestamp)
        object.set("step", point.step)
        if withIDs {
            object.set("model_id", point.modelID)
            object.set("run_id", point.runID)
            object.set("dataset_name", point.datasetName)
            object.set("dataset_digest", point.datasetDigest)
        }
        return object.value
    }

    static func runInfo(_ run: Run) -> JSONValue {
        var info = JSONObject()
        info.set("run_uuid", run.id)
        info.set("experiment_id", run.experimentID)
        info.set("run_name", run.name)
        info.set("user_id", run.userID)
        info.set("status", run.status.rawValue)
        info.set("start_time", run.startTime)
        info.set("end_time", run.endTime)
        info.set("artifact_uri", run.artifactURI)
        info.set("lifecycle_stage", run.lifecycleStage.rawValue)
        info.set("run_id", run.id)
        return info.value
    }

    static func run(_ run: Run) -> JSONValue {
        var data = JSONObject()
        let metrics = run.metrics.values.sorted { $0.key < $1.key }
        data.set("metrics", list: metrics.map { metric($0, withIDs: false) })
        data.set("params", list: tags(run.params))
        data.set("tags", list: tags(run.tags))
        var inputs = JSONObject()
        inputs.set("dataset_inputs", list: run.inputs.map(datasetInput))
        inputs.set(
            "model_inputs",
            list: run.modelInputs.map { JSONObject(fields: [("model_id", .string($0))]).value }
        )
        var outputs = JSONObject()
        outputs.set(
            "model_outputs",
            list: run.outputs.map {
                JSONObject(fields: [("model_id", .string($0.modelID)), ("step", .int($0.step))]).value
            }
        )
        var object = JSONObject()
        object.set("info", runInfo(run))
        object.set("data", data.value)
        object.set("inputs", inputs.value)
        object.set("outputs", outputs.value)
        return object.value
    }

    static func datasetInput(_ input: RunInput) -> JSONValue {
        var dataset = JSONObject()
        dataset.set("name", input.dataset.name)
        dataset.set("digest", input.dataset.digest)
        dataset.set("source_type", input.dataset.sourceType)
        dataset.set("source", input.dataset.source)
        dataset.set("schema", input.dataset.schema)
        dataset.set("profile", input.dataset.profile)
        var object = JSONObject()
        object.set("tags", list: input.tags.map { pair(key: $0.key, value: $0.value) })
        object.set("dataset", dataset.value)
        return object.value
    }

    static func loggedModel(_ model: LoggedModel) -> JSONValue {
        var info = JSONObject()
        info.set("model_id", model.id)
        info.set("experiment_id", model.experimentID)
        info.set("name", model.name)
        info.set("creation_timestamp_ms", model.createdAt.millis)
        info.set("last_updated_timestamp_ms", model.updatedAt.millis)
        info.set("artifact_uri", model.artifactLocation)
        info.set("status", model.status.rawValue)
        info.set("model_type", .string(model.modelType))
        info.set("source_run_id", model.sourceRunID)
        info.set("tags", list: tags(model.tags))
        var data = JSONObject()
        data.set("params", list: tags(model.params))
        data.set("metrics", list: model.metrics.map { metric($0, withIDs: true) })
        var object = JSONObject()
        object.set("info", info.value)
        object.set("data", data.value)
        return object.value
    }

    /// MLflow's registration states.
    static func status(_ status: VersionStatus) -> String {
        switch status {
        case .pending: "PENDING_REGISTRATION"
        case .ready: "READY"
        case .failed: "FAILED_REGISTRATION"
        }
    }

    /// A model version; `aliases` only where MLflow shows them (get, alias lookup), never in searches. Beyond what
    /// MLflow's own server sends (the proto has these fields; MLflow 3.18 leaves them empty): `user_id`, the account
    /// that registered it (the client reads it into `ModelVersion.user_id`); `model_id`, the logged model it was
    /// registered from (`models:/m-…` sources); and `model_params` / `model_metrics`, the params and metrics its
    /// lineage sealed at registration (no extra read: they are part of the version).
    static func modelVersion(_ version: ModelVersion, aliases: [ModelAlias] = []) -> JSONValue {
        var object = JSONObject()
        object.set("name", version.modelName)
        object.set("version", String(version.number))
        object.set("creation_timestamp", version.createdAt.millis)
        object.set("last_updated_timestamp", version.updatedAt.millis)
        if !version.createdBy.isEmpty { object.set("user_id", version.createdBy) }
        object.set("current_stage", version.stage.rawValue)
        object.set("description", .string(version.description))
        object.set("source", version.lineage.source)
        object.set("run_id", version.lineage.runID.flatMap { $0.isEmpty ? nil : $0 })
        let modelID = CatalogService.loggedModelID(of: version.lineage.source)
        object.set("model_id", modelID)
        let lineage = version.lineage
        object.set(
            "model_params",
            list: lineage.params.sorted { $0.key < $1.key }.map {
                JSONObject(fields: [("name", .string($0.key)), ("value", .string($0.value))]).value
            }
        )
        object.set(
            "model_metrics",
            list: lineage.metrics.sorted { $0.key < $1.key }.map { metric in
                var object = JSONObject()
                object.set("key", metric.key)
                object.set("value", .double(metric.value))
                object.set("model_id", modelID)
                object.set("run_id", lineage.runID.flatMap { $0.isEmpty ? nil : $0 })
                return object.value
            }
        )
        object.set("status", status(version.status))
        if !version.statusMessage.isEmpty { object.set("status_message", version.statusMessage) }
        object.set("tags", list: tags(version.tags))
        object.set("run_link", .string(version.lineage.runLink ?? ""))
        let names = aliases.filter { $0.version == version.number }.map(\.alias).sorted()
        object.set("aliases", list: names.map { .string($0) })
        return object.value
    }

    static func registeredModel(
        _ model: RegisteredModel,
        latest: [ModelVersion],
        aliases: [ModelAlias]
    ) -> JSONValue {
        var object = JSONObject()
        object.set("name", model.name)
        object.set("creation_timestamp", model.createdAt.millis)
        object.set("last_updated_timestamp", model.updatedAt.millis)
        if !model.description.isEmpty { object.set("description", model.description) }
        object.set("latest_versions", list: latest.sorted { $0.number < $1.number }.map { modelVersion($0) })
        object.set("tags", list: tags(model.tags))
        object.set(
            "aliases",
            list: aliases.sorted { $0.alias < $1.alias }.map {
                JSONObject(fields: [("alias", .string($0.alias)), ("version", .string(String($0.version)))]).value
            }
        )
        return object.value
    }
}
