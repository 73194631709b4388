import Foundation

extension RegistryService {
    /// Sets the policy of a model, or (with `modelName` `nil`) the registry-wide default that applies to every model
    /// without one. A model's policy replaces the default entirely. Pending requests keep the rule they were made
    /// under. Needs ``Action/administer`` globally, also for a model's policy: an admin of one model could otherwise
    /// lift the governance of the model it administers. Refusals are recorded.
    /// - Throws: `.permissionDenied`/`.unauthenticated`, `.notFound` (model).
    public func setPolicy(modelName: String?, policy: Policy, actor: Principal) async throws -> StoredPolicy {
        if let modelName { try ModelName.validate(modelName) }
        let attempted = modelName.map { "set the policy of '\($0)'" } ?? "set the default policy"
        try await authorize(actor, .administer, model: nil, attempted: attempted)
        let now = clock.now()
        return try await store.write { tx in
            let model = try await modelName.asyncMap { try await requireModel(tx, $0) }
            let previous = try await tx.policy(modelID: model?.id)
            let stored = StoredPolicy(modelID: model?.id, policy: policy, updatedAt: now, updatedBy: actor.name)
            try await tx.setPolicy(stored)
            try await record(
                tx,
                actor: actor,
                .policySet(.init(policy: policy.document, replaced: previous != nil)),
                subject: Self.policySubject(modelName),
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
        try await authorize(actor, .administer, model: nil, attempted: attempted)
        let now = clock.now()
        try await store.write { tx in
            let model = try await modelName.asyncMap { try await requireModel(tx, $0) }
            guard try await tx.deletePolicy(modelID: model?.id) else {
                let whose = modelName.map { "Model '\($0)' has no policy of its own" } ?? "There is no default policy"
                throw RegistryError(.notFound, "\(whose); there is nothing to delete.")
            }
            try await record(
                tx,
                actor: actor,
                .policyDeleted(.init()),
                subject: Self.policySubject(modelName),
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
        try Authorization.require(actor, .read, model: modelName)
        return try await store.read { reader in
            let model = try await modelName.asyncMap { try await requireModel(reader, $0) }
            return try await effectivePolicy(reader, modelID: model?.id)
        }
    }

    /// The policy governing a model (`nil`: the default one): its own, else the default — one place decides.
    func effectivePolicy(_ reader: any MetadataReader, modelID: String?) async throws -> EffectivePolicy {
        if let modelID, let own = try await reader.policy(modelID: modelID) {
            return EffectivePolicy(source: .model, stored: own)
        }
        guard let fallback = try await reader.policy(modelID: nil) else {
            return EffectivePolicy(source: .none, stored: nil)
        }
        return EffectivePolicy(source: .default, stored: fallback)
    }

    static func policySubject(_ modelName: String?) -> String {
        modelName.map { modelSubject($0) + "/policy" } ?? "policy/default"
    }

    /// ``refuseAnonymousOnGuarded(_:_:modelID:modelName:doing:)`` in a read of its own, so that a refusal opens no
    /// write transaction; the write repeats the check (a policy may land in between). Free for callers with an account.
    func refuseAnonymousOnGuarded(_ actor: Principal, modelName: String, doing: String) async throws {
        guard actor.kind == .anonymous else { return }
        try await store.read { reader in
            guard let model = try await reader.model(named: modelName) else { return }
            try await refuseAnonymousOnGuarded(reader, actor, modelID: model.id, modelName: model.name, doing: doing)
        }
    }

    /// Refuses an anonymous caller on a model a policy guards: four eyes tells people apart by who they are, and
    /// every anonymous caller is the same nobody, so on a guarded model anonymous may not create versions, upload,
    /// finalize or request a transition (whatever role the server grants anonymous access).
    /// - Throws: `.unauthenticated` saying an account is needed.
    func refuseAnonymousOnGuarded(
        _ reader: any MetadataReader,
        _ actor: Principal,
        modelID: String,
        modelName: String,
        doing: String
    ) async throws {
        guard actor.kind == .anonymous, try await effectivePolicy(reader, modelID: modelID).guardsAnything else {
            return
        }
        throw RegistryError(
            .unauthenticated,
            "'\(modelName)' is guarded by a policy, so \(doing) it needs an account: approvals must be able to tell "
                + "the requester, the uploader and the approvers apart. Authenticate with a token "
                + "(`Authorization: Bearer …`, or MLFLOW_TRACKING_TOKEN)."
        )
    }
}
