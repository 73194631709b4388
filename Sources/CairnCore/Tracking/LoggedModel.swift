import Foundation

/// MLflow 3's logged-model states.
public enum LoggedModelStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case uploadFailed = "LOGGED_MODEL_UPLOAD_FAILED"
}

/// A model logged by a run (MLflow 3): its files live under its own artifact location, and registering it snapshots
/// those files into a sealed version.
public struct LoggedModel: Hashable, Sendable {
    /// `m-` followed by 32 lowercase hex digits.
    public var id: String
    public var experimentID: String
    public var name: String
    public var sourceRunID: String?
    public var status: LoggedModelStatus
    public var modelType: String
    /// `mlflow-artifacts:/<experiment>/models/<id>/artifacts`.
    public var artifactLocation: String
    public var params: [String: String]
    public var tags: [String: String]
    public var metrics: [MetricPoint]
    public var lifecycleStage: LifecycleStage
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        experimentID: String,
        name: String,
        sourceRunID: String? = nil,
        status: LoggedModelStatus = .pending,
        modelType: String = "",
        artifactLocation: String,
        params: [String: String] = [:],
        tags: [String: String] = [:],
        metrics: [MetricPoint] = [],
        lifecycleStage: LifecycleStage = .active,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.sourceRunID = sourceRunID
        self.status = status
        self.modelType = modelType
        self.artifactLocation = artifactLocation
        self.params = params
        self.tags = tags
        self.metrics = metrics
        self.lifecycleStage = lifecycleStage
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One file of the tracking artifact tree (`mlflow-artifacts:/…`): a server-validated relative path bound to a blob.
/// Paths follow ``ManifestPath`` rules; storage is by digest, so a path never reaches the file system.
public struct ArtifactEntry: Hashable, Sendable {
    public var path: String
    public var digest: Digest
    public var size: Int64
    public var updatedAt: Date

    public init(path: String, digest: Digest, size: Int64, updatedAt: Date) {
        self.path = path
        self.digest = digest
        self.size = size
        self.updatedAt = updatedAt
    }
}
