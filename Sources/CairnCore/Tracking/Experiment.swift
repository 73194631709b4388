import Foundation

/// Whether an experiment, run or logged model is live or soft-deleted (restorable).
public enum LifecycleStage: String, Hashable, Sendable, Codable, CaseIterable {
    case active
    case deleted
}

/// A named group of runs, as in MLflow. Tracking exists in Cairn for lineage: a version registered from a run can
/// answer which data, params and code produced it.
public struct Experiment: Hashable, Sendable {
    /// A decimal string: "0" is the Default experiment, then "1", "2"… (MLflow's format).
    public var id: String
    public var name: String
    /// Where the experiment's artifacts live: `mlflow-artifacts:/<id>`.
    public var artifactLocation: String
    public var lifecycleStage: LifecycleStage
    public var tags: [String: String]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        name: String,
        artifactLocation: String,
        lifecycleStage: LifecycleStage = .active,
        tags: [String: String] = [:],
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.artifactLocation = artifactLocation
        self.lifecycleStage = lifecycleStage
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
