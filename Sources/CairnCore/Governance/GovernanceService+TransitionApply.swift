import Foundation

/// Applying a move (a stage or an alias), and the checks and lookups that transitions, stages, aliases and rollback
/// share.
extension GovernanceService {
    /// The error for a change a policy turned into a request.
    static func approvalRequired(_ request: TransitionRequest) -> RegistryError {
        RegistryError(
            .approvalRequired,
            "Moving version \(request.versionNumber) of '\(request.modelName)' to \(request.target) needs approval under "
                + "its policy: transition request \(request.id) is pending (\(request.approvals.count) of "
                + "\(request.requiredApprovals) approvals). An approver runs `cairn requests approve \(request.id)`; "
                + "the change is applied when the policy is satisfied."
        )
    }

    /// Applies a move: sets the stage (archiving the others in it when asked) or points the alias, and records it.
    func applyTransition(
        _ tx: Transaction,
        _ version: ModelVersion,
        to target: TransitionTarget,
        archiveExisting: Bool,
        request: String?,
        actor: Principal,
        at now: Date
    ) async throws -> ModelVersion {
        switch target {
        case .stage(let stage):
            var version = version
            let previous = version.stage
            var archived: [Int] = []
            if archiveExisting, stage == .staging || stage == .production {
                for var other in try await versions(tx, modelID: version.modelID, in: stage)
                where other.number != version.number {
                    other.stage = .archived
                    other.updatedAt = now
                    other.updatedBy = actor.name
                    try await tx.updateVersion(other)
                    archived.append(other.number)
                }
            }
            version.stage = stage
            version.updatedAt = now
            version.updatedBy = actor.name
            try await tx.updateVersion(version)
            try await record(
                tx,
                actor: actor,
                .versionStageChanged(.init(from: previous, to: stage, archived: archived.sorted(), request: request)),
                subject: Subject.version(version.modelName, version.number),
                modelID: version.modelID,
                at: now
            )
            return version
        case .alias(let alias):
            let previous = try await tx.aliases(modelID: version.modelID).first { $0.alias == alias }
            try await tx.setAlias(modelID: version.modelID, alias: ModelAlias(alias: alias, version: version.number))
            try await record(
                tx,
                actor: actor,
                .aliasSet(.init(version: version.number, previousVersion: previous?.version ?? 0, request: request)),
                subject: Subject.model(version.modelName) + "/alias/\(alias)",
                modelID: version.modelID,
                at: now
            )
            return version
        }
    }

    /// Applies an approved request's move.
    func apply(
        _ tx: Transaction,
        _ request: TransitionRequest,
        to version: ModelVersion,
        actor: Principal,
        at now: Date
    ) async throws -> TransitionOutcome {
        let applied = try await applyTransition(
            tx,
            version,
            to: request.target,
            archiveExisting: request.archiveExisting,
            request: request.id,
            actor: actor,
            at: now
        )
        return TransitionOutcome(version: applied, request: request, applied: true)
    }

    /// Every version of a model in `stage`, highest number first: pages of the stage index, so the cost is the
    /// versions in that stage (usually one), never the model's history.
    func versions(_ reader: Reader, modelID: String, in stage: Stage) async throws -> [ModelVersion] {
        var found: [ModelVersion] = []
        var before: Int?
        repeat {
            let page = try await reader.versions(modelID: modelID, stage: stage, beforeNumber: before, limit: 100)
            found += page
            before = page.count == 100 ? page.last?.number : nil
        } while before != nil
        return found
    }

    static func requireReady(_ version: ModelVersion, for target: TransitionTarget) throws(RegistryError) {
        guard version.status == .ready else {
            let what =
                if case .alias = target { "can carry an alias. Finalize it first." } else { "change stage." }
            throw RegistryError(
                .failedPrecondition,
                "Version \(version.number) of '\(version.modelName)' is \(version.status.rawValue); only READY versions "
                    + what
            )
        }
    }

    static func isAlreadyAt(_ reader: Reader, _ version: ModelVersion, _ target: TransitionTarget)
        async throws -> Bool
    {
        switch target {
        case .stage(let stage): return version.stage == stage
        case .alias(let alias):
            return try await reader.aliases(modelID: version.modelID).contains {
                $0.alias == alias && $0.version == version.number
            }
        }
    }
}
