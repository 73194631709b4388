import CairnCore

extension SQLMetadataSession {
    // MARK: Reading logged models

    public func loggedModel(id: String) async throws -> LoggedModel? {
        try await loggedModels(where: "l.id = ?", [.text(id)]).first
    }

    public func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel] {
        guard !experimentIDs.isEmpty else { return [] }
        let ids = Array(Set(experimentIDs)).sorted()
        return try await loggedModels(
            where: "l.experiment_id IN (\(Self.placeholders(ids.count))) AND l.lifecycle_stage = ?",
            ids.map { .text($0) } + [.text(LifecycleStage.active.rawValue)]
        )
    }

    /// The logged models matching `condition` (on alias `l`), with params, tags and metrics, newest first (by
    /// creation time descending, then id).
    private func loggedModels(where condition: String, _ binds: [SQLValue]) async throws -> [LoggedModel] {
        let rows = try await run(
            """
            SELECT \(TrackingRows.loggedModelColumns) FROM logged_models l WHERE \(condition)
            ORDER BY l.created_at DESC, l.id
            """,
            binds
        )
        guard !rows.isEmpty else { return [] }
        let owners = "model_id IN (SELECT l.id FROM logged_models l WHERE \(condition))"
        let params = try await keyValues("logged_model_params", owner: "model_id", where: owners, binds)
        let tags = try await keyValues("logged_model_tags", owner: "model_id", where: owners, binds)
        // A model's metrics are the points logged with its id, by any run: the latest per key and dataset.
        var points: [String: [MetricPoint]] = [:]
        for row in try await run(
            """
            SELECT run_id, \(TrackingRows.metricColumns) FROM run_metrics WHERE \(owners)
            ORDER BY model_id, key, run_id, seq
            """,
            binds
        ) {
            let point = try TrackingRows.metric(row)
            guard let modelID = point.modelID else { continue }
            points[modelID, default: []].append(point)
        }
        return try rows.map { row in
            var model = try TrackingRows.loggedModel(row)
            model.params = params[model.id] ?? [:]
            model.tags = tags[model.id] ?? [:]
            model.metrics = MetricPoint.latestPerKeyAndDataset(points[model.id] ?? [])
            return model
        }
    }

    // MARK: Writing logged models

    public func insertLoggedModel(_ model: LoggedModel) async throws {
        _ = try await run(
            """
            INSERT INTO logged_models (id, experiment_id, name, source_run_id, status, model_type, artifact_location,
                lifecycle_stage, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(model.id), .text(model.experimentID), .text(model.name), .text(model.sourceRunID),
                .text(model.status.rawValue), .text(model.modelType), .text(model.artifactLocation),
                .text(model.lifecycleStage.rawValue), .millis(model.createdAt), .millis(model.updatedAt),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "A logged model with the id \(model.id) already exists. Generate a new id."
            ),
            onMissingParent: Self.experimentIDNotFound(model.experimentID)
        )
        for (table, pairs) in [("logged_model_params", model.params), ("logged_model_tags", model.tags)] {
            try await insertKeyValues(
                table,
                owner: "model_id",
                id: model.id,
                pairs,
                conflict: .fail,
                missingOwner: Self.loggedModelIDNotFound(model.id)
            )
        }
    }

    public func updateLoggedModel(_ model: LoggedModel) async throws {
        let rows = try await run(
            "UPDATE logged_models SET status = ?, lifecycle_stage = ?, updated_at = ? WHERE id = ? RETURNING id",
            [
                .text(model.status.rawValue), .text(model.lifecycleStage.rawValue), .millis(model.updatedAt),
                .text(model.id),
            ]
        )
        if rows.isEmpty { throw Self.loggedModelIDNotFound(model.id) }
    }

    public func putLoggedModelTags(modelID: String, tags: [String: String]) async throws {
        try await putLoggedModelPairs("logged_model_tags", modelID: modelID, tags)
    }

    public func putLoggedModelParams(modelID: String, params: [String: String]) async throws {
        try await putLoggedModelPairs("logged_model_params", modelID: modelID, params)
    }

    /// Inserts or replaces `pairs` in one of the logged model's key/value tables.
    private func putLoggedModelPairs(_ table: String, modelID: String, _ pairs: [String: String]) async throws {
        guard try await exists("logged_models", id: modelID) else { throw Self.loggedModelIDNotFound(modelID) }
        try await insertKeyValues(
            table,
            owner: "model_id",
            id: modelID,
            pairs,
            conflict: .replace,
            missingOwner: Self.loggedModelIDNotFound(modelID)
        )
    }

    public func deleteLoggedModelTag(modelID: String, key: String) async throws -> Bool {
        guard try await exists("logged_models", id: modelID) else { throw Self.loggedModelIDNotFound(modelID) }
        return try await deleteKeyValue("logged_model_tags", owner: "model_id", id: modelID, key: key)
    }

    static func loggedModelIDNotFound(_ id: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.notFound, "No logged model has the id \(id).", file: file, line: line)
    }
}
