import Foundation

/// One change of stage as the event log recorded it.
public struct StageChange: Hashable, Sendable {
    public var sequence: Int64
    public var time: Date
    public var actor: String
    public var version: Int
    public var from: Stage
    public var to: Stage
    /// Versions archived by the same change (`archive_existing`, policy, rollback).
    public var archived: [Int]
    /// The transition request it applied, if any.
    public var request: String?
    /// Set for a rollback: why.
    public var rollbackReason: String?

    public init(
        sequence: Int64,
        time: Date,
        actor: String,
        version: Int,
        from: Stage,
        to: Stage,
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

    /// Reads a `version.stage_changed` event; `nil` for any other event.
    /// - Throws: `.internalError` for a `version.stage_changed` event whose payload or subject is not the catalogue's.
    init?(_ event: AuditEvent) throws(RegistryError) {
        guard event.action == EventAction.versionStageChanged.rawValue else { return nil }
        guard case .versionStageChanged(let change) = try event.decoded(),
            let number = StageHistory.versionNumber(inSubject: event.subject)
        else {
            throw RegistryError(
                .internalError,
                "Event \(event.sequence) has no version in its subject '\(event.subject)'."
            )
        }
        self.init(
            sequence: event.sequence,
            time: event.time,
            actor: event.actor,
            version: number,
            from: change.from,
            to: change.to,
            archived: change.archived,
            request: change.request,
            rollbackReason: change.rollbackReason
        )
    }
}

/// The stages of a model's versions replayed from the event log: what was where at any time.
public struct StageHistory: Sendable {
    public var modelName: String
    /// The time the state is given for.
    public var at: Date
    /// The stage of every version that ever left `None`, as of ``at`` (deleted versions are dropped).
    public var stages: [Int: Stage]
    /// Every stage change up to ``at``, oldest first.
    public var changes: [StageChange]

    /// The versions in `stage` as of ``at``, highest first.
    public func versions(in stage: Stage) -> [Int] {
        stages.filter { $0.value == stage }.keys.sorted(by: >)
    }

    /// Replays `events` (one model's, ascending) up to and including `at`.
    /// - Throws: `.internalError` for a stage change the catalogue cannot read (see ``StageChange/init(_:)``).
    public static func replay(modelName: String, events: [AuditEvent], at: Date) throws(RegistryError) -> StageHistory {
        var stages: [Int: Stage] = [:]
        var changes: [StageChange] = []
        for event in events where event.time <= at {
            if let change = try StageChange(event) {
                stages[change.version] = change.to
                for number in change.archived { stages[number] = .archived }
                changes.append(change)
            } else if event.action == EventAction.versionDeleted.rawValue,
                let number = versionNumber(inSubject: event.subject)
            {
                stages[number] = nil
            } else if event.action == EventAction.modelDeleted.rawValue {
                stages = [:]
            }
        }
        return StageHistory(modelName: modelName, at: at, stages: stages, changes: changes)
    }

    /// The version number of a `model/NAME/version/N` subject.
    static func versionNumber(inSubject subject: String) -> Int? {
        guard let range = subject.range(of: "/version/", options: .backwards) else { return nil }
        return Int(subject[range.upperBound...])
    }
}
