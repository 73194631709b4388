import Foundation

/// The lifecycle of a version's files.
public enum VersionStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Created; files may be uploaded. Not resolvable.
    case pending = "PENDING"
    /// Finalized: the manifest is sealed and the files can never change.
    case ready = "READY"
    /// Abandoned (never finalized in time) or failed. Never becomes `READY`.
    case failed = "FAILED"
}

/// The promotion stage of a version.
public enum Stage: String, Hashable, Sendable, Codable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Parses a stage name case-insensitively (`production`, `Production`).
    public init?(caseInsensitive text: String) {
        guard let stage = Stage.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            return nil
        }
        self = stage
    }
}

/// A dataset a version was trained or evaluated on.
public struct DatasetReference: Hashable, Sendable, Codable {
    public var name: String
    /// A content digest of the dataset, in whatever form the producer computed it.
    public var digest: String
    public var uri: String?
    /// What the dataset was used for (`training`, `evaluation`…).
    public var context: String?

    public init(name: String, digest: String, uri: String? = nil, context: String? = nil) {
        self.name = name
        self.digest = digest
        self.uri = uri
        self.context = context
    }
}

/// The input and output schema of a model, each a JSON document (for example MLflow's column specs).
public struct ModelSignature: Hashable, Sendable, Codable {
    public var inputs: String?
    public var outputs: String?
    /// The inference params schema (MLflow 2.6 and later).
    public var params: String?

    public init(inputs: String? = nil, outputs: String? = nil, params: String? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        self.params = params
    }
}

/// The lineage a version is created with. Immutable once the version exists.
public struct VersionLineage: Hashable, Sendable, Codable {
    /// Where the files came from (informational; Cairn never reads from it).
    public var source: String?
    public var runID: String?
    public var runLink: String?
    public var datasets: [DatasetReference]
    public var params: [String: String]
    public var metrics: [String: Double]
    public var signature: ModelSignature?
    /// The latest value of each metric of the run ``runID`` names, copied when the version was sealed (`READY`):
    /// the evidence a `metrics_source: run` gate reads, so metrics logged to the run later change no verdict.
    /// `nil` when the version names no run (or was sealed before run metrics were frozen).
    public var runMetrics: [String: Double]? = nil

    public init(
        source: String? = nil,
        runID: String? = nil,
        runLink: String? = nil,
        datasets: [DatasetReference] = [],
        params: [String: String] = [:],
        metrics: [String: Double] = [:],
        signature: ModelSignature? = nil,
        runMetrics: [String: Double]? = nil
    ) {
        self.source = source
        self.runID = runID
        self.runLink = runLink
        self.datasets = datasets
        self.params = params
        self.metrics = metrics
        self.signature = signature
        self.runMetrics = runMetrics
    }

    /// ``runMetrics`` is sealed state kept apart from the immutable lineage document (stores persist it on its own).
    enum CodingKeys: String, CodingKey {
        case source, runID, runLink, datasets, params, metrics, signature
    }
}

/// A numbered version of a registered model.
///
/// Numbers start at 1 per model and are never reused. Lineage and files are immutable; description, tags and stage
/// may change, and every change is recorded in the event log.
public struct ModelVersion: Hashable, Sendable {
    public var id: String
    public var modelID: String
    /// The model's name at the time of reading.
    public var modelName: String
    public var number: Int
    public var status: VersionStatus
    public var statusMessage: String
    public var stage: Stage
    public var description: String
    public var tags: [String: String]
    public var lineage: VersionLineage
    /// Set when the version becomes `READY`.
    public var manifest: Manifest?
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var updatedBy: String

    public init(
        id: String,
        modelID: String,
        modelName: String,
        number: Int,
        status: VersionStatus = .pending,
        statusMessage: String = "",
        stage: Stage = .none,
        description: String = "",
        tags: [String: String] = [:],
        lineage: VersionLineage = VersionLineage(),
        manifest: Manifest? = nil,
        createdBy: String,
        createdAt: Date,
        updatedAt: Date,
        updatedBy: String
    ) {
        self.id = id
        self.modelID = modelID
        self.modelName = modelName
        self.number = number
        self.status = status
        self.statusMessage = statusMessage
        self.stage = stage
        self.description = description
        self.tags = tags
        self.lineage = lineage
        self.manifest = manifest
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// A movable, named pointer to a version of one model (`champion`).
public struct ModelAlias: Hashable, Sendable, Codable {
    public var alias: String
    public var version: Int

    public init(alias: String, version: Int) {
        self.alias = alias
        self.version = version
    }
}
