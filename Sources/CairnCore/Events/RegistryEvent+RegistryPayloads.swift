/// The payloads of the catalogue's registry and governance events: models, versions, aliases, policies and
/// transitions, and the small shapes several events share.
extension RegistryEvent {
    /// A payload with nothing in it (`{}`).
    public struct Empty: Hashable, Sendable, Codable {
        public init() {}
    }

    /// The id of what the event is about.
    public struct Identified: Hashable, Sendable, Codable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    /// The name of what the event is about.
    public struct Named: Hashable, Sendable, Codable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct DescriptionChanged: Hashable, Sendable, Codable {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// A rename; `id` is set for models (their id follows them), absent for experiments (whose id is the subject).
    public struct Renamed: Hashable, Sendable, Codable {
        public var from: String
        public var to: String
        public var id: String?
        public init(from: String, to: String, id: String? = nil) {
            self.from = from
            self.to = to
            self.id = id
        }
    }

    public struct TagSet: Hashable, Sendable, Codable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public struct TagDeleted: Hashable, Sendable, Codable {
        public var key: String
        public init(key: String) { self.key = key }
    }

    public struct ModelCreated: Hashable, Sendable, Codable {
        public var id: String
        public var description: String
        public var tags: [String: String]
        public init(id: String, description: String, tags: [String: String]) {
            self.id = id
            self.description = description
            self.tags = tags
        }
    }

    /// A version created empty (`PENDING`), for files to be uploaded and sealed. Empty strings stand for no run or
    /// source, as the log has always held them.
    public struct VersionCreated: Hashable, Sendable, Codable {
        public var id: String
        public var runID: String
        public var source: String
        public init(id: String, runID: String, source: String) {
            self.id = id
            self.runID = runID
            self.source = source
        }
        enum CodingKeys: String, CodingKey {
            case id, source
            case runID = "run_id"
        }
    }

    /// A version registered and sealed in one step from a source (MLflow's `create_model_version`).
    public struct VersionRegistered: Hashable, Sendable, Codable {
        public var id: String
        public var source: String
        public var runID: String
        public var files: Int
        public var manifestDigest: String
        public var runMetrics: [String: Double]
        public init(
            id: String,
            source: String,
            runID: String,
            files: Int,
            manifestDigest: String,
            runMetrics: [String: Double]
        ) {
            self.id = id
            self.source = source
            self.runID = runID
            self.files = files
            self.manifestDigest = manifestDigest
            self.runMetrics = runMetrics
        }
        enum CodingKeys: String, CodingKey {
            case id, source, files
            case runID = "run_id"
            case manifestDigest = "manifest_digest"
            case runMetrics = "run_metrics"
        }
    }

    public struct FileUploaded: Hashable, Sendable, Codable {
        public var path: String
        public var digest: String
        public var size: Int64
        public init(path: String, digest: String, size: Int64) {
            self.path = path
            self.digest = digest
            self.size = size
        }
    }

    /// A version sealed: its manifest, and the run's metrics as sealed with it (when it has a run).
    public struct VersionFinalized: Hashable, Sendable, Codable {
        public var manifestDigest: String
        public var files: Int
        public var size: Int64
        public var runMetrics: [String: Double]?
        public init(manifestDigest: String, files: Int, size: Int64, runMetrics: [String: Double]?) {
            self.manifestDigest = manifestDigest
            self.files = files
            self.size = size
            self.runMetrics = runMetrics
        }
        enum CodingKeys: String, CodingKey {
            case files, size
            case manifestDigest = "manifest_digest"
            case runMetrics = "run_metrics"
        }
    }

    /// A `PENDING` version not finalized in time, marked `FAILED`; `files` uploads were released.
    public struct VersionExpired: Hashable, Sendable, Codable {
        public var id: String
        public var files: Int
        public init(id: String, files: Int) {
            self.id = id
            self.files = files
        }
    }

    /// A version moved between stages. `archived` lists the versions moved out to Archived by the same change;
    /// `request` is the transition request it applied; `rollbackReason` is set for a rollback.
    public struct StageChanged: Hashable, Sendable, Codable {
        public var from: Stage
        public var to: Stage
        public var archived: [Int]
        public var request: String?
        public var rollbackReason: String?
        public init(from: Stage, to: Stage, archived: [Int], request: String? = nil, rollbackReason: String? = nil) {
            self.from = from
            self.to = to
            self.archived = archived
            self.request = request
            self.rollbackReason = rollbackReason
        }
        enum CodingKeys: String, CodingKey {
            case from, to, archived, request
            case rollbackReason = "rollback_reason"
        }
    }

    /// A model card revision: the fields that changed and the whole card as written.
    public struct ModelCardUpdated: Hashable, Sendable, Codable {
        public var revision: Int
        public var changed: [String]
        public var card: DocumentValue
        public init(revision: Int, changed: [String], card: DocumentValue) {
            self.revision = revision
            self.changed = changed
            self.card = card
        }
    }

    /// An alias pointed at `version`; `previousVersion` is 0 when the alias is new.
    public struct AliasSet: Hashable, Sendable, Codable {
        public var version: Int
        public var previousVersion: Int
        public var request: String?
        public init(version: Int, previousVersion: Int, request: String? = nil) {
            self.version = version
            self.previousVersion = previousVersion
            self.request = request
        }
        enum CodingKeys: String, CodingKey {
            case version, request
            case previousVersion = "previous_version"
        }
    }

    public struct PolicySet: Hashable, Sendable, Codable {
        public var policy: DocumentValue
        public var replaced: Bool
        public init(policy: DocumentValue, replaced: Bool) {
            self.policy = policy
            self.replaced = replaced
        }
    }

    /// A transition request opened. `superseded` lists the pending requests it replaced.
    public struct TransitionRequested: Hashable, Sendable, Codable {
        public var request: String
        public var target: String
        public var requiredApprovals: Int
        public var archiveExisting: Bool
        public var comment: String
        public var gates: [GateResult]
        public var superseded: [String]
        public init(
            request: String,
            target: String,
            requiredApprovals: Int,
            archiveExisting: Bool,
            comment: String,
            gates: [GateResult],
            superseded: [String]
        ) {
            self.request = request
            self.target = target
            self.requiredApprovals = requiredApprovals
            self.archiveExisting = archiveExisting
            self.comment = comment
            self.gates = gates
            self.superseded = superseded
        }
        enum CodingKeys: String, CodingKey {
            case request, target, comment, gates, superseded
            case requiredApprovals = "required_approvals"
            case archiveExisting = "archive_existing"
        }
    }

    /// One approval of a request; `applied` when it was the last one needed (the gates are then re-checked and
    /// listed).
    public struct TransitionApproved: Hashable, Sendable, Codable {
        public var request: String
        public var target: String
        public var comment: String
        public var approvals: Int
        public var requiredApprovals: Int
        public var applied: Bool
        public var gates: [GateResult]
        public init(
            request: String,
            target: String,
            comment: String,
            approvals: Int,
            requiredApprovals: Int,
            applied: Bool,
            gates: [GateResult]
        ) {
            self.request = request
            self.target = target
            self.comment = comment
            self.approvals = approvals
            self.requiredApprovals = requiredApprovals
            self.applied = applied
            self.gates = gates
        }
        enum CodingKeys: String, CodingKey {
            case request, target, comment, approvals, applied, gates
            case requiredApprovals = "required_approvals"
        }
    }

    /// A request rejected or cancelled.
    public struct TransitionClosed: Hashable, Sendable, Codable {
        public var request: String
        public var target: String
        public var comment: String
        public init(request: String, target: String, comment: String) {
            self.request = request
            self.target = target
            self.comment = comment
        }
    }

    /// A move refused by its gates, with every gate's result; `request` when it was an approval that found them
    /// failing.
    public struct TransitionBlocked: Hashable, Sendable, Codable {
        public var target: String
        public var gates: [GateResult]
        public var request: String?
        public init(target: String, gates: [GateResult], request: String? = nil) {
            self.target = target
            self.gates = gates
            self.request = request
        }
    }
}
