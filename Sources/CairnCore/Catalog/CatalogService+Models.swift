import Foundation

extension CatalogService {
    /// Creates a registered model. Needs ``Action/write`` on `name` (a prefix grant covering it is enough).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (name, description,
    ///   tags), `.alreadyExists`.
    public func createModel(
        name: String,
        description: String = "",
        tags: [String: String] = [:],
        actor: Principal
    ) async throws -> RegisteredModel {
        try ModelName.validate(name)
        try validateDescription(description)
        try TagRules.validate(tags)
        let permit = try await core.admit(.createModel, actor, model: name)
        let now = clock.now()
        let model = RegisteredModel(
            id: ids.next(),
            name: name,
            description: description,
            tags: tags,
            createdBy: actor.name,
            createdAt: now,
            updatedAt: now,
            updatedBy: actor.name
        )
        return try await store.write(permit) { tx in
            if try await tx.model(named: name) != nil {
                throw RegistryError(.alreadyExists, "Registered model '\(name)' already exists. Choose another name.")
            }
            try await tx.insertModel(model)
            try await record(
                tx,
                actor: actor,
                .modelCreated(.init(id: model.id, description: description, tags: tags)),
                subject: Subject.model(name),
                modelID: model.id,
                at: now
            )
            return model
        }
    }

    /// One registered model. Needs ``Action/read`` on it.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func model(named name: String, actor: Principal) async throws -> RegisteredModel {
        try ModelName.validate(name)
        let permit = try await core.admit(.model, actor, model: name)
        return try await store.read(permit) { try await $0.requireModel(name) }
    }

    /// Lists models by name, a page at a time. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` for a bad token or limit.
    public func listModels(
        filter: ModelFilter = ModelFilter(),
        pageToken: String? = nil,
        limit: Int? = nil,
        actor: Principal
    ) async throws -> Page<RegisteredModel> {
        let permit = try await core.admit(.listModels, actor, model: nil)
        let limit = try PageToken.limit(limit)
        let after = try pageToken.map { token throws(RegistryError) in try PageToken.decode(token) }
        try TagRules.validate(filter.tags)
        try filter.validate()
        let rows = try await store.read(permit) {
            try await $0.models(matching: filter, afterName: after, limit: limit + 1)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageToken.encode($0.name) } : nil
        return Page(items: items, nextPageToken: next)
    }

    /// Changes a model's description. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`.
    public func updateModel(name: String, description: String, actor: Principal) async throws -> RegisteredModel {
        try ModelName.validate(name)
        try validateDescription(description)
        let permit = try await core.admit(.updateModel, actor, model: name)
        let now = clock.now()
        return try await store.write(permit) { tx in
            var model = try await tx.requireModel(name)
            model.description = description
            model.updatedAt = now
            model.updatedBy = actor.name
            try await tx.updateModel(model)
            try await record(
                tx,
                actor: actor,
                .modelUpdated(.init(description: description)),
                subject: Subject.model(name),
                modelID: model.id,
                at: now
            )
            return model
        }
    }

    /// Renames a model. The old name stops resolving at once; versions, aliases and history follow the model.
    /// Needs ``Action/write`` on both names, so a per-model or prefix grant cannot move a model out of its reach, and
    /// the global admin role when the model has its own policy (decision 0011). Refusals are recorded.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.alreadyExists`,
    ///   `.invalidArgument`.
    public func renameModel(name: String, to newName: String, actor: Principal) async throws -> RegisteredModel {
        try ModelName.validate(name)
        try ModelName.validate(newName)
        let attempted = "rename model '\(name)' to '\(newName)'"
        let permit = try await core.admit(.renameModel, actor, model: name, attempted: attempted)
        _ = try await core.admit(.renameModel, actor, model: newName, attempted: attempted)
        let now = clock.now()
        let step: GovernedStep<RegisteredModel> = try await store.write(permit) { tx in
            var model = try await tx.requireModel(name)
            if newName == name { return .done(model) }
            if try await tx.model(named: newName) != nil {
                throw RegistryError(
                    .alreadyExists,
                    "Cannot rename '\(name)': a model named '\(newName)' already exists."
                )
            }
            // A model's own policy follows the model (it is keyed by id), so renaming it frees the old name for an
            // unguarded twin that `models:/<old name>/Production` would then serve: an admin's call (decision 0011).
            if let refusal = try await ownPolicyNeedsAdmin(tx, actor, model, doing: "renaming", attempted, at: now) {
                return .refused(refusal)
            }
            model.name = newName
            model.updatedAt = now
            model.updatedBy = actor.name
            try await tx.updateModel(model)
            try await record(
                tx,
                actor: actor,
                .modelRenamed(.init(from: name, to: newName, id: model.id)),
                subject: Subject.model(newName),
                modelID: model.id,
                at: now
            )
            return .done(model)
        }
        return try step.get()
    }

    /// Deletes a model with all its versions and aliases. Blobs stay until garbage collection; events stay forever.
    /// Needs ``Action/delete`` (maintainer or admin) on the model; the global admin role when the model has its own
    /// policy (deleting it would free the name for an unguarded twin, as a rename would); an account when any policy
    /// guards it. A caller who may read the model is told first when it does not exist. Refusals are recorded.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func deleteModel(name: String, actor: Principal) async throws {
        try ModelName.validate(name)
        let attempted = "delete model '\(name)'"
        if Authorization.decide(actor, .read, model: name).isAllowed {
            let lookup = try core.admitLookup(.deleteModel, actor)
            _ = try await store.read(lookup) { try await $0.requireModel(name) }
        }
        let permit = try await core.admit(.deleteModel, actor, model: name, attempted: attempted)
        let now = clock.now()
        let step: GovernedStep<Void> = try await store.write(permit) { tx in
            let model = try await tx.requireModel(name)
            if let refusal = try await ownPolicyNeedsAdmin(tx, actor, model, doing: "deleting", attempted, at: now) {
                return .refused(refusal)
            }
            try await core.refuseAnonymousOnGuarded(
                tx,
                actor,
                modelID: model.id,
                modelName: model.name,
                doing: "deleting"
            )
            try await tx.deleteModel(id: model.id)
            try await record(
                tx,
                actor: actor,
                .modelDeleted(.init(id: model.id)),
                subject: Subject.model(name),
                modelID: model.id,
                at: now
            )
            return .done(())
        }
        try step.get()
    }

    /// The refusal (recorded as `access.denied` in `tx`) of `doing` to a model with its own policy by anyone but a
    /// global admin: its policy is keyed by the model's id, so renaming or deleting the model frees the name for an
    /// unguarded twin that `models:/<name>/Production` would then serve (decision 0011). `nil` when allowed.
    func ownPolicyNeedsAdmin(
        _ tx: Transaction,
        _ actor: Principal,
        _ model: RegisteredModel,
        doing: String,
        _ attempted: String,
        at now: Date
    ) async throws -> RegistryError? {
        guard try await tx.policy(modelID: model.id) != nil,
            case .denied(let reason) = Authorization.decide(actor, .administer, model: nil)
        else { return nil }
        let why =
            "'\(model.name)' has its own policy: \(doing) it would leave its name, and whatever is registered under "
            + "it next, unguarded, so it needs the admin role. " + reason
        try await recordDenial(
            tx,
            actor: actor,
            action: .administer,
            subject: Subject.model(model.name),
            modelID: model.id,
            attempted: attempted,
            reason: why,
            at: now
        )
        return Authorization.refusal(actor, .administer, model: nil, reason: why)
    }

    /// Sets (adds or overwrites) one tag of a model. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`.
    public func setModelTag(name: String, key: String, value: String, actor: Principal) async throws -> RegisteredModel
    {
        try ModelName.validate(name)
        try TagRules.validate(key: key, value: value)
        return try await changeModelTags(
            .setModelTag,
            name: name,
            actor: actor,
            .modelTagSet(.init(key: key, value: value))
        ) {
            $0[key] = value
        }
    }

    /// Deletes one tag of a model. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (model or tag).
    public func deleteModelTag(name: String, key: String, actor: Principal) async throws -> RegisteredModel {
        try ModelName.validate(name)
        return try await changeModelTags(.deleteModelTag, name: name, actor: actor, .modelTagDeleted(.init(key: key))) {
            tags throws(RegistryError) in
            guard tags.removeValue(forKey: key) != nil else {
                throw RegistryError(.notFound, "Model '\(name)' has no tag '\(key)'.")
            }
        }
    }

    private func changeModelTags(
        _ useCase: UseCase,
        name: String,
        actor: Principal,
        _ event: RegistryEvent,
        change: @escaping @Sendable (inout [String: String]) throws(RegistryError) -> Void
    ) async throws -> RegisteredModel {
        let permit = try await core.admit(useCase, actor, model: name)
        let now = clock.now()
        return try await store.write(permit) { tx in
            var model = try await tx.requireModel(name)
            try change(&model.tags)
            model.updatedAt = now
            model.updatedBy = actor.name
            try await tx.replaceModelTags(modelID: model.id, tags: model.tags)
            try await tx.updateModel(model)
            try await record(
                tx,
                actor: actor,
                event,
                subject: Subject.model(name),
                modelID: model.id,
                at: now
            )
            return model
        }
    }
}
