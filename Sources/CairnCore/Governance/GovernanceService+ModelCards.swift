import Foundation

extension GovernanceService {
    /// A version's model card; an empty card at revision 0 when none was written yet. Needs ``Action/read`` on the
    /// model.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`.
    public func modelCard(modelName: String, number: Int, actor: Principal) async throws -> StoredModelCard {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.modelCard, actor, model: modelName)
        return try await store.read(permit) { reader in
            let version = try await reader.requireVersion(modelName, number)
            return try await reader.modelCard(versionID: version.id)
                ?? StoredModelCard(
                    versionID: version.id,
                    card: ModelCard(),
                    revision: 0,
                    updatedAt: version.createdAt,
                    updatedBy: version.createdBy
                )
        }
    }

    /// Replaces a version's model card — allowed after the version is sealed, unlike its files and lineage. Each
    /// edit that changes something bumps the revision and appends `model_card.updated` with the changed fields and
    /// the whole new card; an edit that changes nothing returns the card as it is and records nothing.
    ///
    /// With `expectedRevision`, the edit applies only if the card is still at that revision (read-modify-write
    /// without lost updates). Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound`, `.failedPrecondition` (revision moved on,
    ///   version `FAILED`).
    public func setModelCard(
        modelName: String,
        number: Int,
        card: ModelCard,
        expectedRevision: Int?,
        actor: Principal
    ) async throws -> StoredModelCard {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.setModelCard, actor, model: modelName)
        let now = clock.now()
        return try await store.write(permit) { tx in
            let version = try await tx.requireVersion(modelName, number)
            guard version.status != .failed else {
                throw RegistryError(
                    .failedPrecondition,
                    "Version \(number) of '\(modelName)' is FAILED; it can never be used, so it takes no model card."
                )
            }
            let current = try await tx.modelCard(versionID: version.id)
            let revision = current?.revision ?? 0
            if let expectedRevision, expectedRevision != revision {
                throw RegistryError(
                    .failedPrecondition,
                    "The model card of version \(number) of '\(modelName)' is at revision \(revision), not "
                        + "\(expectedRevision): someone edited it meanwhile. Read it again and reapply your change."
                )
            }
            let changed = card.changedFields(from: current?.card ?? ModelCard())
            if changed.isEmpty, let current { return current }
            let stored = StoredModelCard(
                versionID: version.id,
                card: card,
                revision: revision + 1,
                updatedAt: now,
                updatedBy: actor.name
            )
            try await tx.setModelCard(stored)
            try await record(
                tx,
                actor: actor,
                .modelCardUpdated(
                    .init(revision: stored.revision, changed: changed.map(\.rawValue), card: card.document)
                ),
                subject: Subject.version(modelName, number),
                modelID: version.modelID,
                at: now
            )
            return stored
        }
    }
}
