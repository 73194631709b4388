import Foundation

/// MLflow's run states.
public enum RunStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    /// Whether the run has ended (`FINISHED`, `FAILED` or `KILLED`).
    public var isTerminal: Bool { self == .finished || self == .failed || self == .killed }
}

/// One logged value of a metric. Metrics keep their whole history; a run shows the latest value per key.
/// A dataset of a logged-model search (`search_logged_models(datasets=[{"dataset_name", "dataset_digest"}])`): a
/// name, and optionally the digest of one version of it.
public struct DatasetFilter: Hashable, Sendable {
    public var name: String
    public var digest: String?

    public init(name: String, digest: String? = nil) {
        self.name = name
        self.digest = digest
    }

    /// Whether `point` was computed on this dataset.
    public func matches(_ point: MetricPoint) -> Bool {
        point.datasetName == name && (digest == nil || point.datasetDigest == digest)
    }
}

public struct MetricPoint: Hashable, Sendable, Codable {
    public var key: String
    /// May be NaN or ±infinity, as MLflow allows.
    public var value: Double
    /// Unix milliseconds, as sent by the client.
    public var timestamp: Int64
    public var step: Int64
    /// Set when the metric was logged against a logged model (MLflow 3).
    public var modelID: String?
    public var runID: String?
    /// The dataset the metric was computed on (`log_metric(..., dataset=…)`, `mlflow.evaluate`): its name and digest.
    public var datasetName: String?
    public var datasetDigest: String?

    public init(
        key: String,
        value: Double,
        timestamp: Int64,
        step: Int64 = 0,
        modelID: String? = nil,
        runID: String? = nil,
        datasetName: String? = nil,
        datasetDigest: String? = nil
    ) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
        self.modelID = modelID
        self.runID = runID
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }

    /// A logged model's metrics: the latest point (``isNewer(than:)``) of each key *and dataset*, so evaluations of one
    /// model on several datasets all show; sorted by key (UTF-8), then dataset name and digest (none first).
    public static func latestPerKeyAndDataset(_ points: [MetricPoint]) -> [MetricPoint] {
        struct Series: Hashable {
            var key: String
            var name: String?
            var digest: String?
        }
        var latest: [Series: MetricPoint] = [:]
        for point in points {
            let series = Series(key: point.key, name: point.datasetName, digest: point.datasetDigest)
            if let current = latest[series], !point.isNewer(than: current) { continue }
            latest[series] = point
        }
        return latest.values.sorted { a, b in
            if a.key != b.key { return a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
            if a.datasetName != b.datasetName { return (a.datasetName ?? "") < (b.datasetName ?? "") }
            return (a.datasetDigest ?? "") < (b.datasetDigest ?? "")
        }
    }

    /// MLflow's rule for "latest": the highest step, then the highest timestamp, then the highest value.
    public func isNewer(than other: MetricPoint) -> Bool {
        if step != other.step { return step > other.step }
        if timestamp != other.timestamp { return timestamp > other.timestamp }
        return value > other.value || (other.value.isNaN && !value.isNaN)
    }
}

/// A dataset as MLflow's `log_input` describes it. `source`, `schema` and `profile` are JSON documents as text.
public struct DatasetRecord: Hashable, Sendable, Codable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?

    public init(
        name: String,
        digest: String,
        sourceType: String,
        source: String,
        schema: String? = nil,
        profile: String? = nil
    ) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}

/// A key/value tag where order matters (MLflow returns input tags in the order given).
public struct OrderedTag: Hashable, Sendable, Codable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A dataset a run used, with tags such as `mlflow.data.context = training`.
public struct RunInput: Hashable, Sendable, Codable {
    public var dataset: DatasetRecord
    public var tags: [OrderedTag]
    public init(dataset: DatasetRecord, tags: [OrderedTag] = []) {
        self.dataset = dataset
        self.tags = tags
    }
}

/// A logged model a run produced (MLflow 3 `runs/outputs`).
public struct RunOutput: Hashable, Sendable, Codable {
    public var modelID: String
    public var step: Int64
    public init(modelID: String, step: Int64 = 0) {
        self.modelID = modelID
        self.step = step
    }
}

/// A training run: its identity and state. Params, tags, metrics, inputs (datasets and models) and outputs are read
/// with it.
public struct Run: Hashable, Sendable {
    /// 32 lowercase hex digits.
    public var id: String
    public var experimentID: String
    public var name: String
    public var userID: String
    public var status: RunStatus
    /// Unix milliseconds (client-supplied).
    public var startTime: Int64?
    public var endTime: Int64?
    public var lifecycleStage: LifecycleStage
    /// `mlflow-artifacts:/<experiment>/<run>/artifacts`.
    public var artifactURI: String
    public var params: [String: String]
    public var tags: [String: String]
    /// The latest point per key.
    public var metrics: [String: MetricPoint]
    public var inputs: [RunInput]
    /// Logged models the run used as inputs (MLflow 3's `log_inputs(models=…)`), by id, in logging order.
    public var modelInputs: [String]
    public var outputs: [RunOutput]

    public init(
        id: String,
        experimentID: String,
        name: String,
        userID: String,
        status: RunStatus = .running,
        startTime: Int64? = nil,
        endTime: Int64? = nil,
        lifecycleStage: LifecycleStage = .active,
        artifactURI: String,
        params: [String: String] = [:],
        tags: [String: String] = [:],
        metrics: [String: MetricPoint] = [:],
        inputs: [RunInput] = [],
        modelInputs: [String] = [],
        outputs: [RunOutput] = []
    ) {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.userID = userID
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.lifecycleStage = lifecycleStage
        self.artifactURI = artifactURI
        self.params = params
        self.tags = tags
        self.metrics = metrics
        self.inputs = inputs
        self.modelInputs = modelInputs
        self.outputs = outputs
    }
}
