import Foundation

/// The event catalogue: every change the registry records, each with the payload it carries.
///
/// One case per action, so the compiler checks that a payload is the one its action promises. The payload of a stored
/// event (``AuditEvent/payload``) is the case's value as canonical JSON (``EventJSON``); ``AuditEvent/decoded()``
/// reads it back. The JSON keys are the ones the log has held since each action was introduced, so a log written by
/// any earlier release reads with these types: new fields may only be added as optionals.
///
/// Webhooks, the watch stream and the MLflow webhook adapter publish these events (``EventEnvelope``).
public enum RegistryEvent: Hashable, Sendable {
    // Models.
    case modelCreated(ModelCreated)
    case modelUpdated(DescriptionChanged)
    case modelRenamed(Renamed)
    case modelDeleted(Identified)
    case modelTagSet(TagSet)
    case modelTagDeleted(TagDeleted)
    // Versions.
    case versionCreated(VersionCreated)
    case versionRegistered(VersionRegistered)
    case versionFileUploaded(FileUploaded)
    case versionFinalized(VersionFinalized)
    case versionExpired(VersionExpired)
    case versionDeleted(Identified)
    case versionUpdated(DescriptionChanged)
    case versionTagSet(TagSet)
    case versionTagDeleted(TagDeleted)
    case versionStageChanged(StageChanged)
    case modelCardUpdated(ModelCardUpdated)
    // Aliases.
    case aliasSet(AliasSet)
    case aliasDeleted(Empty)
    // Governance.
    case policySet(PolicySet)
    case policyDeleted(Empty)
    case transitionRequested(TransitionRequested)
    case transitionApproved(TransitionApproved)
    case transitionRejected(TransitionClosed)
    case transitionCancelled(TransitionClosed)
    case transitionBlocked(TransitionBlocked)
    // Identity.
    case accountCreated(AccountCreated)
    case accountBootstrapped(AccountBootstrapped)
    case accountDisabled(Identified)
    case accountEnabled(Identified)
    case accountPasswordSet(Identified)
    case grantAdded(GrantChanged)
    case grantRevoked(GrantChanged)
    case tokenCreated(TokenCreated)
    case tokenRevoked(Identified)
    case accessDenied(AccessDenied)
    // Tracking.
    case experimentCreated(ExperimentCreated)
    case experimentRenamed(Renamed)
    case experimentTagSet(TagSet)
    case experimentTagDeleted(TagDeleted)
    case experimentDeleted(Named)
    case experimentRestored(Named)
    case runCreated(RunCreated)
    case runUpdated(RunUpdated)
    case runDeleted(RunLifecycle)
    case runRestored(RunLifecycle)
    case loggedModelCreated(LoggedModelCreated)
    case loggedModelFinalized(LoggedModelFinalized)
    case loggedModelDeleted(LoggedModelDeleted)
    case artifactDeleted(ArtifactDeleted)

    /// The action name the case is stored and published under.
    public var action: EventAction {
        switch self {
        case .modelCreated: .modelCreated
        case .modelUpdated: .modelUpdated
        case .modelRenamed: .modelRenamed
        case .modelDeleted: .modelDeleted
        case .modelTagSet: .modelTagSet
        case .modelTagDeleted: .modelTagDeleted
        case .versionCreated: .versionCreated
        case .versionRegistered: .versionRegistered
        case .versionFileUploaded: .versionFileUploaded
        case .versionFinalized: .versionFinalized
        case .versionExpired: .versionExpired
        case .versionDeleted: .versionDeleted
        case .versionUpdated: .versionUpdated
        case .versionTagSet: .versionTagSet
        case .versionTagDeleted: .versionTagDeleted
        case .versionStageChanged: .versionStageChanged
        case .modelCardUpdated: .modelCardUpdated
        case .aliasSet: .aliasSet
        case .aliasDeleted: .aliasDeleted
        case .policySet: .policySet
        case .policyDeleted: .policyDeleted
        case .transitionRequested: .transitionRequested
        case .transitionApproved: .transitionApproved
        case .transitionRejected: .transitionRejected
        case .transitionCancelled: .transitionCancelled
        case .transitionBlocked: .transitionBlocked
        case .accountCreated: .accountCreated
        case .accountBootstrapped: .accountBootstrapped
        case .accountDisabled: .accountDisabled
        case .accountEnabled: .accountEnabled
        case .accountPasswordSet: .accountPasswordSet
        case .grantAdded: .grantAdded
        case .grantRevoked: .grantRevoked
        case .tokenCreated: .tokenCreated
        case .tokenRevoked: .tokenRevoked
        case .accessDenied: .accessDenied
        case .experimentCreated: .experimentCreated
        case .experimentRenamed: .experimentRenamed
        case .experimentTagSet: .experimentTagSet
        case .experimentTagDeleted: .experimentTagDeleted
        case .experimentDeleted: .experimentDeleted
        case .experimentRestored: .experimentRestored
        case .runCreated: .runCreated
        case .runUpdated: .runUpdated
        case .runDeleted: .runDeleted
        case .runRestored: .runRestored
        case .loggedModelCreated: .loggedModelCreated
        case .loggedModelFinalized: .loggedModelFinalized
        case .loggedModelDeleted: .loggedModelDeleted
        case .artifactDeleted: .artifactDeleted
        }
    }

    /// The payload as canonical JSON: the text stored in the log and covered by its hash.
    /// - Throws: `.internalError` when the payload cannot be encoded (nothing is then recorded).
    public func canonicalPayload() throws(RegistryError) -> String {
        switch self {
        case .modelCreated(let p): try EventJSON.encode(p)
        case .modelUpdated(let p), .versionUpdated(let p): try EventJSON.encode(p)
        case .modelRenamed(let p), .experimentRenamed(let p): try EventJSON.encode(p)
        case .modelDeleted(let p), .versionDeleted(let p), .accountDisabled(let p), .accountEnabled(let p),
            .accountPasswordSet(let p), .tokenRevoked(let p):
            try EventJSON.encode(p)
        case .modelTagSet(let p), .versionTagSet(let p), .experimentTagSet(let p): try EventJSON.encode(p)
        case .modelTagDeleted(let p), .versionTagDeleted(let p), .experimentTagDeleted(let p): try EventJSON.encode(p)
        case .versionCreated(let p): try EventJSON.encode(p)
        case .versionRegistered(let p): try EventJSON.encode(p)
        case .versionFileUploaded(let p): try EventJSON.encode(p)
        case .versionFinalized(let p): try EventJSON.encode(p)
        case .versionExpired(let p): try EventJSON.encode(p)
        case .versionStageChanged(let p): try EventJSON.encode(p)
        case .modelCardUpdated(let p): try EventJSON.encode(p)
        case .aliasSet(let p): try EventJSON.encode(p)
        case .aliasDeleted(let p), .policyDeleted(let p): try EventJSON.encode(p)
        case .policySet(let p): try EventJSON.encode(p)
        case .transitionRequested(let p): try EventJSON.encode(p)
        case .transitionApproved(let p): try EventJSON.encode(p)
        case .transitionRejected(let p), .transitionCancelled(let p): try EventJSON.encode(p)
        case .transitionBlocked(let p): try EventJSON.encode(p)
        case .accountCreated(let p): try EventJSON.encode(p)
        case .accountBootstrapped(let p): try EventJSON.encode(p)
        case .grantAdded(let p), .grantRevoked(let p): try EventJSON.encode(p)
        case .tokenCreated(let p): try EventJSON.encode(p)
        case .accessDenied(let p): try EventJSON.encode(p)
        case .experimentCreated(let p): try EventJSON.encode(p)
        case .experimentDeleted(let p), .experimentRestored(let p): try EventJSON.encode(p)
        case .runCreated(let p): try EventJSON.encode(p)
        case .runUpdated(let p): try EventJSON.encode(p)
        case .runDeleted(let p), .runRestored(let p): try EventJSON.encode(p)
        case .loggedModelCreated(let p): try EventJSON.encode(p)
        case .loggedModelFinalized(let p): try EventJSON.encode(p)
        case .loggedModelDeleted(let p): try EventJSON.encode(p)
        case .artifactDeleted(let p): try EventJSON.encode(p)
        }
    }

    /// Reads the payload stored under `action`.
    /// - Throws: `.internalError` naming the action when the text is not that action's payload.
    public init(action: EventAction, payload text: String) throws(RegistryError) {
        func read<P: Decodable>(_: P.Type = P.self) throws(RegistryError) -> P {
            try EventJSON.decode(P.self, from: text, what: "a '\(action.rawValue)' event")
        }
        self =
            switch action {
            case .modelCreated: .modelCreated(try read())
            case .modelUpdated: .modelUpdated(try read())
            case .modelRenamed: .modelRenamed(try read())
            case .modelDeleted: .modelDeleted(try read())
            case .modelTagSet: .modelTagSet(try read())
            case .modelTagDeleted: .modelTagDeleted(try read())
            case .versionCreated: .versionCreated(try read())
            case .versionRegistered: .versionRegistered(try read())
            case .versionFileUploaded: .versionFileUploaded(try read())
            case .versionFinalized: .versionFinalized(try read())
            case .versionExpired: .versionExpired(try read())
            case .versionDeleted: .versionDeleted(try read())
            case .versionUpdated: .versionUpdated(try read())
            case .versionTagSet: .versionTagSet(try read())
            case .versionTagDeleted: .versionTagDeleted(try read())
            case .versionStageChanged: .versionStageChanged(try read())
            case .modelCardUpdated: .modelCardUpdated(try read())
            case .aliasSet: .aliasSet(try read())
            case .aliasDeleted: .aliasDeleted(try read())
            case .policySet: .policySet(try read())
            case .policyDeleted: .policyDeleted(try read())
            case .transitionRequested: .transitionRequested(try read())
            case .transitionApproved: .transitionApproved(try read())
            case .transitionRejected: .transitionRejected(try read())
            case .transitionCancelled: .transitionCancelled(try read())
            case .transitionBlocked: .transitionBlocked(try read())
            case .accountCreated: .accountCreated(try read())
            case .accountBootstrapped: .accountBootstrapped(try read())
            case .accountDisabled: .accountDisabled(try read())
            case .accountEnabled: .accountEnabled(try read())
            case .accountPasswordSet: .accountPasswordSet(try read())
            case .grantAdded: .grantAdded(try read())
            case .grantRevoked: .grantRevoked(try read())
            case .tokenCreated: .tokenCreated(try read())
            case .tokenRevoked: .tokenRevoked(try read())
            case .accessDenied: .accessDenied(try read())
            case .experimentCreated: .experimentCreated(try read())
            case .experimentRenamed: .experimentRenamed(try read())
            case .experimentTagSet: .experimentTagSet(try read())
            case .experimentTagDeleted: .experimentTagDeleted(try read())
            case .experimentDeleted: .experimentDeleted(try read())
            case .experimentRestored: .experimentRestored(try read())
            case .runCreated: .runCreated(try read())
            case .runUpdated: .runUpdated(try read())
            case .runDeleted: .runDeleted(try read())
            case .runRestored: .runRestored(try read())
            case .loggedModelCreated: .loggedModelCreated(try read())
            case .loggedModelFinalized: .loggedModelFinalized(try read())
            case .loggedModelDeleted: .loggedModelDeleted(try read())
            case .artifactDeleted: .artifactDeleted(try read())
            }
    }
}

/// Every action name the log holds, dotted: `<area>.<what happened>`. The raw values are stored and published; they
/// never change.
public enum EventAction: String, Hashable, Sendable, Codable, CaseIterable {
    case modelCreated = "model.created"
    case modelUpdated = "model.updated"
    case modelRenamed = "model.renamed"
    case modelDeleted = "model.deleted"
    case modelTagSet = "model.tag_set"
    case modelTagDeleted = "model.tag_deleted"
    case versionCreated = "version.created"
    case versionRegistered = "version.registered"
    case versionFileUploaded = "version.file_uploaded"
    case versionFinalized = "version.finalized"
    case versionExpired = "version.expired"
    case versionDeleted = "version.deleted"
    case versionUpdated = "version.updated"
    case versionTagSet = "version.tag_set"
    case versionTagDeleted = "version.tag_deleted"
    case versionStageChanged = "version.stage_changed"
    case modelCardUpdated = "model_card.updated"
    case aliasSet = "alias.set"
    case aliasDeleted = "alias.deleted"
    case policySet = "policy.set"
    case policyDeleted = "policy.deleted"
    case transitionRequested = "transition.requested"
    case transitionApproved = "transition.approved"
    case transitionRejected = "transition.rejected"
    case transitionCancelled = "transition.cancelled"
    case transitionBlocked = "transition.blocked"
    case accountCreated = "account.created"
    case accountBootstrapped = "account.bootstrapped"
    case accountDisabled = "account.disabled"
    case accountEnabled = "account.enabled"
    case accountPasswordSet = "account.password_set"
    case grantAdded = "grant.added"
    case grantRevoked = "grant.revoked"
    case tokenCreated = "token.created"
    case tokenRevoked = "token.revoked"
    case accessDenied = "access.denied"
    case experimentCreated = "experiment.created"
    case experimentRenamed = "experiment.renamed"
    case experimentTagSet = "experiment.tag_set"
    case experimentTagDeleted = "experiment.tag_deleted"
    case experimentDeleted = "experiment.deleted"
    case experimentRestored = "experiment.restored"
    case runCreated = "run.created"
    case runUpdated = "run.updated"
    case runDeleted = "run.deleted"
    case runRestored = "run.restored"
    case loggedModelCreated = "logged_model.created"
    case loggedModelFinalized = "logged_model.finalized"
    case loggedModelDeleted = "logged_model.deleted"
    case artifactDeleted = "artifact.deleted"
}

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

    public struct AccountCreated: Hashable, Sendable, Codable {
        public var id: String
        public var kind: PrincipalKind
        public init(id: String, kind: PrincipalKind) {
            self.id = id
            self.kind = kind
        }
    }

    /// The first admin, made by `cairn serve` on an empty registry, with its token.
    public struct AccountBootstrapped: Hashable, Sendable, Codable {
        public var id: String
        public var kind: PrincipalKind
        public var role: Role
        public var tokenID: String
        public init(id: String, kind: PrincipalKind, role: Role, tokenID: String) {
            self.id = id
            self.kind = kind
            self.role = role
            self.tokenID = tokenID
        }
        enum CodingKeys: String, CodingKey {
            case id, kind, role
            case tokenID = "token_id"
        }
    }

    /// A grant added to or revoked from account `id`; `scope` as ``Grant/scopeDescription`` writes it.
    public struct GrantChanged: Hashable, Sendable, Codable {
        public var id: String
        public var role: Role
        public var scope: String
        public init(id: String, role: Role, scope: String) {
            self.id = id
            self.role = role
            self.scope = scope
        }
    }

    /// A token minted (never its secret); `expiresAt` in milliseconds since the epoch.
    public struct TokenCreated: Hashable, Sendable, Codable {
        public var id: String
        public var description: String
        public var expiresAt: Int64?
        public init(id: String, description: String, expiresAt: Int64?) {
            self.id = id
            self.description = description
            self.expiresAt = expiresAt
        }
        enum CodingKeys: String, CodingKey {
            case id, description
            case expiresAt = "expires_at"
        }
    }

    /// A refusal: what was attempted, which permission it needed, and why it was refused. `suppressed` counts the
    /// refusals of the same actor that were only counted since the last one recorded (see ``DenialLimiter``).
    public struct AccessDenied: Hashable, Sendable, Codable {
        public var action: Action
        public var attempted: String
        public var reason: String
        public var suppressed: Int?
        public init(action: Action, attempted: String, reason: String, suppressed: Int? = nil) {
            self.action = action
            self.attempted = attempted
            self.reason = reason
            self.suppressed = suppressed
        }
    }

    /// An experiment created. The default experiment, made at start-up, carries its name only.
    public struct ExperimentCreated: Hashable, Sendable, Codable {
        public var name: String
        public var tags: [String: String]?
        public var requestedArtifactLocation: String?
        public init(name: String, tags: [String: String]?, requestedArtifactLocation: String? = nil) {
            self.name = name
            self.tags = tags
            self.requestedArtifactLocation = requestedArtifactLocation
        }
        enum CodingKeys: String, CodingKey {
            case name, tags
            case requestedArtifactLocation = "requested_artifact_location"
        }
    }

    public struct RunCreated: Hashable, Sendable, Codable {
        public var experimentID: String
        public var name: String
        public var userID: String
        public init(experimentID: String, name: String, userID: String) {
            self.experimentID = experimentID
            self.name = name
            self.userID = userID
        }
        enum CodingKeys: String, CodingKey {
            case name
            case experimentID = "experiment_id"
            case userID = "user_id"
        }
    }

    /// What an update changed; absent fields did not change.
    public struct RunUpdated: Hashable, Sendable, Codable {
        public var status: RunStatus?
        public var endTime: Int64?
        public var name: String?
        public init(status: RunStatus? = nil, endTime: Int64? = nil, name: String? = nil) {
            self.status = status
            self.endTime = endTime
            self.name = name
        }
        public var isEmpty: Bool { status == nil && endTime == nil && name == nil }
        enum CodingKeys: String, CodingKey {
            case status, name
            case endTime = "end_time"
        }
    }

    public struct RunLifecycle: Hashable, Sendable, Codable {
        public var experimentID: String
        public init(experimentID: String) { self.experimentID = experimentID }
        enum CodingKeys: String, CodingKey { case experimentID = "experiment_id" }
    }

    public struct LoggedModelCreated: Hashable, Sendable, Codable {
        public var experimentID: String
        public var name: String
        public var sourceRunID: String?
        public init(experimentID: String, name: String, sourceRunID: String?) {
            self.experimentID = experimentID
            self.name = name
            self.sourceRunID = sourceRunID
        }
        enum CodingKeys: String, CodingKey {
            case name
            case experimentID = "experiment_id"
            case sourceRunID = "source_run_id"
        }
    }

    public struct LoggedModelFinalized: Hashable, Sendable, Codable {
        public var status: LoggedModelStatus
        public var previousStatus: LoggedModelStatus
        public init(status: LoggedModelStatus, previousStatus: LoggedModelStatus) {
            self.status = status
            self.previousStatus = previousStatus
        }
        enum CodingKeys: String, CodingKey {
            case status
            case previousStatus = "previous_status"
        }
    }

    public struct LoggedModelDeleted: Hashable, Sendable, Codable {
        public var experimentID: String
        public var name: String
        public init(experimentID: String, name: String) {
            self.experimentID = experimentID
            self.name = name
        }
        enum CodingKeys: String, CodingKey {
            case name
            case experimentID = "experiment_id"
        }
    }

    /// Tracking artifacts deleted under a path: how many files and bytes.
    public struct ArtifactDeleted: Hashable, Sendable, Codable {
        public var files: Int
        public var size: Int64
        public init(files: Int, size: Int64) {
            self.files = files
            self.size = size
        }
    }
}
