import Foundation

extension TrackingService {
    /// Creates a `LOGGED_MODEL_PENDING` logged model (MLflow 3) in an active experiment.
    ///
    /// The id is `m-` followed by 32 hex digits and the artifact location
    /// `mlflow-artifacts:/<experiment>/models/<id>/artifacts`. An empty `name` gets a generated one, as in MLflow.
    /// Needs ``Action/write`` globally (a logged model is a tracking entity, not a registered model).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (experiment or source run), `.failedPrecondition`
    ///   (deleted experiment), `.invalidArgument` (name, params, tags).
    public func createLoggedModel(
        experimentID: String,
        name: String,
        sourceRunID: String?,
        modelType: String,
        params: [String: String],
        tags: [String: String],
        actor: Principal
    ) async throws -> LoggedModel {
        try TrackingRules.validateTags(tags)
        let permit = try await core.admit(.createLoggedModel, actor, model: nil)
        // One param at a time: a logged model's params are not bound by the per-batch count.
        for (key, value) in params { try TrackingRules.validateBatch(metrics: [], params: [key: value], tags: [:]) }
        let id = "m-" + TrackingIDs.hex32(ids.next())
        let modelName = name.isEmpty ? TrackingIDs.runName(for: id) : name
        try TrackingRules.validateName(modelName, kind: "logged model")
        let sourceRunID = sourceRunID.flatMap { $0.isEmpty ? nil : $0 }
        let now = clock.now()
        let model = LoggedModel(
            id: id,
            experimentID: experimentID,
            name: modelName,
            sourceRunID: sourceRunID,
            status: .pending,
            modelType: modelType,
            artifactLocation: "mlflow-artifacts:/\(experimentID)/models/\(id)/artifacts",
            params: params,
            tags: tags,
            createdAt: now,
            updatedAt: now
        )
        return try await store.write(permit) { tx in
            _ = try await requireActiveExperiment(tx, experimentID, doing: "log models in")
            if let sourceRunID { _ = try await requireRun(tx, sourceRunID) }
            try await tx.insertLoggedModel(model)
            try await record(
                tx,
                actor: actor,
                .loggedModelCreated(.init(experimentID: experimentID, name: modelName, sourceRunID: sourceRunID)),
                subject: Self.loggedModelSubject(id),
                at: now
            )
            return model
        }
    }

    /// A logged model with its params, tags and latest metrics. Deleted models are not found. Needs ``Action/read``
    /// globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func loggedModel(id: String, actor: Principal) async throws -> LoggedModel {
        let permit = try await core.admit(.loggedModel, actor, model: nil)
        return try await store.read(permit) { try await requireLoggedModel($0, id) }
    }

    /// Sets a logged model's final status: `LOGGED_MODEL_READY` once its files are uploaded, or
    /// `LOGGED_MODEL_UPLOAD_FAILED`. Setting the status it already has changes nothing (and records nothing). Needs
    /// ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument` (`LOGGED_MODEL_PENDING`).
    public func finalizeLoggedModel(id: String, status: LoggedModelStatus, actor: Principal) async throws
        -> LoggedModel
    {
        guard status != .pending else {
            throw RegistryError.invalid(
                "A logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED, not "
                    + "LOGGED_MODEL_PENDING."
            )
        }
        let permit = try await core.admit(.finalizeLoggedModel, actor, model: nil)
        let now = clock.now()
        return try await store.write(permit) { tx in
            var model = try await requireLoggedModel(tx, id)
            if model.status == status { return model }
            let previous = model.status
            model.status = status
            model.updatedAt = now
            try await tx.updateLoggedModel(model)
            try await record(
                tx,
                actor: actor,
                .loggedModelFinalized(.init(status: status, previousStatus: previous)),
                subject: Self.loggedModelSubject(id),
                at: now
            )
            return try await requireLoggedModel(tx, id)
        }
    }

    /// Sets (adds or overwrites) tags of a logged model, values stored as given. Not recorded in the event log. Needs
    /// ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument`.
    public func setLoggedModelTags(id: String, tags: [String: String], actor: Principal) async throws {
        try TrackingRules.validateTags(tags)
        let permit = try await core.admit(.setLoggedModelTags, actor, model: nil)
        if tags.isEmpty { return }
        try await store.write(permit) { tx in
            _ = try await requireLoggedModel(tx, id)
            try await tx.putLoggedModelTags(modelID: id, tags: tags)
        }
    }

    /// Logs params of a logged model beyond those it was created with (the MLflow 3 client sends a run's first 100
    /// params with the model and the rest here). A param may be logged again with the same value but never changed,
    /// as for runs. Not recorded in the event log. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.invalidArgument` (a key, a
    ///   value, a changed value).
    public func logLoggedModelParams(id: String, params: [String: String], actor: Principal) async throws {
        for (key, value) in params { try TrackingRules.validateBatch(metrics: [], params: [key: value], tags: [:]) }
        let permit = try await core.admit(.logLoggedModelParams, actor, model: nil)
        if params.isEmpty { return }
        try await store.write(permit) { tx in
            let model = try await requireLoggedModel(tx, id)
            for (key, value) in params.sorted(by: { $0.key < $1.key }) {
                if let logged = model.params[key], logged != value {
                    throw RegistryError.invalid(
                        "Changing param values is not allowed. Param with key='\(key)' was already logged with "
                            + "value='\(logged)' for logged model ID='\(id)'. Attempted logging new value '\(value)'."
                    )
                }
            }
            try await tx.putLoggedModelParams(modelID: id, params: params)
        }
    }

    /// Deletes one tag of a logged model. Not recorded in the event log. Needs ``Action/write`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (model or tag).
    public func deleteLoggedModelTag(id: String, key: String, actor: Principal) async throws {
        let permit = try await core.admit(.deleteLoggedModelTag, actor, model: nil)
        try await store.write(permit) { tx in
            _ = try await requireLoggedModel(tx, id)
            guard try await tx.deleteLoggedModelTag(modelID: id, key: key) else {
                throw RegistryError(.notFound, "No tag with key '\(key)' on logged model '\(id)'.")
            }
        }
    }

    /// Deletes a logged model: it is no longer found nor listed (its row stays, marked deleted; its files stay in the
    /// artifact tree). As MLflow offers no restore, this is a delete: it needs ``Action/delete`` (admin) globally,
    /// and a refusal is recorded as `access.denied`.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (also when already deleted, as in MLflow).
    public func deleteLoggedModel(id: String, actor: Principal) async throws {
        let permit = try await core.admit(
            .deleteLoggedModel,
            actor,
            model: nil,
            attempted: "delete logged model '\(id.prefix(80))'"
        )
        let now = clock.now()
        try await store.write(permit) { tx in
            var model = try await requireLoggedModel(tx, id)
            model.lifecycleStage = .deleted
            model.updatedAt = now
            try await tx.updateLoggedModel(model)
            try await record(
                tx,
                actor: actor,
                .loggedModelDeleted(.init(experimentID: model.experimentID, name: model.name)),
                subject: Self.loggedModelSubject(id),
                at: now
            )
        }
    }

    /// Active logged models of `experimentIDs` matching every clause, sorted by `order` (default: newest first), then
    /// by id; a page of at most `limit` at a time. With `datasets`, as in MLflow, metric clauses (and metric sort keys)
    /// see only the metrics computed on one of those datasets, and without a metric clause a model must have such a
    /// metric; the models are returned whole. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (a clause, an order key, the
    ///   token, a limit outside 1…50,000, a dataset filter without a name).
    public func searchLoggedModels(
        experimentIDs: [String],
        clauses: [SearchClause],
        order: [SearchOrder],
        datasets: [DatasetFilter] = [],
        pageToken: String?,
        limit: Int,
        actor: Principal
    ) async throws -> Page<LoggedModel> {
        let permit = try await core.admit(.searchLoggedModels, actor, model: nil)
        try TrackingRules.validateSearchLimit(limit)
        guard datasets.allSatisfy({ !$0.name.isEmpty }) else {
            throw RegistryError.invalid("Every entry of `datasets` needs a `dataset_name`.")
        }
        let fullOrder = TrackingSearch.loggedModelOrder(order)
        let cursor = try TrackingSearch.cursor(pageToken, orderedBy: fullOrder)
        let all = try await store.read(permit) { try await $0.loggedModels(experimentIDs: experimentIDs) }
        guard !datasets.isEmpty else {
            let sorted = try TrackingSearch.loggedModels(all, matching: clauses, orderedBy: order)
            return TrackingSearch.page(sorted, orderedBy: fullOrder, after: cursor, limit: limit)
        }
        let filtersMetrics = clauses.contains { if case .metric = $0.field { true } else { false } }
        let seen: [LoggedModel] = all.compactMap { model in
            var seen = model
            seen.metrics = model.metrics.filter { point in datasets.contains { $0.matches(point) } }
            return filtersMetrics || !seen.metrics.isEmpty ? seen : nil
        }
        let whole = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        // The cursor holds the sort values as seen (metrics narrowed to the datasets), so it is built from those.
        let page = TrackingSearch.page(
            try TrackingSearch.loggedModels(seen, matching: clauses, orderedBy: order),
            orderedBy: fullOrder,
            after: cursor,
            limit: limit
        )
        return Page(items: page.items.compactMap { whole[$0.id] }, nextPageToken: page.nextPageToken)
    }

    // MARK: Helpers

    static func loggedModelSubject(_ id: String) -> String { "logged-model/\(id)" }

    static func loggedModelNotFound(_ id: String) -> RegistryError {
        RegistryError(.notFound, "Logged model with ID '\(id)' not found.")
    }

    func requireLoggedModel(_ reader: Reader, _ id: String) async throws -> LoggedModel {
        guard let model = try await reader.loggedModel(id: id), model.lifecycleStage == .active else {
            throw Self.loggedModelNotFound(id)
        }
        return model
    }
}
