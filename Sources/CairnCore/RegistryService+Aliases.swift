import Foundation

/// A resolved reference: the version (with its sealed manifest) that a `models:/` URI means right now.
public struct ResolvedVersion: Sendable {
    public var uri: ModelURI
    public var version: ModelVersion
    public var manifest: Manifest { version.manifest ?? Manifest(entries: []) }
}

extension RegistryService {
    /// Points an alias at a `READY` version, creating or moving it. Needs ``Action/write`` on the model.
    ///
    /// A protected alias (one a policy guards) is moved through a transition request: the request is created and
    /// this throws `.approvalRequired` naming it (`cairn promote --alias` returns the request instead).
    /// - Throws: `.approvalRequired`, `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`,
    ///   `.invalidArgument`, `.failedPrecondition` (version not `READY`, a gate failed).
    public func setAlias(modelName: String, alias: String, number: Int, actor: Principal) async throws -> ModelAlias {
        let outcome = try await requestTransition(
            modelName: modelName,
            number: number,
            to: .alias(alias),
            archiveExisting: false,
            comment: "",
            actor: actor
        )
        guard outcome.applied else { throw Self.approvalRequired(outcome.request!) }
        return ModelAlias(alias: alias, version: number)
    }

    /// Removes an alias. Needs ``Action/write`` on the model; an alias a policy protects (serving may follow it)
    /// needs ``Action/administer`` on the model to remove, and a refusal is recorded.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (model or alias).
    public func deleteAlias(modelName: String, alias: String, actor: Principal) async throws {
        try ModelName.validate(modelName)
        try AliasName.validate(alias)
        try Authorization.require(actor, .write, model: modelName)
        let now = clock.now()
        let step: GovernedStep<Void> = try await store.write { tx in
            let model = try await requireModel(tx, modelName)
            let subject = Self.modelSubject(modelName) + "/alias/\(alias)"
            if try await effectivePolicy(tx, modelID: model.id).rule(for: .alias(alias)) != nil,
                case .denied(let reason) = Authorization.decide(actor, .administer, model: modelName)
            {
                let why =
                    "'\(alias)' is protected by the policy of '\(modelName)': removing it needs the admin role. "
                    + reason
                try await recordDenial(
                    tx,
                    actor: actor,
                    action: .administer,
                    subject: subject,
                    modelID: model.id,
                    attempted: "delete alias '\(alias)'",
                    reason: why,
                    at: now
                )
                return .refused(Authorization.refusal(actor, .administer, model: modelName, reason: why))
            }
            guard try await tx.deleteAlias(modelID: model.id, alias: alias) else {
                throw RegistryError(.notFound, "Model '\(modelName)' has no alias '\(alias)'.")
            }
            try await record(
                tx,
                actor: actor,
                .aliasDeleted(.init()),
                subject: subject,
                modelID: model.id,
                at: now
            )
            return .done(())
        }
        try step.get()
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

    /// Events after `sequence`, ascending, at most `limit` (1 to 1000). Needs ``Action/read`` globally: the log
    /// spans every model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument`.
    public func events(afterSequence sequence: Int64, limit: Int = 1000, actor: Principal) async throws
        -> [AuditEvent]
    {
        guard sequence >= 0, (1...1000).contains(limit) else {
            throw RegistryError(.invalidArgument, "Use after >= 0 and limit from 1 to 1000.")
        }
        try Authorization.require(actor, .read, model: nil)
        return try await store.read { try await $0.events(afterSequence: sequence, limit: limit) }
    }
}
