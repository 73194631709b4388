import CairnCore
import Foundation

/// The policy that governs a model (or the default policy).
public struct PolicyDTO: Codable, Sendable, Hashable {
    /// `model` (its own), `default` (the registry-wide one) or `none` (transitions are immediate).
    public var source: String
    /// The model the policy was asked for; absent for the default policy.
    public var model: String?
    /// The policy document (see `cairn policy set`); absent for `none`.
    public var policy: DocumentValue?
    public var updatedBy: String?
    public var updatedAt: Date?

    public init(source: String, model: String?, policy: DocumentValue?, updatedBy: String?, updatedAt: Date?) {
        self.source = source
        self.model = model
        self.policy = policy
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// One gate's outcome.
public struct GateResultDTO: Codable, Sendable, Hashable {
    /// `metric`, `model_card`, `signature`, `dataset_digest` or `tags`.
    public var gate: String
    public var expression: String
    /// Every value read, by name (`auc`, `production.auc`, `production.version`).
    public var observed: [String: String]
    public var passed: Bool
    public var message: String

    public init(gate: String, expression: String, observed: [String: String], passed: Bool, message: String) {
        self.gate = gate
        self.expression = expression
        self.observed = observed
        self.passed = passed
        self.message = message
    }
}

/// One approver's decision.
public struct DecisionDTO: Codable, Sendable, Hashable {
    public var approver: String
    /// `approve` or `reject`.
    public var verdict: String
    public var comment: String
    public var time: Date

    public init(approver: String, verdict: String, comment: String, time: Date) {
        self.approver = approver
        self.verdict = verdict
        self.comment = comment
        self.time = time
    }
}

/// A transition request with its evidence.
public struct TransitionRequestDTO: Codable, Sendable, Hashable {
    public var id: String
    public var model: String
    public var version: Int
    public var versionId: String
    /// `stage:Production` or `alias:champion`.
    public var target: String
    public var archiveExisting: Bool
    public var requestedBy: String
    public var comment: String
    /// `pending`, `approved`, `rejected`, `cancelled` or `superseded`.
    public var state: String
    public var requiredApprovals: Int
    public var separationOfDuties: Bool
    public var decisions: [DecisionDTO]
    public var gateResults: [GateResultDTO]
    /// The policy rule the request is governed by.
    public var rule: DocumentValue
    public var createdAt: Date
    public var updatedAt: Date
    public var resolvedBy: String?
    public var resolution: String

    public init(
        id: String,
        model: String,
        version: Int,
        versionId: String,
        target: String,
        archiveExisting: Bool,
        requestedBy: String,
        comment: String,
        state: String,
        requiredApprovals: Int,
        separationOfDuties: Bool,
        decisions: [DecisionDTO],
        gateResults: [GateResultDTO],
        rule: DocumentValue,
        createdAt: Date,
        updatedAt: Date,
        resolvedBy: String?,
        resolution: String
    ) {
        self.id = id
        self.model = model
        self.version = version
        self.versionId = versionId
        self.target = target
        self.archiveExisting = archiveExisting
        self.requestedBy = requestedBy
        self.comment = comment
        self.state = state
        self.requiredApprovals = requiredApprovals
        self.separationOfDuties = separationOfDuties
        self.decisions = decisions
        self.gateResults = gateResults
        self.rule = rule
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.resolvedBy = resolvedBy
        self.resolution = resolution
    }
}

/// `GET /api/v1/requests`.
public struct TransitionRequestListDTO: Codable, Sendable, Hashable {
    public var requests: [TransitionRequestDTO]
    /// Pass as `page_token` for the next (older) page; absent on the last page.
    public var nextPageToken: String?

    public init(requests: [TransitionRequestDTO], nextPageToken: String?) {
        self.requests = requests
        self.nextPageToken = nextPageToken
    }
}

/// `POST /api/v1/models/{name}/versions/{version}/promote`: exactly one of `stage` and `alias`.
public struct PromoteRequest: Codable, Sendable, Hashable {
    public var stage: String?
    public var alias: String?
    /// Archive the other versions in the target stage when applied.
    public var archiveExisting: Bool?
    public var comment: String?

    public init(stage: String? = nil, alias: String? = nil, archiveExisting: Bool? = nil, comment: String? = nil) {
        self.stage = stage
        self.alias = alias
        self.archiveExisting = archiveExisting
        self.comment = comment
    }
}

/// What a promotion or an approval did: applied (200) or pending approval (202).
public struct TransitionOutcomeDTO: Codable, Sendable, Hashable {
    public var applied: Bool
    public var version: VersionDTO
    /// The request, when a policy guards the target.
    public var request: TransitionRequestDTO?

    public init(applied: Bool, version: VersionDTO, request: TransitionRequestDTO?) {
        self.applied = applied
        self.version = version
        self.request = request
    }
}

/// `POST /api/v1/requests/{id}/approve|reject|cancel`.
public struct DecisionRequest: Codable, Sendable, Hashable {
    /// Required to reject.
    public var comment: String?

    public init(comment: String? = nil) { self.comment = comment }
}

/// A version's model card.
public struct ModelCardDTO: Codable, Sendable, Hashable {
    public var model: String
    public var version: Int
    /// 0 when no card was written yet; +1 per edit.
    public var revision: Int
    public var updatedBy: String
    public var updatedAt: Date
    /// Every field: `intended_use`, `training_data`, `evaluation_metrics`, `fairness_metrics`, `limitations`,
    /// `ethical_considerations`, `markdown`.
    public var card: DocumentValue

    public init(model: String, version: Int, revision: Int, updatedBy: String, updatedAt: Date, card: DocumentValue) {
        self.model = model
        self.version = version
        self.revision = revision
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.card = card
    }
}

/// `PUT /api/v1/models/{name}/versions/{version}/card`.
public struct SetModelCardRequest: Codable, Sendable, Hashable {
    /// The whole new card (absent fields are empty).
    public var card: DocumentValue
    /// Apply only if the card is still at this revision.
    public var expectedRevision: Int?

    public init(card: DocumentValue, expectedRevision: Int? = nil) {
        self.card = card
        self.expectedRevision = expectedRevision
    }
}

/// `POST /api/v1/models/{name}/rollback`.
public struct RollbackRequest: Codable, Sendable, Hashable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// What a rollback did.
public struct RollbackDTO: Codable, Sendable, Hashable {
    public var restored: VersionDTO
    public var archived: [Int]

    public init(restored: VersionDTO, archived: [Int]) {
        self.restored = restored
        self.archived = archived
    }
}

/// One stage change from the event log.
public struct StageChangeDTO: Codable, Sendable, Hashable {
    public var sequence: Int64
    public var time: Date
    public var actor: String
    public var version: Int
    public var from: String
    public var to: String
    public var archived: [Int]
    public var request: String?
    public var rollbackReason: String?

    public init(
        sequence: Int64,
        time: Date,
        actor: String,
        version: Int,
        from: String,
        to: String,
        archived: [Int],
        request: String?,
        rollbackReason: String?
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.version = version
        self.from = from
        self.to = to
        self.archived = archived
        self.request = request
        self.rollbackReason = rollbackReason
    }
}

/// `GET /api/v1/models/{name}/history`: the stages at a time, replayed from the event log.
public struct StageHistoryDTO: Codable, Sendable, Hashable {
    public var model: String
    public var at: Date
    /// Version numbers by stage at `at` (`Production` → `[3]`), highest first; versions never moved are absent.
    public var stages: [String: [Int]]
    /// Every stage change up to `at`, oldest first.
    public var changes: [StageChangeDTO]

    public init(model: String, at: Date, stages: [String: [Int]], changes: [StageChangeDTO]) {
        self.model = model
        self.at = at
        self.stages = stages
        self.changes = changes
    }
}

/// `GET /api/v1/provenance`: lineage, card, approvals with gate evidence, and stage changes of one version.
public struct ProvenanceDTO: Codable, Sendable, Hashable {
    public var version: VersionDTO
    public var card: ModelCardDTO
    public var requests: [TransitionRequestDTO]
    public var stageChanges: [StageChangeDTO]

    public init(
        version: VersionDTO,
        card: ModelCardDTO,
        requests: [TransitionRequestDTO],
        stageChanges: [StageChangeDTO]
    ) {
        self.version = version
        self.card = card
        self.requests = requests
        self.stageChanges = stageChanges
    }
}

/// `GET /api/v1/audit/events`.
public struct AuditLogDTO: Codable, Sendable, Hashable {
    public var events: [EventDTO]
    /// Pass as `after` for the next page; absent on the last page.
    public var nextAfter: Int64?

    public init(events: [EventDTO], nextAfter: Int64?) {
        self.events = events
        self.nextAfter = nextAfter
    }
}

/// The newest entry of the event log, to sign and publish.
public struct ChainHeadDTO: Codable, Sendable, Hashable {
    public var sequence: Int64
    public var hash: String
    public var time: Date

    public init(sequence: Int64, hash: String, time: Date) {
        self.sequence = sequence
        self.hash = hash
        self.time = time
    }
}

/// The first break in the event chain.
public struct ChainBreakDTO: Codable, Sendable, Hashable {
    public var sequence: Int64
    /// `altered`, `deleted`, `inserted`, `reordered`, `truncated` or `diverged`.
    public var kind: String
    public var reason: String

    public init(sequence: Int64, kind: String, reason: String) {
        self.sequence = sequence
        self.kind = kind
        self.reason = reason
    }
}

/// `GET /api/v1/audit/verify`.
public struct AuditVerificationDTO: Codable, Sendable, Hashable {
    public var intact: Bool
    /// Entries found intact before the first break (all of them when intact).
    public var checked: Int
    /// The newest intact entry.
    public var head: ChainHeadDTO?
    public var broken: ChainBreakDTO?

    public init(intact: Bool, checked: Int, head: ChainHeadDTO?, broken: ChainBreakDTO?) {
        self.intact = intact
        self.checked = checked
        self.head = head
        self.broken = broken
    }
}
