import Foundation

/// The outcome of one gate for one version: what was checked, what was seen, and whether it passed.
public struct GateResult: Hashable, Sendable, Codable {
    /// The gate's kind: `metric`, `model_card`, `signature`, `dataset_digest`, `tags`.
    public var gate: String
    /// The gate as written: `auc >= production.auc - 0.005`.
    public var expression: String
    /// Every value the evaluation read, by name: `auc` → `0.93`, `production.auc` → `0.91`, `production.version` → `2`.
    public var observed: [String: String]
    public var passed: Bool
    /// Why it failed (or a note on how it passed); empty when there is nothing to add.
    public var message: String

    public init(gate: String, expression: String, observed: [String: String], passed: Bool, message: String) {
        self.gate = gate
        self.expression = expression
        self.observed = observed
        self.passed = passed
        self.message = message
    }

    /// "`auc >= production.auc - 0.005` failed: 0.9 >= 0.925 does not hold (auc 0.9, production.auc 0.93)".
    public var summary: String {
        let seen = observed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var text = "`\(expression)` " + (passed ? "passed" : "failed")
        if !message.isEmpty { text += ": \(message)" }
        if !seen.isEmpty { text += " (\(seen))" }
        return text
    }
}

/// One approver's decision on a request.
public struct ApprovalDecision: Hashable, Sendable, Codable {
    public enum Verdict: String, Hashable, Sendable, Codable {
        case approve
        case reject
    }

    public var approver: String
    public var verdict: Verdict
    public var comment: String
    public var time: Date

    public init(approver: String, verdict: Verdict, comment: String, time: Date) {
        self.approver = approver
        self.verdict = verdict
        self.comment = comment
        self.time = time
    }
}

/// A request to move a version into a guarded stage or alias, with its evidence: the rule that applied, the gate
/// results, and every approver's decision.
///
/// States: `pending` → `approved` (applied when the last needed approval lands), `rejected`, `cancelled` (by the
/// requester or an admin) or `superseded` (a newer request for the same model and target arrived).
public struct TransitionRequest: Hashable, Sendable, Codable {
    public enum State: String, Hashable, Sendable, Codable, CaseIterable {
        case pending
        case approved
        case rejected
        case cancelled
        case superseded

        /// Parses a state name (any case).
        /// - Throws: `.invalidArgument` naming the states.
        public init(parsing text: String) throws(RegistryError) {
            guard let state = State(rawValue: text.lowercased()) else {
                throw .invalid(
                    "'\(text.prefix(40))' is not a request state. Use one of: "
                        + State.allCases.map(\.rawValue).joined(separator: ", ") + "."
                )
            }
            self = state
        }
    }

    public var id: String
    public var modelID: String
    /// The model's name when the request was made (stores return the current name).
    public var modelName: String
    public var versionID: String
    public var versionNumber: Int
    public var target: TransitionTarget
    /// Whether applying it archives the other versions in the target stage.
    public var archiveExisting: Bool
    public var requestedBy: String
    public var comment: String
    public var state: State
    public var requiredApprovals: Int
    /// Whether the version's creator is barred from approving (the requester always is).
    public var separationOfDuties: Bool
    public var decisions: [ApprovalDecision]
    /// The gate results when requested, replaced by those of the final check when it was applied.
    public var gateResults: [GateResult]
    /// The rule that applied, as a canonical document.
    public var rule: String
    public var createdAt: Date
    public var updatedAt: Date
    /// Who moved it out of `pending` (for `superseded`: the requester of the newer request).
    public var resolvedBy: String?
    /// Why: the rejecting comment, the cancelling comment, or the id of the superseding request.
    public var resolution: String

    public init(
        id: String,
        modelID: String,
        modelName: String,
        versionID: String,
        versionNumber: Int,
        target: TransitionTarget,
        archiveExisting: Bool,
        requestedBy: String,
        comment: String,
        state: State = .pending,
        requiredApprovals: Int,
        separationOfDuties: Bool,
        decisions: [ApprovalDecision] = [],
        gateResults: [GateResult],
        rule: String,
        createdAt: Date,
        updatedAt: Date,
        resolvedBy: String? = nil,
        resolution: String = ""
    ) {
        self.id = id
        self.modelID = modelID
        self.modelName = modelName
        self.versionID = versionID
        self.versionNumber = versionNumber
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

    /// The approvals so far.
    public var approvals: [ApprovalDecision] { decisions.filter { $0.verdict == .approve } }
}

/// What ``GovernanceService/requestTransition(modelName:number:to:archiveExisting:comment:actor:)`` did.
public struct TransitionOutcome: Sendable {
    /// The version after the call (unchanged while a request is pending).
    public var version: ModelVersion
    /// The request, when a policy guards the target; `nil` when the move was ungoverned and immediate.
    public var request: TransitionRequest?
    /// Whether the move was applied.
    public var applied: Bool

    public init(version: ModelVersion, request: TransitionRequest?, applied: Bool) {
        self.version = version
        self.request = request
        self.applied = applied
    }
}

/// Evaluates gates. Pure: the caller supplies the candidate, its card and the current Production version.
public enum GateEvaluator {
    public static func evaluate(
        _ gates: [Gate],
        candidate: ModelVersion,
        card: ModelCard?,
        production: ModelVersion?
    ) -> [GateResult] {
        gates.map { gate in
            switch gate {
            case .metric(let expression):
                let outcome = expression.evaluate(
                    candidate: candidate.lineage.metrics,
                    production: production.map { ($0.number, $0.lineage.metrics) }
                )
                return GateResult(
                    gate: gate.kind,
                    expression: gate.expression,
                    observed: outcome.observed,
                    passed: outcome.passed,
                    message: outcome.message
                )
            case .modelCard(let fields):
                let missing = fields.filter { !(card?.isFilled($0) ?? false) }
                var observed: [String: String] = [:]
                for field in fields { observed[field.rawValue] = card?.isFilled(field) == true ? "filled" : "empty" }
                return GateResult(
                    gate: gate.kind,
                    expression: gate.expression,
                    observed: observed,
                    passed: missing.isEmpty,
                    message: missing.isEmpty
                        ? "" : "fill in " + missing.map(\.rawValue).joined(separator: ", ") + " with `cairn card edit`"
                )
            case .signature:
                let inputs = candidate.lineage.signature?.inputs ?? ""
                let present = !inputs.isEmpty
                return GateResult(
                    gate: gate.kind,
                    expression: gate.expression,
                    observed: ["signature": present ? "present" : "absent"],
                    passed: present,
                    message: present ? "" : "the version has no input signature (log the model with a signature)"
                )
            case .datasetDigest:
                let datasets = candidate.lineage.datasets
                let undigested = datasets.filter { $0.digest.isEmpty }.map(\.name)
                let passed = !datasets.isEmpty && undigested.isEmpty
                var observed = ["datasets": String(datasets.count)]
                if let first = datasets.first { observed["digest"] = first.digest }
                return GateResult(
                    gate: gate.kind,
                    expression: gate.expression,
                    observed: observed,
                    passed: passed,
                    message: passed
                        ? ""
                        : datasets.isEmpty
                            ? "the version names no dataset (log the training dataset on its run)"
                            : "datasets without a digest: " + undigested.joined(separator: ", ")
                )
            case .tags(let required):
                var observed: [String: String] = [:]
                var missing: [String] = []
                for tag in required {
                    let parts = tag.split(separator: "=", maxSplits: 1).map(String.init)
                    let value = candidate.tags[parts[0]]
                    observed[parts[0]] = value ?? "absent"
                    if value == nil || (parts.count == 2 && value != parts[1]) { missing.append(tag) }
                }
                return GateResult(
                    gate: gate.kind,
                    expression: gate.expression,
                    observed: observed,
                    passed: missing.isEmpty,
                    message: missing.isEmpty ? "" : "missing or different tags: " + missing.joined(separator: ", ")
                )
            }
        }
    }
}
