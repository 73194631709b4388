import Foundation

extension GovernanceService {
    /// Sets the policy of a model, or (with `modelName` `nil`) the registry-wide default that applies to every model
    /// without one. A model's policy replaces the default entirely. Pending requests keep the rule they were made
    /// under. Needs ``Action/administer`` globally, also for a model's policy: an admin of one model could otherwise
    /// lift the governance of the model it administers. Refusals are recorded.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound` (model).
    public func setPolicy(modelName: String?, policy: Policy, actor: Principal) async throws -> StoredPolicy {
        if let modelName { try ModelName.validate(modelName) }
        let attempted = modelName.map { "set the policy of '\($0)'" } ?? "set the default policy"
        let permit = try await core.admit(.setPolicy, actor, model: nil, attempted: attempted)
        let now = clock.now()
        return try await store.write(permit) { tx in
            let model = try await modelName.asyncMap { try await tx.requireModel($0) }
            let previous = try await tx.policy(modelID: model?.id)
            let stored = StoredPolicy(modelID: model?.id, policy: policy, updatedAt: now, updatedBy: actor.name)
            try await tx.setPolicy(stored)
            try await record(
                tx,
                actor: actor,
                .policySet(.init(policy: policy.document, replaced: previous != nil)),
                subject: Subject.policy(modelName),
                modelID: model?.id,
                at: now
            )
            return stored
        }
    }

    /// Removes a model's policy (the default then applies), or the default policy. Needs ``Action/administer`` globally.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound` (model, or no such policy).
    public func deletePolicy(modelName: String?, actor: Principal) async throws {
        if let modelName { try ModelName.validate(modelName) }
        let attempted = modelName.map { "delete the policy of '\($0)'" } ?? "delete the default policy"
        let permit = try await core.admit(.deletePolicy, actor, model: nil, attempted: attempted)
        let now = clock.now()
        try await store.write(permit) { tx in
            let model = try await modelName.asyncMap { try await tx.requireModel($0) }
            guard try await tx.deletePolicy(modelID: model?.id) else {
                let whose = modelName.map { "Model '\($0)' has no policy of its own" } ?? "There is no default policy"
                throw RegistryError(.notFound, "\(whose); there is nothing to delete.")
            }
            try await record(
                tx,
                actor: actor,
                .policyDeleted(.init()),
                subject: Subject.policy(modelName),
                modelID: model?.id,
                at: now
            )
        }
    }

    /// The policy that governs a model (its own, else the default), or with `modelName` `nil` the default policy.
    /// Needs ``Action/read`` on the model (globally for the default).
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound` (model).
    public func policy(modelName: String?, actor: Principal) async throws -> EffectivePolicy {
        if let modelName { try ModelName.validate(modelName) }
        let permit = try await core.admit(.policy, actor, model: modelName)
        return try await store.read(permit) { reader in
            let model = try await modelName.asyncMap { try await reader.requireModel($0) }
            return try await core.effectivePolicy(reader, modelID: model?.id)
        }
    }
}
