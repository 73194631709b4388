import Foundation

extension TrackingService {
    /// The id of the Default experiment, which always exists and can never be deleted.
    public static let defaultExperimentID = "0"

    /// Creates experiment "0" named "Default" when it is missing. Idempotent; call at start-up. Takes no actor: acts
    /// as ``Principal/system``.
    /// - Throws: `.alreadyExists` when another experiment already took the name "Default".
    public func bootstrapTracking() async throws {
        let permit = core.admitUnguarded(.bootstrapTracking)
        if try await store.read(permit, { try await $0.experiment(id: Self.defaultExperimentID) }) != nil { return }
        let now = clock.now()
        try await store.write(permit) { tx in
            if try await tx.experiment(id: Self.defaultExperimentID) != nil { return }
            let experiment = Experiment(
                id: Self.defaultExperimentID,
                name: "Default",
                artifactLocation: Self.experimentArtifactLocation(Self.defaultExperimentID),
                createdAt: now,
                updatedAt: now
            )
            try await tx.insertExperiment(experiment)
            try await record(
                tx,
                actor: .system,
                .experimentCreated(.init(name: experiment.name, tags: nil)),
                subject: Self.experimentSubject(experiment.id),
                at: now
            )
        }
    }

    /// Creates an active experiment with the next free id ("1", "2"…). Needs ``Action/write`` globally (tracking
    /// entities belong to no model). Cairn stores every experiment's artifacts itself (`mlflow-artifacts:/<id>`); a
    /// requested `artifactLocation` is not used, and refused when ``LocationPolicy`` refuses it (a path on the server,
    /// an internal address), so no such location is ever accepted.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (name, tags), `.alreadyExists` (the name is taken,
    ///   also by a deleted experiment).
    public func createExperiment(
        name: String,
        tags: [String: String] = [:],
        artifactLocation: String? = nil,
        actor: Principal
    ) async throws -> Experiment {
        let permit = try await core.admit(.createExperiment, actor, model: nil)
        try TrackingRules.validateName(name, kind: "experiment")
        if let artifactLocation, !artifactLocation.isEmpty {
            try locations.check(artifactLocation, field: "artifact_location")
        }
        try TrackingRules.validateTags(tags, valueLimit: TrackingRules.maxExperimentTagValueLength)
        let now = clock.now()
        return try await store.write(permit) { tx in
            if let existing = try await tx.experiment(named: name) {
                throw Self.experimentNameTaken(existing)
            }
            let id = try await tx.allocateExperimentID()
            let experiment = Experiment(
                id: id,
                name: name,
                artifactLocation: Self.experimentArtifactLocation(id),
                tags: tags,
                createdAt: now,
                updatedAt: now
            )
            try await tx.insertExperiment(experiment)
            if !tags.isEmpty { try await tx.replaceExperimentTags(experimentID: id, tags: tags) }
            try await record(
                tx,
                actor: actor,
                .experimentCreated(.init(name: name, tags: tags, requestedArtifactLocation: artifactLocation)),
                subject: Self.experimentSubject(id),
                at: now
            )
            return experiment
        }
    }

    /// The experiment with this id, active or deleted. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func experiment(id: String, actor: Principal) async throws -> Experiment {
        let permit = try await core.admit(.experiment, actor, model: nil)
        return try await store.read(permit) { try await requireExperiment($0, id) }
    }

    /// The experiment with exactly this name, active or deleted. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func experiment(named name: String, actor: Principal) async throws -> Experiment {
        let permit = try await core.admit(.experimentByName, actor, model: nil)
        guard let experiment = try await store.read(permit, { try await $0.experiment(named: name) }) else {
            throw RegistryError(.notFound, "Could not find experiment with name '\(name)'.")
        }
        return experiment
    }

    /// Experiments in `stages` (all when empty) matching every clause, sorted by `order` (default: newest first), a
    /// page of at most `limit` at a time. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (a clause, an order key, the token, a limit
    ///   outside 1…50,000).
    public func searchExperiments(
        stages: Set<LifecycleStage>,
        clauses: [SearchClause],
        order: [SearchOrder],
        pageToken: String?,
        limit: Int,
        actor: Principal
    ) async throws -> Page<Experiment> {
        let permit = try await core.admit(.searchExperiments, actor, model: nil)
        try TrackingRules.validateSearchLimit(limit)
        let cursor = try TrackingSearch.cursor(pageToken, orderedBy: TrackingSearch.experimentOrder(order))
        let all = try await store.read(permit) { try await $0.experiments(in: stages) }
        let sorted = try TrackingSearch.experiments(all, matching: clauses, orderedBy: order)
        return TrackingSearch.page(
            sorted,
            orderedBy: TrackingSearch.experimentOrder(order),
            after: cursor,
            limit: limit
        )
    }

    /// Renames an active experiment. Renaming to the current name changes nothing. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`, `.alreadyExists`,
    ///   `.failedPrecondition` (deleted).
    public func renameExperiment(id: String, to newName: String, actor: Principal) async throws -> Experiment {
        try TrackingRules.validateName(newName, kind: "experiment")
        let permit = try await core.admit(.renameExperiment, actor, model: nil)
        let now = clock.now()
        return try await store.write(permit) { tx in
            var experiment = try await requireActiveExperiment(tx, id, doing: "rename")
            if experiment.name.utf8.elementsEqual(newName.utf8) { return experiment }
            if let existing = try await tx.experiment(named: newName) { throw Self.experimentNameTaken(existing) }
            let oldName = experiment.name
            experiment.name = newName
            experiment.updatedAt = now
            try await tx.updateExperiment(experiment)
            try await record(
                tx,
                actor: actor,
                .experimentRenamed(.init(from: oldName, to: newName)),
                subject: Self.experimentSubject(id),
                at: now
            )
            return experiment
        }
    }

    /// Sets (adds or overwrites) one tag of an active experiment. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`, `.failedPrecondition` (deleted).
    public func setExperimentTag(id: String, key: String, value: String, actor: Principal) async throws {
        try TrackingRules.validateKey(key, kind: "tag")
        try TrackingRules.validateTagValue(value, key: key, limit: TrackingRules.maxExperimentTagValueLength)
        try await changeExperimentTags(
            .setExperimentTag,
            id: id,
            actor: actor,
            .experimentTagSet(.init(key: key, value: value))
        ) {
            $0[key] = value
        }
    }

    /// Deletes one tag of an active experiment. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (experiment or tag), `.failedPrecondition` (deleted).
    public func deleteExperimentTag(id: String, key: String, actor: Principal) async throws {
        try await changeExperimentTags(
            .deleteExperimentTag,
            id: id,
            actor: actor,
            .experimentTagDeleted(.init(key: key))
        ) {
            tags throws(RegistryError) in
            guard tags.removeValue(forKey: key) != nil else {
                throw RegistryError(.notFound, "No tag with name '\(key)' in experiment with id \(id).")
            }
        }
    }

    /// Soft-deletes an experiment (restorable). Idempotent. Its runs and artifacts stay. Needs ``Action/write``
    /// globally (a soft delete is an edit).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument` (the Default experiment "0").
    public func deleteExperiment(id: String, actor: Principal) async throws {
        guard id != Self.defaultExperimentID else {
            throw RegistryError.invalid(
                "Cannot delete the Default experiment '0': it is reserved. Delete its runs instead."
            )
        }
        try await setExperimentStage(
            .deleteExperiment,
            id: id,
            to: .deleted,
            recording: RegistryEvent.experimentDeleted,
            actor: actor
        )
    }

    /// Makes a deleted experiment active again. Idempotent. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func restoreExperiment(id: String, actor: Principal) async throws {
        try await setExperimentStage(
            .restoreExperiment,
            id: id,
            to: .active,
            recording: RegistryEvent.experimentRestored,
            actor: actor
        )
    }

    // MARK: Helpers

    static func experimentSubject(_ id: String) -> String { "experiment/\(id)" }
    static func experimentArtifactLocation(_ id: String) -> String { "mlflow-artifacts:/\(id)" }

    func requireExperiment(_ reader: Reader, _ id: String) async throws -> Experiment {
        guard let experiment = try await reader.experiment(id: id) else {
            throw RegistryError(.notFound, "No experiment with id=\(id) exists. List experiments to find its id.")
        }
        return experiment
    }

    func requireActiveExperiment(_ reader: Reader, _ id: String, doing verb: String) async throws
        -> Experiment
    {
        let experiment = try await requireExperiment(reader, id)
        guard experiment.lifecycleStage == .active else {
            throw RegistryError(
                .failedPrecondition,
                "Cannot \(verb) experiment \(id) ('\(experiment.name)'): it is deleted. Restore it first."
            )
        }
        return experiment
    }

    private static func experimentNameTaken(_ existing: Experiment) -> RegistryError {
        let state = existing.lifecycleStage == .deleted ? " (deleted; restore it to use it again)" : ""
        return RegistryError(
            .alreadyExists,
            "Experiment '\(existing.name)' already exists with id \(existing.id)\(state). Choose another name."
        )
    }

    private func changeExperimentTags(
        _ useCase: UseCase,
        id: String,
        actor: Principal,
        _ event: RegistryEvent,
        change: @escaping @Sendable (inout [String: String]) throws(RegistryError) -> Void
    ) async throws {
        let permit = try await core.admit(useCase, actor, model: nil)
        let now = clock.now()
        try await store.write(permit) { tx in
            var experiment = try await requireActiveExperiment(tx, id, doing: "change the tags of")
            try change(&experiment.tags)
            experiment.updatedAt = now
            try await tx.replaceExperimentTags(experimentID: id, tags: experiment.tags)
            try await tx.updateExperiment(experiment)
            try await record(
                tx,
                actor: actor,
                event,
                subject: Self.experimentSubject(id),
                at: now
            )
        }
    }

    private func setExperimentStage(
        _ useCase: UseCase,
        id: String,
        to stage: LifecycleStage,
        recording event: @escaping @Sendable (RegistryEvent.Named) -> RegistryEvent,
        actor: Principal
    ) async throws {
        let permit = try await core.admit(useCase, actor, model: nil)
        let now = clock.now()
        try await store.write(permit) { tx in
            var experiment = try await requireExperiment(tx, id)
            if experiment.lifecycleStage == stage { return }
            experiment.lifecycleStage = stage
            experiment.updatedAt = now
            try await tx.updateExperiment(experiment)
            try await record(
                tx,
                actor: actor,
                event(.init(name: experiment.name)),
                subject: Self.experimentSubject(id),
                at: now
            )
        }
    }
}
