import Foundation

/// A resolved reference: the version (with its sealed manifest) that a `models:/` URI means right now.
public struct ResolvedVersion: Sendable {
    public var uri: ModelURI
    public var version: ModelVersion
    public var manifest: Manifest { version.manifest ?? Manifest(entries: []) }
}

extension RegistryService {
    /// Points an alias at a `READY` version, creating or moving it. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`, `.failedPrecondition` (version not
    ///   `READY`).
    public func setAlias(modelName: String, alias: String, number: Int, actor: Principal) async throws -> ModelAlias {
        try ModelName.validate(modelName)
        try AliasName.validate(alias)
        try Authorization.require(actor, .write, model: modelName)
        let now = clock.now()
        return try await store.write { tx in
            let version = try await requireVersion(tx, modelName, number)
            guard version.status == .ready else {
                throw RegistryError(
                    .failedPrecondition,
                    "Version \(number) of '\(modelName)' is \(version.status.rawValue); only READY versions can carry an "
                        + "alias. Finalize it first."
                )
            }
            let previous = try await tx.aliases(modelID: version.modelID).first { $0.alias == alias }
            let value = ModelAlias(alias: alias, version: number)
            try await tx.setAlias(modelID: version.modelID, alias: value)
            try await record(
                tx,
                actor: actor,
                action: "alias.set",
                subject: Self.modelSubject(modelName) + "/alias/\(alias)",
                payload: ["version": number, "previous_version": previous?.version ?? 0],
                at: now
            )
            return value
        }
    }

    /// Removes an alias. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (model or alias).
    public func deleteAlias(modelName: String, alias: String, actor: Principal) async throws {
        try ModelName.validate(modelName)
        try AliasName.validate(alias)
        try Authorization.require(actor, .write, model: modelName)
        let now = clock.now()
        try await store.write { tx in
            let model = try await requireModel(tx, modelName)
            guard try await tx.deleteAlias(modelID: model.id, alias: alias) else {
                throw RegistryError(.notFound, "Model '\(modelName)' has no alias '\(alias)'.")
            }
            try await record(
                tx,
                actor: actor,
                action: "alias.deleted",
                subject: Self.modelSubject(modelName) + "/alias/\(alias)",
                at: now
            )
        }
    }

    /// A model's aliases, sorted by name. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func aliases(modelName: String, actor: Principal) async throws -> [ModelAlias] {
        try ModelName.validate(modelName)
        try Authorization.require(actor, .read, model: modelName)
        return try await store.read { reader in
            let model = try await requireModel(reader, modelName)
            return try await reader.aliases(modelID: model.id)
        }
    }

    /// Resolves `models:/NAME/3`, `models:/NAME/latest`, `models:/NAME/Production` or `models:/NAME@alias` to a
    /// `READY` version and its manifest: one indexed read (the serving hot path). Needs ``Action/read`` on the model,
    /// a pure check of the actor's grants (no extra read).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (URI), `.notFound`.
    public func resolve(_ uri: ModelURI, actor: Principal) async throws -> ResolvedVersion {
        try Authorization.require(actor, .read, model: uri.modelName)
        if let version = try await store.resolve(modelName: uri.modelName, reference: uri.reference) {
            return ResolvedVersion(uri: uri, version: version)
        }
        throw RegistryError(.notFound, try await explainUnresolved(uri))
    }

    /// Works out why a reference did not resolve, for a message that says what to do (off the hot path).
    private func explainUnresolved(_ uri: ModelURI) async throws -> String {
        try await store.read { reader in
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

    /// Events after `sequence`, ascending. Needs ``Action/read`` globally: the log spans every model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous).
    public func events(afterSequence sequence: Int64, limit: Int = 1000, actor: Principal) async throws
        -> [AuditEvent]
    {
        try Authorization.require(actor, .read, model: nil)
        return try await store.read { try await $0.events(afterSequence: sequence, limit: limit) }
    }

    /// Re-walks the whole event chain; returns the first break or `nil` when intact. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous).
    public func verifyEventChain(batchSize: Int = 5000, actor: Principal) async throws -> EventChain.Break? {
        try Authorization.require(actor, .read, model: nil)
        var previous: AuditEvent?
        while true {
            let batch = try await events(afterSequence: previous?.sequence ?? 0, limit: batchSize, actor: actor)
            if let broken = EventChain.verify(batch, startingAfter: previous) { return broken }
            guard let last = batch.last else { return nil }
            previous = last
        }
    }
}
