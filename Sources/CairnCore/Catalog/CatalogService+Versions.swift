import Foundation

/// What a caller supplies to create a version.
public struct NewVersion: Sendable {
    public var description: String
    public var tags: [String: String]
    public var lineage: VersionLineage

    public init(description: String = "", tags: [String: String] = [:], lineage: VersionLineage = VersionLineage()) {
        self.description = description
        self.tags = tags
        self.lineage = lineage
    }
}

extension CatalogService {
    /// Creates the next version of a model in `PENDING`; files are then uploaded and the version finalized.
    ///
    /// The number comes from the model's counter, incremented inside this transaction: concurrent creations get
    /// distinct consecutive numbers and a number is never reused. Needs ``Action/write`` on the model, and an account
    /// when a policy guards the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`.
    public func createVersion(modelName: String, _ new: NewVersion, actor: Principal) async throws -> ModelVersion {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.createVersion, actor, model: modelName)
        try validateDescription(new.description)
        try TagRules.validate(new.tags)
        try validate(new.lineage)
        try await core.refuseAnonymousOnGuarded(permit, modelName: modelName, doing: "creating versions of")
        let now = clock.now()
        let id = ids.next()
        return try await store.write(permit) { tx in
            let model = try await tx.requireModel(modelName)
            try await core.refuseAnonymousOnGuarded(
                tx,
                actor,
                modelID: model.id,
                modelName: model.name,
                doing: "creating versions of"
            )
            let number = try await tx.allocateVersionNumber(modelID: model.id)
            let version = ModelVersion(
                id: id,
                modelID: model.id,
                modelName: model.name,
                number: number,
                description: new.description,
                tags: new.tags,
                lineage: new.lineage,
                createdBy: actor.name,
                createdAt: now,
                updatedAt: now,
                updatedBy: actor.name
            )
            try await tx.insertVersion(version)
            try await record(
                tx,
                actor: actor,
                .versionCreated(.init(id: id, runID: new.lineage.runID ?? "", source: new.lineage.source ?? "")),
                subject: Subject.version(model.name, number),
                modelID: model.id,
                at: now
            )
            return version
        }
    }

    /// One version of a model. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func version(modelName: String, number: Int, actor: Principal) async throws -> ModelVersion {
        try await version(modelName: modelName, number: number, admittedAs: .version, actor: actor)
    }

    /// ``version(modelName:number:actor:)`` for the use cases built on it (``Action/read`` on the model).
    func version(modelName: String, number: Int, admittedAs useCase: UseCase, actor: Principal) async throws
        -> ModelVersion
    {
        try ModelName.validate(modelName)
        let permit = try await core.admit(useCase, actor, model: modelName)
        return try await store.read(permit) { try await $0.requireVersion(modelName, number) }
    }

    /// Lists a model's versions, newest first. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument` for a bad token or limit.
    public func listVersions(
        modelName: String,
        pageToken: String? = nil,
        limit: Int? = nil,
        actor: Principal
    ) async throws -> Page<ModelVersion> {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.listVersions, actor, model: modelName)
        let limit = try PageToken.limit(limit)
        var before: Int?
        if let pageToken {
            guard let number = Int(try PageToken.decode(pageToken)) else {
                throw RegistryError.invalid("The page token is not valid for a version listing.")
            }
            before = number
        }
        let beforeNumber = before
        let rows = try await store.read(permit) { reader in
            let model = try await reader.requireModel(modelName)
            return try await reader.versions(
                modelID: model.id,
                stage: nil,
                beforeNumber: beforeNumber,
                limit: limit + 1
            )
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageToken.encode(String($0.number)) } : nil
        return Page(items: items, nextPageToken: next)
    }

    /// Changes a version's description (allowed after sealing; recorded). Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`.
    public func updateVersion(modelName: String, number: Int, description: String, actor: Principal) async throws
        -> ModelVersion
    {
        try validateDescription(description)
        return try await changeVersion(
            .updateVersion,
            modelName,
            number,
            actor,
            .versionUpdated(.init(description: description))
        ) {
            $0.description = description
        }
    }

    /// Sets one tag of a version. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`.
    public func setVersionTag(modelName: String, number: Int, key: String, value: String, actor: Principal) async throws
        -> ModelVersion
    {
        try TagRules.validate(key: key, value: value)
        return try await changeVersion(
            .setVersionTag,
            modelName,
            number,
            actor,
            .versionTagSet(.init(key: key, value: value))
        ) {
            $0.tags[key] = value
        }
    }

    /// Deletes one tag of a version. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (version or tag).
    public func deleteVersionTag(modelName: String, number: Int, key: String, actor: Principal) async throws
        -> ModelVersion
    {
        try await changeVersion(.deleteVersionTag, modelName, number, actor, .versionTagDeleted(.init(key: key))) {
            version throws(RegistryError) in
            guard version.tags.removeValue(forKey: key) != nil else {
                throw RegistryError(.notFound, "Version \(number) of '\(modelName)' has no tag '\(key)'.")
            }
        }
    }

    /// Deletes a version and the aliases pointing at it. Its number is never given out again. Needs
    /// ``Action/delete`` (maintainer or admin) on the model, and an account when a policy guards the model; a refusal
    /// is recorded as `access.denied`. A caller who may read the model is told first when the version does not exist
    /// (as MLflow answers); one who may not gets the refusal either way, so nothing leaks.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func deleteVersion(modelName: String, number: Int, actor: Principal) async throws {
        try ModelName.validate(modelName)
        if Authorization.decide(actor, .read, model: modelName).isAllowed {
            let lookup = try core.admitLookup(.deleteVersion, actor)
            _ = try await store.read(lookup) { try await $0.requireVersion(modelName, number) }
        }
        let permit = try await core.admit(
            .deleteVersion,
            actor,
            model: modelName,
            attempted: "delete version \(number) of '\(modelName)'"
        )
        try await core.refuseAnonymousOnGuarded(permit, modelName: modelName, doing: "deleting versions of")
        let now = clock.now()
        try await store.write(permit) { tx in
            let version = try await tx.requireVersion(modelName, number)
            try await core.refuseAnonymousOnGuarded(
                tx,
                actor,
                modelID: version.modelID,
                modelName: modelName,
                doing: "deleting versions of"
            )
            try await tx.deleteVersion(id: version.id)
            try await record(
                tx,
                actor: actor,
                .versionDeleted(.init(id: version.id)),
                subject: Subject.version(modelName, number),
                modelID: version.modelID,
                at: now
            )
        }
    }

    func changeVersion(
        _ useCase: UseCase,
        _ modelName: String,
        _ number: Int,
        _ actor: Principal,
        _ event: RegistryEvent,
        _ change: @escaping @Sendable (inout ModelVersion) throws(RegistryError) -> Void
    ) async throws -> ModelVersion {
        try ModelName.validate(modelName)
        let permit = try await core.admit(useCase, actor, model: modelName)
        let now = clock.now()
        return try await store.write(permit) { tx in
            var version = try await tx.requireVersion(modelName, number)
            try change(&version)
            version.updatedAt = now
            version.updatedBy = actor.name
            try await tx.updateVersion(version)
            try await record(
                tx,
                actor: actor,
                event,
                subject: Subject.version(modelName, number),
                modelID: version.modelID,
                at: now
            )
            return version
        }
    }

    func validate(_ lineage: VersionLineage) throws(RegistryError) {
        let max = limits.maxLineageEntries
        guard lineage.params.count <= max, lineage.metrics.count <= max, lineage.datasets.count <= max else {
            throw .invalid("A version carries at most \(max) params, metrics and datasets each.")
        }
        for (key, value) in lineage.params { try TagRules.validate(key: key, value: value) }
        for (name, value) in lineage.metrics {
            try TagRules.validate(key: name, value: "")
            guard value.isFinite else {
                throw .invalid("Metric '\(name)' is \(value); metrics must be finite numbers.")
            }
        }
        for dataset in lineage.datasets {
            guard !dataset.name.isEmpty, dataset.name.utf8.count <= 500, dataset.digest.utf8.count <= 500 else {
                throw .invalid("Every dataset needs a name (at most 500 bytes) and a digest (at most 500 bytes).")
            }
        }
        for (label, text) in [("source", lineage.source), ("run_id", lineage.runID), ("run_link", lineage.runLink)] {
            if let text, text.utf8.count > 8192 { throw .invalid("\(label) is longer than 8192 bytes.") }
        }
        let signature = lineage.signature
        for (label, json) in [
            ("inputs", signature?.inputs), ("outputs", signature?.outputs), ("params", signature?.params),
        ] {
            guard let json else { continue }
            guard json.utf8.count <= 1_048_576,
                (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil
            else {
                throw .invalid("Signature \(label) must be a JSON document of at most 1 MiB.")
            }
        }
    }
}
