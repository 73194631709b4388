import Foundation

/// What a change of stage or alias moves a version into: a stage, or a protected alias.
public enum TransitionTarget: Hashable, Sendable, CustomStringConvertible {
    case stage(Stage)
    case alias(String)

    /// `stage:Production`, `alias:champion`: the stored and wire form.
    public var key: String {
        switch self {
        case .stage(let stage): "stage:\(stage.rawValue)"
        case .alias(let alias): "alias:\(alias)"
        }
    }

    /// Parses ``key``.
    /// - Throws: `.invalidArgument`.
    public init(key: String) throws(RegistryError) {
        if key.hasPrefix("stage:"), let stage = Stage(caseInsensitive: String(key.dropFirst(6))) {
            self = .stage(stage)
        } else if key.hasPrefix("alias:") {
            let alias = String(key.dropFirst(6))
            try AliasName.validate(alias)
            self = .alias(alias)
        } else {
            throw .invalid("'\(key.prefix(80))' is not a transition target; use stage:STAGE or alias:ALIAS.")
        }
    }

    /// "stage Production", "alias 'champion'".
    public var description: String {
        switch self {
        case .stage(let stage): "stage \(stage.rawValue)"
        case .alias(let alias): "alias '\(alias)'"
        }
    }
}

extension TransitionTarget: Codable {
    public init(from decoder: any Decoder) throws {
        self = try TransitionTarget(key: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(key)
    }
}

/// A check the server evaluates before a guarded transition may be requested, and again before it is applied.
public enum Gate: Hashable, Sendable {
    /// A comparison of metrics: `accuracy >= 0.9`, `auc >= production.auc - 0.005`.
    case metric(MetricExpression)
    /// These model-card fields must be filled in.
    case modelCard([ModelCard.Field])
    /// The version must carry an input signature.
    case signature
    /// The version must name at least one dataset, each with a digest.
    case datasetDigest
    /// The version must carry these tags: `reviewed` (any value) or `risk=low` (that value).
    case tags([String])

    /// The gate's kind, as in policy documents and gate results.
    public var kind: String {
        switch self {
        case .metric: "metric"
        case .modelCard: "model_card"
        case .signature: "signature"
        case .datasetDigest: "dataset_digest"
        case .tags: "tags"
        }
    }

    /// The gate as a person reads it, in gate results and error messages.
    public var expression: String {
        switch self {
        case .metric(let expression): expression.text
        case .modelCard(let fields): "model card has " + fields.map(\.rawValue).joined(separator: ", ")
        case .signature: "version has a signature"
        case .datasetDigest: "every dataset has a digest"
        case .tags(let tags): "version has tags " + tags.joined(separator: ", ")
        }
    }
}

/// The requirements for moving a version into one stage or alias.
public struct TransitionRule: Hashable, Sendable {
    /// How many approvals it needs (0: gates only, applied as soon as they pass).
    public var approvals: Int
    /// Four eyes: whoever made the version (created, uploaded to, finalized or registered it) may not approve
    /// either. The requester never may, whatever this says.
    public var separationOfDuties: Bool
    /// Archive every other version in the target stage when the move is applied (stages Staging and Production).
    public var archiveExisting: Bool
    public var gates: [Gate]
    /// Where metric gates read metrics from.
    public var metricsSource: MetricsSource

    /// Where metric gates read a version's metrics from.
    public enum MetricsSource: String, Hashable, Sendable, CaseIterable {
        /// The metrics recorded on the version (from its run at registration, or given when it was created).
        case version
        /// The metrics of the run the version names, as the tracking server holds them now: values the version's
        /// creator cannot have typed in. A version without a run fails every metric gate.
        case run
    }

    public init(
        approvals: Int = 1,
        separationOfDuties: Bool = true,
        archiveExisting: Bool = false,
        gates: [Gate] = [],
        metricsSource: MetricsSource = .version
    ) {
        self.approvals = approvals
        self.separationOfDuties = separationOfDuties
        self.archiveExisting = archiveExisting
        self.gates = gates
        self.metricsSource = metricsSource
    }
}

/// The governance policy of a model (or the registry-wide default): which stages and aliases are guarded, and how.
///
/// A target with no rule is not guarded: moving into it is immediate, as in MLflow. A model's own policy replaces
/// the default one entirely, so what applies to a model is always one document.
public struct Policy: Hashable, Sendable {
    public var stages: [Stage: TransitionRule]
    public var aliases: [String: TransitionRule]

    public init(stages: [Stage: TransitionRule] = [:], aliases: [String: TransitionRule] = [:]) {
        self.stages = stages
        self.aliases = aliases
    }

    /// The rule guarding `target`, if any.
    public func rule(for target: TransitionTarget) -> TransitionRule? {
        switch target {
        case .stage(let stage): stages[stage]
        case .alias(let alias): aliases[alias]
        }
    }

    /// Most approvals a rule may ask for.
    public static let maxApprovals = 20
    /// Most gates of one rule.
    public static let maxGates = 100
    /// Largest policy document, in bytes.
    public static let maxDocumentBytes = 65_536
}

/// A policy as stored: the document, which model it belongs to (`nil`: the registry-wide default), and who set it.
public struct StoredPolicy: Hashable, Sendable {
    /// The model's id, or `nil` for the registry-wide default.
    public var modelID: String?
    public var policy: Policy
    public var updatedAt: Date
    public var updatedBy: String

    public init(modelID: String?, policy: Policy, updatedAt: Date, updatedBy: String) {
        self.modelID = modelID
        self.policy = policy
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// The policy that governs a model, and where it comes from.
public struct EffectivePolicy: Sendable {
    public enum Source: String, Sendable {
        /// The model's own policy.
        case model
        /// The registry-wide default (the model has none of its own).
        case `default`
        /// No policy: every transition is immediate.
        case none
    }

    public var source: Source
    /// The stored policy, or `nil` for ``Source/none``.
    public var stored: StoredPolicy?

    public init(source: Source, stored: StoredPolicy?) {
        self.source = source
        self.stored = stored
    }

    /// The rule guarding `target`, if any.
    public func rule(for target: TransitionTarget) -> TransitionRule? { stored?.policy.rule(for: target) }

    /// Whether any stage or alias of the model is guarded.
    public var guardsAnything: Bool {
        guard let policy = stored?.policy else { return false }
        return !policy.stages.isEmpty || !policy.aliases.isEmpty
    }
}
