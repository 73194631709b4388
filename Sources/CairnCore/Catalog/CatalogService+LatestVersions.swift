import Foundation

extension CatalogService {
    /// The highest-numbered version in each of `stages` (all four when empty), in the order the stages are given.
    /// Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` for an unknown model.
    public func latestVersions(modelName: String, stages: [Stage], actor: Principal) async throws -> [ModelVersion] {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.latestVersions, actor, model: modelName)
        let wanted = stages.isEmpty ? Stage.allCases : stages
        return try await store.read(permit) { reader in
            let model = try await reader.requireModel(modelName)
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
        let lookup = try core.admitLookup(.versionByID, actor)
        let version = try await store.read(lookup) { try await $0.version(id: id) }
        let notFound = RegistryError(.notFound, "No model version has id '\(id.prefix(80))'.")
        try core.requireReadable(actor, model: version?.modelName, notFound: notFound)
        guard let version else { throw notFound }
        return version
    }
}
