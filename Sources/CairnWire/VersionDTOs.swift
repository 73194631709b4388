import Foundation

/// A dataset in a version's lineage.
public struct DatasetDTO: Codable, Sendable, Hashable {
    public var name: String
    public var digest: String
    public var uri: String?
    public var context: String?
    public init(name: String, digest: String, uri: String? = nil, context: String? = nil) {
        self.name = name
        self.digest = digest
        self.uri = uri
        self.context = context
    }
}

/// Input, output and params schema, each a JSON document as text (MLflow's `ModelSignature.to_dict()`).
public struct SignatureDTO: Codable, Sendable, Hashable {
    public var inputs: String?
    public var outputs: String?
    public var params: String?
    public init(inputs: String? = nil, outputs: String? = nil, params: String? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        self.params = params
    }
}

/// A model version.
public struct VersionDTO: Codable, Sendable, Hashable {
    public var model: String
    public var version: Int
    public var id: String
    /// `PENDING`, `READY` or `FAILED`.
    public var status: String
    public var statusMessage: String
    /// `None`, `Staging`, `Production` or `Archived`.
    public var stage: String
    public var description: String
    public var tags: [String: String]
    public var source: String?
    public var runId: String?
    public var runLink: String?
    public var datasets: [DatasetDTO]
    public var params: [String: String]
    public var metrics: [String: Double]
    public var signature: SignatureDTO?
    /// Set once `READY`: the SHA-256 of the sealed manifest.
    public var manifestDigest: String?
    public var fileCount: Int?
    public var totalSize: Int64?
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date

    public init(
        model: String,
        version: Int,
        id: String,
        status: String,
        statusMessage: String,
        stage: String,
        description: String,
        tags: [String: String],
        source: String?,
        runId: String?,
        runLink: String?,
        datasets: [DatasetDTO],
        params: [String: String],
        metrics: [String: Double],
        signature: SignatureDTO?,
        manifestDigest: String?,
        fileCount: Int?,
        totalSize: Int64?,
        createdBy: String,
        createdAt: Date,
        updatedBy: String,
        updatedAt: Date
    ) {
        self.model = model
        self.version = version
        self.id = id
        self.status = status
        self.statusMessage = statusMessage
        self.stage = stage
        self.description = description
        self.tags = tags
        self.source = source
        self.runId = runId
        self.runLink = runLink
        self.datasets = datasets
        self.params = params
        self.metrics = metrics
        self.signature = signature
        self.manifestDigest = manifestDigest
        self.fileCount = fileCount
        self.totalSize = totalSize
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// `POST /api/v1/models/{name}/versions`. Every field is optional.
public struct CreateVersionRequest: Codable, Sendable, Hashable {
    public var description: String?
    public var tags: [String: String]?
    public var source: String?
    public var runId: String?
    public var runLink: String?
    public var datasets: [DatasetDTO]?
    public var params: [String: String]?
    public var metrics: [String: Double]?
    public var signature: SignatureDTO?

    public init(
        description: String? = nil,
        tags: [String: String]? = nil,
        source: String? = nil,
        runId: String? = nil,
        runLink: String? = nil,
        datasets: [DatasetDTO]? = nil,
        params: [String: String]? = nil,
        metrics: [String: Double]? = nil,
        signature: SignatureDTO? = nil
    ) {
        self.description = description
        self.tags = tags
        self.source = source
        self.runId = runId
        self.runLink = runLink
        self.datasets = datasets
        self.params = params
        self.metrics = metrics
        self.signature = signature
    }
}

/// `GET /api/v1/models/{name}/versions`.
public struct VersionListDTO: Codable, Sendable, Hashable {
    public var versions: [VersionDTO]
    public var nextPageToken: String?
    public init(versions: [VersionDTO], nextPageToken: String?) {
        self.versions = versions
        self.nextPageToken = nextPageToken
    }
}

/// One file of a version.
public struct FileDTO: Codable, Sendable, Hashable {
    public var path: String
    /// `sha256:<hex>`.
    public var digest: String
    public var size: Int64
    public var mediaType: String
    public init(path: String, digest: String, size: Int64, mediaType: String) {
        self.path = path
        self.digest = digest
        self.size = size
        self.mediaType = mediaType
    }
}

/// `GET /api/v1/models/{name}/versions/{version}/files`: the sealed manifest, or the files uploaded so far.
public struct ManifestDTO: Codable, Sendable, Hashable {
    public var model: String
    public var version: Int
    /// True once the version is `READY`: the list can never change.
    public var sealed: Bool
    /// The manifest digest, when sealed.
    public var digest: String?
    public var totalSize: Int64
    public var files: [FileDTO]
    public init(model: String, version: Int, sealed: Bool, digest: String?, totalSize: Int64, files: [FileDTO]) {
        self.model = model
        self.version = version
        self.sealed = sealed
        self.digest = digest
        self.totalSize = totalSize
        self.files = files
    }
}

/// `GET /api/v1/resolve?uri=…`: the version a `models:/` URI means now, with its manifest.
public struct ResolveDTO: Codable, Sendable, Hashable {
    public var uri: String
    public var version: VersionDTO
    public var manifest: ManifestDTO
    public init(uri: String, version: VersionDTO, manifest: ManifestDTO) {
        self.uri = uri
        self.version = version
        self.manifest = manifest
    }
}

/// One entry of the event log.
public struct EventDTO: Codable, Sendable, Hashable {
    public var sequence: Int64
    public var time: Date
    public var actor: String
    public var action: String
    public var subject: String
    /// The event's details, as JSON text.
    public var payload: String
    public var prevHash: String
    public var hash: String
    /// The id of the model the event concerns (part of the hash when present).
    public var modelId: String?
    public init(
        sequence: Int64,
        time: Date,
        actor: String,
        action: String,
        subject: String,
        payload: String,
        prevHash: String,
        hash: String,
        modelId: String? = nil
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.subject = subject
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
        self.modelId = modelId
    }
}

/// `GET /api/v1/events`.
public struct EventListDTO: Codable, Sendable, Hashable {
    public var events: [EventDTO]
    /// The `after` of the next request: the last event the server examined, matching the filter or not.
    public var nextAfter: Int64?
    public init(events: [EventDTO], nextAfter: Int64? = nil) {
        self.events = events
        self.nextAfter = nextAfter
    }
}
