import CairnCore

extension SQLMetadataSession {
    // MARK: Reading runs

    public func run(id: String) async throws -> Run? {
        try await runs(where: "r.id = ?", [.text(id)], limit: 1).first
    }

    public func runs(experimentIDs: [String], in stages: Set<LifecycleStage>, after position: RunPosition?, limit: Int)
        async throws -> [Run]
    {
        guard !experimentIDs.isEmpty, limit > 0 else { return [] }
        let ids = Array(Set(experimentIDs)).sorted()
        var condition = "r.experiment_id IN (\(Self.placeholders(ids.count)))"
        var binds: [SQLValue] = ids.map { .text($0) }
        if let (stageCondition, stageBinds) = Self.stageCondition("r.lifecycle_stage", stages) {
            condition += " AND " + stageCondition
            binds += stageBinds
        }
        // After `position` in (start time descending, runs without one last, then id).
        switch position {
        case nil: break
        case .some(let position):
            if let start = position.startTime {
                condition +=
                    " AND (r.start_time IS NULL OR r.start_time < ? OR (r.start_time = ? AND r.id > ?))"
                binds += [.integer(start), .integer(start), .text(position.id)]
            } else {
                condition += " AND r.start_time IS NULL AND r.id > ?"
                binds.append(.text(position.id))
            }
        }
        return try await runs(where: condition, binds, limit: limit)
    }

    /// The first `limit` runs matching `condition` (on alias `r`), fully loaded, by start time descending (unknown
    /// start times last), then id. One statement per part, whatever the number of runs.
    private func runs(where condition: String, _ binds: [SQLValue], limit: Int) async throws -> [Run] {
        let page = "WHERE \(condition) ORDER BY r.start_time IS NULL, r.start_time DESC, r.id LIMIT ?"
        let rows = try await run("SELECT \(TrackingRows.runColumns) FROM runs r \(page)", binds + [.int(limit)])
        guard !rows.isEmpty else { return [] }
        let binds = binds + [.int(limit)]
        let owners = "run_id IN (SELECT r.id FROM runs r \(page))"
        let params = try await keyValues("run_params", owner: "run_id", where: owners, binds)
        let tags = try await keyValues("run_tags", owner: "run_id", where: owners, binds)
        var metrics: [String: [String: MetricPoint]] = [:]
        for row in try await run(
            "SELECT run_id, \(TrackingRows.metricColumns) FROM run_latest_metrics WHERE \(owners)",
            binds
        ) {
            let point = try TrackingRows.metric(row)
            metrics[try row.text("run_id"), default: [:]][point.key] = point
        }
        var inputs: [String: [RunInput]] = [:]
        for row in try await run(
            """
            SELECT run_id, dataset_name, dataset_digest, dataset_source_type, dataset_source, dataset_schema,
                dataset_profile, tags_json
            FROM run_inputs WHERE \(owners) ORDER BY run_id, position
            """,
            binds
        ) {
            inputs[try row.text("run_id"), default: []].append(try TrackingRows.input(row, json))
        }
        var modelInputs: [String: [String]] = [:]
        for row in try await run(
            "SELECT run_id, model_id FROM run_model_inputs WHERE \(owners) ORDER BY run_id, position",
            binds
        ) {
            modelInputs[try row.text("run_id"), default: []].append(try row.text("model_id"))
        }
        var outputs: [String: [RunOutput]] = [:]
        for row in try await run(
            "SELECT run_id, model_id, step FROM run_outputs WHERE \(owners) ORDER BY run_id, position",
            binds
        ) {
            outputs[try row.text("run_id"), default: []].append(
                RunOutput(modelID: try row.text("model_id"), step: try row.int64("step"))
            )
        }
        return try rows.map { row in
            var run = try TrackingRows.run(row)
            run.params = params[run.id] ?? [:]
            run.tags = tags[run.id] ?? [:]
            run.metrics = metrics[run.id] ?? [:]
            run.inputs = inputs[run.id] ?? []
            run.modelInputs = modelInputs[run.id] ?? []
            run.outputs = outputs[run.id] ?? []
            return run
        }
    }

    // MARK: Writing runs

    public func insertRun(_ run: Run) async throws {
        _ = try await self.run(
            """
            INSERT INTO runs (id, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage,
                artifact_uri)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(run.id), .text(run.experimentID), .text(run.name), .text(run.userID), .text(run.status.rawValue),
                run.startTime.map { .integer($0) } ?? .null, run.endTime.map { .integer($0) } ?? .null,
                .text(run.lifecycleStage.rawValue), .text(run.artifactURI),
            ],
            onUnique: RegistryError(.alreadyExists, "A run with the id \(run.id) already exists. Generate a new id."),
            onMissingParent: Self.experimentIDNotFound(run.experimentID)
        )
        try await putRunParams(runID: run.id, params: run.params)
        try await putRunTags(runID: run.id, tags: run.tags)
    }

    public func updateRun(_ run: Run) async throws {
        let rows = try await self.run(
            "UPDATE runs SET name = ?, status = ?, end_time = ?, lifecycle_stage = ? WHERE id = ? RETURNING id",
            [
                .text(run.name), .text(run.status.rawValue), run.endTime.map { .integer($0) } ?? .null,
                .text(run.lifecycleStage.rawValue), .text(run.id),
            ]
        )
        if rows.isEmpty { throw Self.runIDNotFound(run.id) }
    }

    public func putRunParams(runID: String, params: [String: String]) async throws {
        try await requireRun(runID)
        try await insertKeyValues(
            "run_params",
            owner: "run_id",
            id: runID,
            params,
            conflict: .keep,
            missingOwner: Self.runIDNotFound(runID)
        )
    }

    public func putRunTags(runID: String, tags: [String: String]) async throws {
        try await requireRun(runID)
        try await insertKeyValues(
            "run_tags",
            owner: "run_id",
            id: runID,
            tags,
            conflict: .replace,
            missingOwner: Self.runIDNotFound(runID)
        )
    }

    public func deleteRunTag(runID: String, key: String) async throws -> Bool {
        try await requireRun(runID)
        return try await deleteKeyValue("run_tags", owner: "run_id", id: runID, key: key)
    }

    /// Throws `.notFound` unless the run exists (so that writes of nothing still report a missing run).
    func requireRun(_ runID: String) async throws {
        guard try await exists("runs", id: runID) else { throw Self.runIDNotFound(runID) }
    }

    static func runIDNotFound(_ id: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.notFound, "No run has the id \(id).", file: file, line: line)
    }
}
