import Foundation

/// What ``GovernanceService/rollback(modelName:reason:actor:)`` did.
public struct RollbackOutcome: Sendable {
    /// The version now in Production again.
    public var restored: ModelVersion
    /// The versions moved out of Production to Archived.
    public var archived: [Int]
}

/// Everything the registry knows about how a version came to be and came to be where it is: the answer to "who
/// approved it, on what evidence, and what trained it" in one read.
public struct Provenance: Sendable {
    /// The version, with its lineage (run, source, datasets with digests, params, metrics, signature).
    public var version: ModelVersion
    /// Its model card (revision 0 when none was written).
    public var card: StoredModelCard
    /// The transition requests for this version, newest first, with approvers, comments and gate results.
    public var requests: [TransitionRequest]
    /// The stage changes that moved it (into a stage, or out to Archived by another's promotion), oldest first.
    public var stageChanges: [StageChange]
}

extension GovernanceService {
    /// The stages of a model's versions at `at` (now when `nil`), replayed from the event log, with every stage change
    /// up to then. Answers "which version was in Production at 10:00 on 3 March". Follows the model across renames.
    /// Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`.
    public func stageHistory(modelName: String, at: Date?, actor: Principal) async throws -> StageHistory {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.stageHistory, actor, model: modelName)
        let moment = at ?? clock.now()
        return try await store.read(permit) { reader in
            let model = try await reader.requireModel(modelName)
            let events = try await lifecycleEvents(reader, modelID: model.id, name: model.name)
            return try StageHistory.replay(modelName: model.name, events: events, at: moment)
        }
    }

    /// Re-promotes the version that was in Production before the current one and archives the current one, in one
    /// transaction, recording `reason`. No file is copied: versions are immutable, so this is a metadata change.
    ///
    /// The version restored is the most recent one to have entered Production (per the event log) that is not in
    /// Production now, still exists, is `READY`, and left Production only because another version took its place
    /// (archived by a promotion or a rollback). A version someone moved out of Production on purpose (an admin
    /// demoting it from a guarded stage, say) is never restored: bringing it back is a promotion, with the policy's
    /// approvals and gates. The version restored was approved under the policy when it first got there, so a
    /// rollback asks for no new approval; it needs ``Action/write`` on the model (and an account when a policy
    /// guards the model) and a reason, and is recorded as `version.stage_changed` with `rollback_reason`. Refusals
    /// are recorded.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`, `.invalidArgument` (no reason),
    ///   `.failedPrecondition` (no earlier Production version that may come back).
    public func rollback(modelName: String, reason: String, actor: Principal) async throws -> RollbackOutcome {
        try ModelName.validate(modelName)
        try validateComment(reason)
        guard !reason.allSatisfy(\.isWhitespace) else {
            throw RegistryError.invalid("Say why you roll back: give a reason (it goes into the audit log).")
        }
        let permit = try await core.admit(.rollback, actor, model: modelName, attempted: "roll back '\(modelName)'")
        try await core.refuseAnonymousOnGuarded(permit, modelName: modelName, doing: "rolling back")
        let now = clock.now()
        return try await store.write(permit) { tx in
            let model = try await tx.requireModel(modelName)
            try await core.refuseAnonymousOnGuarded(
                tx,
                actor,
                modelID: model.id,
                modelName: model.name,
                doing: "rolling back"
            )
            let inProduction = try await versions(tx, modelID: model.id, in: .production)
            let current = inProduction.map(\.number)
            let history = try StageHistory.replay(
                modelName: model.name,
                events: try await lifecycleEvents(tx, modelID: model.id, name: model.name),
                at: now
            )
            let removed = Self.removedFromProduction(history.changes)
            let entries = history.changes.filter { $0.to == .production }.reversed()
            // The versions that were ever in Production, newest entry first, read one by one (point reads of the
            // versions the log names, not a scan of the model's history) until one may come back.
            var candidates: [ModelVersion] = []
            var looked = Set<Int>()
            var target: ModelVersion?
            for entry in entries where looked.insert(entry.version).inserted {
                guard let version = try await tx.version(modelID: model.id, number: entry.version),
                    version.stage != .production, version.status == .ready
                else { continue }
                candidates.append(version)
                if removed[version.number] == nil {
                    target = version
                    break
                }
            }
            guard let target else {
                let pulled = Set(candidates.map(\.number)).sorted().compactMap { removed[$0] }
                throw RegistryError(
                    .failedPrecondition,
                    "'\(modelName)' has no earlier Production version to roll back to (the log shows "
                        + "\(Set(entries.map(\.version)).count) version(s) ever in Production"
                        + (pulled.isEmpty
                            ? ""
                            : "; "
                                + pulled.map { "version \($0.version) was moved out of it by \($0.actor)" }
                                .joined(separator: ", ") + ", so it comes back only through a promotion")
                        + "). Promote one with `cairn promote`."
                )
            }
            for var version in inProduction {
                version.stage = .archived
                version.updatedAt = now
                version.updatedBy = actor.name
                try await tx.updateVersion(version)
            }
            var restored = target
            let previous = restored.stage
            restored.stage = .production
            restored.updatedAt = now
            restored.updatedBy = actor.name
            try await tx.updateVersion(restored)
            try await record(
                tx,
                actor: actor,
                .versionStageChanged(
                    .init(from: previous, to: .production, archived: current.sorted(), rollbackReason: reason)
                ),
                subject: Subject.version(model.name, restored.number),
                modelID: model.id,
                at: now
            )
            return RollbackOutcome(restored: restored, archived: current.sorted())
        }
    }

    /// The versions whose last exit from Production was a move of their own (someone took them out on purpose), with
    /// that change; versions archived because another version was promoted or rolled back are not listed.
    static func removedFromProduction(_ changes: [StageChange]) -> [Int: StageChange] {
        var stages: [Int: Stage] = [:]
        var removed: [Int: StageChange] = [:]
        for change in changes {
            for number in change.archived where stages[number] == .production {
                removed[number] = nil
                stages[number] = .archived
            }
            let wasInProduction = stages[change.version] == .production || change.from == .production
            if change.to == .production {
                removed[change.version] = nil
            } else if wasInProduction {
                removed[change.version] = change
            }
            stages[change.version] = change.to
        }
        return removed
    }

    /// The provenance of the version a `models:/` URI resolves to: lineage, card, requests with approvals and gate
    /// evidence, and stage changes. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`.
    public func provenance(_ uri: ModelURI, actor: Principal) async throws -> Provenance {
        let permit = try await core.admit(.provenance, actor, model: uri.modelName)
        let version = try await catalog.resolve(uri, permit).version
        return try await store.read(permit) { reader in
            let card =
                try await reader.modelCard(versionID: version.id)
                ?? StoredModelCard(
                    versionID: version.id,
                    card: ModelCard(),
                    revision: 0,
                    updatedAt: version.createdAt,
                    updatedBy: version.createdBy
                )
            var requests: [TransitionRequest] = []
            var after: RequestCursor?
            repeat {
                let page = try await reader.transitionRequests(
                    modelID: version.modelID,
                    state: nil,
                    after: after,
                    limit: 500
                )
                requests += page.filter { $0.versionID == version.id }
                after = page.count == 500 ? page.last.map(RequestCursor.init(after:)) : nil
            } while after != nil
            let changes = try StageHistory.replay(
                modelName: version.modelName,
                events: try await lifecycleEvents(reader, modelID: version.modelID, name: version.modelName),
                at: .distantFuture
            ).changes.filter { $0.version == version.number || $0.archived.contains(version.number) }
            return Provenance(version: version, card: card, requests: requests, stageChanges: changes)
        }
    }

    /// The events that move versions between stages (and delete them), for one model, ascending; events written
    /// before events carried a model id are found by the model's current name.
    private func lifecycleEvents(_ reader: Reader, modelID: String, name: String) async throws
        -> [AuditEvent]
    {
        var events: [AuditEvent] = []
        for action in [EventAction.versionStageChanged, .versionDeleted] {
            var after: Int64 = 0
            while true {
                let page = try await reader.events(
                    matching: EventQuery(
                        modelID: modelID,
                        legacySubject: Subject.model(name),
                        action: action.rawValue
                    ),
                    afterSequence: after,
                    limit: 1000
                )
                events += page
                guard page.count == 1000, let last = page.last else { break }
                after = last.sequence
            }
        }
        return events.sorted { $0.sequence < $1.sequence }
    }
}
