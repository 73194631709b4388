import Foundation

extension RegistryService {
    /// Moves a `READY` version into `stage` — MLflow's transition call. With `archiveExisting`, every other version
    /// currently in the target stage (Staging or Production) moves to Archived in the same transaction (MLflow's
    /// `archive_existing_versions`). Archived versions keep their files and stay resolvable by number.
    ///
    /// This is ``requestTransition(modelName:number:to:archiveExisting:comment:actor:)`` for callers that expect
    /// the move to happen: when a policy guards the stage, the request is created and this throws
    /// `.approvalRequired` naming it, instead of silently transitioning. Needs ``Action/write`` on the model.
    /// - Throws: `.approvalRequired`, `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`,
    ///   `.failedPrecondition` (version not `READY`, a gate failed).
    public func transitionStage(
        modelName: String,
        number: Int,
        to stage: Stage,
        archiveExisting: Bool,
        actor: Principal
    ) async throws -> ModelVersion {
        let outcome = try await requestTransition(
            modelName: modelName,
            number: number,
            to: .stage(stage),
            archiveExisting: archiveExisting,
            comment: "",
            actor: actor
        )
        guard outcome.applied else { throw Self.approvalRequired(outcome.request!) }
        return outcome.version
    }

    /// The highest-numbered version in each of `stages` (all four when empty), in the order the stages are given.
    /// Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` for an unknown model.
    public func latestVersions(modelName: String, stages: [Stage], actor: Principal) async throws -> [ModelVersion] {
        try ModelName.validate(modelName)
        try Authorization.require(actor, .read, model: modelName)
        let wanted = stages.isEmpty ? Stage.allCases : stages
        return try await store.read { reader in
            let model = try await requireModel(reader, modelName)
            var seen = Set<Stage>()
            var latest: [ModelVersion] = []
            for stage in wanted where seen.insert(stage).inserted {
                if let version = try await reader.versions(modelID: model.id, stage: stage, beforeNumber: nil, limit: 1)
                    .first
                {
                    latest.append(version)
                }
            }
            return latest
        }
    }

    /// The version with this id. Needs ``Action/read`` on its model; a version the actor may not read is reported
    /// as not found, so ids reveal no model names.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous) (when the actor may read nothing at all), `.notFound`.
    public func version(id: String, actor: Principal) async throws -> ModelVersion {
        let version = try await store.read { try await $0.version(id: id) }
        let notFound = RegistryError(.notFound, "No model version has id '\(id.prefix(80))'.")
        try requireReadable(actor, model: version?.modelName, notFound: notFound)
        guard let version else { throw notFound }
        return version
    }
}
