import CairnCore

/// Row ↔ tracking domain mapping (experiments, runs, metrics, inputs, logged models, artifacts).
enum TrackingRows {
    static let experimentColumns = "e.id, e.name, e.artifact_location, e.lifecycle_stage, e.created_at, e.updated_at"

    static let runColumns = """
        r.id, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time, r.lifecycle_stage, r.artifact_uri
        """

    static let loggedModelColumns = """
        l.id, l.experiment_id, l.name, l.source_run_id, l.status, l.model_type, l.artifact_location, \
        l.lifecycle_stage, l.created_at, l.updated_at
        """

    /// The columns of a metric point, in `run_metrics` and `run_latest_metrics`, after `run_id`.
    static let metricColumns = "key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest"

    static func experiment(_ row: SQLRow, tags: [String: String]) throws -> Experiment {
        Experiment(
            id: try row.text("id"),
            name: try row.text("name"),
            artifactLocation: try row.text("artifact_location"),
            lifecycleStage: try stage(row),
            tags: tags,
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }

    /// A run without its params, tags, metrics, inputs and outputs.
    static func run(_ row: SQLRow) throws -> Run {
        let statusText = try row.text("status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw SQLRow.mismatch("status", "holds the unknown run status '\(statusText)'")
        }
        return Run(
            id: try row.text("id"),
            experimentID: try row.text("experiment_id"),
            name: try row.text("name"),
            userID: try row.text("user_id"),
            status: status,
            startTime: try row.optionalInt64("start_time"),
            endTime: try row.optionalInt64("end_time"),
            lifecycleStage: try stage(row),
            artifactURI: try row.text("artifact_uri")
        )
    }

    /// A logged model without its params, tags and metrics.
    static func loggedModel(_ row: SQLRow) throws -> LoggedModel {
        let statusText = try row.text("status")
        guard let status = LoggedModelStatus(rawValue: statusText) else {
            throw SQLRow.mismatch("status", "holds the unknown logged-model status '\(statusText)'")
        }
        return LoggedModel(
            id: try row.text("id"),
            experimentID: try row.text("experiment_id"),
            name: try row.text("name"),
            sourceRunID: try row.optionalText("source_run_id"),
            status: status,
            modelType: try row.text("model_type"),
            artifactLocation: try row.text("artifact_location"),
            lifecycleStage: try stage(row),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }

    /// A metric point of a row selecting `run_id` and ``metricColumns``.
    static func metric(_ row: SQLRow) throws -> MetricPoint {
        MetricPoint(
            key: try row.text("key"),
            value: try row.int64("is_nan") != 0 ? .nan : try row.double("value"),
            timestamp: try row.int64("timestamp"),
            step: try row.int64("step"),
            modelID: try row.optionalText("model_id"),
            runID: try row.text("run_id"),
            datasetName: try row.optionalText("dataset_name"),
            datasetDigest: try row.optionalText("dataset_digest")
        )
    }

    /// The binds of ``metricColumns`` for `point`: NaN is stored as 0 with `is_nan = 1` (SQLite stores NaN as NULL).
    static func metricBinds(_ point: MetricPoint) -> [SQLValue] {
        [
            .text(point.key), .real(point.value.isNaN ? 0 : point.value), .integer(point.value.isNaN ? 1 : 0),
            .integer(point.timestamp), .integer(point.step), .text(point.modelID), .text(point.datasetName),
            .text(point.datasetDigest),
        ]
    }

    static func input(_ row: SQLRow, _ json: JSONCodec) throws -> RunInput {
        RunInput(
            dataset: DatasetRecord(
                name: try row.text("dataset_name"),
                digest: try row.text("dataset_digest"),
                sourceType: try row.text("dataset_source_type"),
                source: try row.text("dataset_source"),
                schema: try row.optionalText("dataset_schema"),
                profile: try row.optionalText("dataset_profile")
            ),
            tags: try json.decode([OrderedTag].self, try row.text("tags_json"), column: "tags_json")
        )
    }

    static func artifact(_ row: SQLRow) throws -> ArtifactEntry {
        let digestText = try row.text("digest")
        guard let digest = try? Digest(parsing: digestText) else {
            throw SQLRow.mismatch("digest", "holds '\(digestText.prefix(80))', which is not a SHA-256 digest")
        }
        return ArtifactEntry(
            path: try row.text("path"),
            digest: digest,
            size: try row.int64("size"),
            updatedAt: try row.date("updated_at")
        )
    }

    private static func stage(_ row: SQLRow) throws -> LifecycleStage {
        let text = try row.text("lifecycle_stage")
        guard let stage = LifecycleStage(rawValue: text) else {
            throw SQLRow.mismatch("lifecycle_stage", "holds the unknown lifecycle stage '\(text)'")
        }
        return stage
    }
}
