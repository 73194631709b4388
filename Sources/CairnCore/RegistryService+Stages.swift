import Foundation

extension RegistryService {
    /// Moves a `READY` version into `stage`. With `archiveExisting`, every other version currently in the target
    /// stage (Staging or Production) moves to Archived in the same transaction — MLflow's `archive_existing_versions`.
    /// Archived versions keep their files and stay resolvable by number. One event records the whole change.
    ///
    /// Needs ``Action/write`` on the model (approval policies come with governance); a refused move into Production
    /// is recorded as `access.denied`.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.failedPrecondition` (version not `READY`).
    public func transitionStage(
        modelName: String,
        number: Int,
        to stage: Stage,
        archiveExisting: Bool,
        actor: Principal
    ) async throws -> ModelVersion {
        try ModelName.validate(modelName)
        if stage == .production {
            let attempted = "move version \(number) of '\(modelName)' to Production"
            try await authorize(actor, .write, model: modelName, attempted: attempted)
        } else {
            try Authorization.require(actor, .write, model: modelName)
        }
        let now = clock.now()
        return try await store.write { tx in
            var version = try await requireVersion(tx, modelName, number)
            guard version.status == .ready else {
                throw RegistryError(
                    .failedPrecondition,
                    "Version \(number) of '\(modelName)' is \(version.status.rawValue); only READY versions change stage."
                )
            }
            let previous = version.stage
            var archived: [Int] = []
            if archiveExisting, stage == .staging || stage == .production {
                var before: Int?
                repeat {
                    let page = try await tx.versions(modelID: version.modelID, beforeNumber: before, limit: 500)
                    for var other in page where other.number != number && other.stage == stage {
                        other.stage = .archived
                        other.updatedAt = now
                        other.updatedBy = actor.name
                        try await tx.updateVersion(other)
                        archived.append(other.number)
                    }
                    before = page.count == 500 ? page.last?.number : nil
                } while before != nil
            }
            version.stage = stage
            version.updatedAt = now
            version.updatedBy = actor.name
            try await tx.updateVersion(version)
            try await record(
                tx,
                actor: actor,
                action: "version.stage_changed",
                subject: Self.versionSubject(modelName, number),
                payload: ["from": previous.rawValue, "to": stage.rawValue, "archived": archived.sorted()],
                at: now
            )
            return version
        }
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
            var latest: [Stage: ModelVersion] = [:]
            var before: Int?
            repeat {
                let page = try await reader.versions(modelID: model.id, beforeNumber: before, limit: 500)
                for version in page where latest[version.stage] == nil { latest[version.stage] = version }
                before = page.count == 500 ? page.last?.number : nil
            } while before != nil && latest.count < Stage.allCases.count
            var seen = Set<Stage>()
            return wanted.compactMap { seen.insert($0).inserted ? latest[$0] : nil }
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
