import Foundation

/// A resolved reference: the version (with its sealed manifest) that a `models:/` URI means right now.
public struct ResolvedVersion: Sendable {
    public var uri: ModelURI
    public var version: ModelVersion
    public var manifest: Manifest { version.manifest ?? Manifest(entries: []) }
}

extension CatalogService {
    /// A model's aliases, sorted by name. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func aliases(modelName: String, actor: Principal) async throws -> [ModelAlias] {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.aliases, actor, model: modelName)
        return try await store.read(permit) { reader in
            let model = try await reader.requireModel(modelName)
            return try await reader.aliases(modelID: model.id)
        }
    }

    /// Resolves `models:/NAME/3`, `models:/NAME/latest`, `models:/NAME/Production` or `models:/NAME@alias` to a
    /// `READY` version and its manifest: one indexed read (the serving hot path). Needs ``Action/read`` on the model,
    /// a pure check of the actor's grants (no extra read).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (URI), `.notFound`.
    public func resolve(_ uri: ModelURI, actor: Principal) async throws -> ResolvedVersion {
        try await resolve(uri, core.admit(.resolve, actor, model: uri.modelName))
    }

    /// ``resolve(_:actor:)`` for a use case already admitted on the URI's model.
    func resolve(_ uri: ModelURI, _ permit: Permit) async throws -> ResolvedVersion {
        if let version = try await store.resolve(permit, modelName: uri.modelName, reference: uri.reference) {
            return ResolvedVersion(uri: uri, version: version)
        }
        throw RegistryError(.notFound, try await explainUnresolved(uri, permit))
    }

    /// Works out why a reference did not resolve, for a message that says what to do (off the hot path).
    private func explainUnresolved(_ uri: ModelURI, _ permit: Permit) async throws -> String {
        try await store.read(permit) { reader in
            guard let model = try await reader.model(named: uri.modelName) else {
                return RegistryError.modelNotFound(uri.modelName).message
            }
            switch uri.reference {
            case .number(let number):
                guard let version = try await reader.version(modelID: model.id, number: number) else {
                    return RegistryError.versionNotFound(uri.modelName, number).message
                }
                return "Version \(number) of '\(uri.modelName)' is \(version.status.rawValue), not READY; "
                    + "finalize it or use another version."
            case .latest:
                return "Model '\(uri.modelName)' has no READY version yet; push files and finalize a version first."
            case .stage(let stage):
                return "Model '\(uri.modelName)' has no READY version in stage \(stage.rawValue)."
            case .alias(let alias):
                return "Model '\(uri.modelName)' has no alias '\(alias)'. Set it with `cairn alias set`."
            }
        }
    }
}
