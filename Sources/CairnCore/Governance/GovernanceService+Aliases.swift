import Foundation

extension GovernanceService {
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
            admittedAs: .setAlias,
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
        let permit = try await core.admit(.deleteAlias, actor, model: modelName)
        let now = clock.now()
        let step: GovernedStep<Void> = try await store.write(permit) { tx in
            let model = try await tx.requireModel(modelName)
            let subject = Subject.model(modelName) + "/alias/\(alias)"
            if try await core.effectivePolicy(tx, modelID: model.id).rule(for: .alias(alias)) != nil,
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
}
