import CairnCore

extension SQLMetadataSession {
    // MARK: Reading experiments

    public func experiment(id: String) async throws -> Experiment? {
        try await experiments(where: "e.id = ?", [.text(id)]).first
    }

    public func experiment(named name: String) async throws -> Experiment? {
        try await experiments(where: "e.name = ?", [.text(name)]).first
    }

    public func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment] {
        if let (condition, binds) = Self.stageCondition("e.lifecycle_stage", stages) {
            return try await experiments(where: condition, binds)
        }
        return try await experiments(where: "1 = 1", [])
    }

    /// The experiments matching `condition` (on alias `e`), with their tags, by numeric id ascending.
    private func experiments(where condition: String, _ binds: [SQLValue]) async throws -> [Experiment] {
        let rows = try await run(
            """
            SELECT \(TrackingRows.experimentColumns) FROM experiments e WHERE \(condition)
            ORDER BY CAST(e.id AS \(store.dialect.int64Type)), e.id
            """,
            binds
        )
        guard !rows.isEmpty else { return [] }
        let tags = try await keyValues(
            "experiment_tags",
            owner: "experiment_id",
            where: "experiment_id IN (SELECT e.id FROM experiments e WHERE \(condition))",
            binds
        )
        return try rows.map { row in try TrackingRows.experiment(row, tags: tags[try row.text("id")] ?? [:]) }
    }

    // MARK: Writing experiments

    public func allocateExperimentID() async throws -> String {
        // Above every id handed out and every id inserted directly ("0", or ids copied from another server).
        let used = try await run(
            "SELECT COALESCE(MAX(CAST(id AS \(store.dialect.int64Type))), 0) AS n FROM experiments"
        )
        let highest = try used.first?.int64("n") ?? 0
        let rows = try await run(
            """
            UPDATE experiment_counter SET last_id = (CASE WHEN last_id > ? THEN last_id ELSE ? END) + 1
            WHERE singleton = 1 RETURNING last_id
            """,
            [.integer(highest), .integer(highest)]
        )
        guard let row = rows.first else {
            throw RegistryError(
                .internalError,
                "The experiment id counter row is missing; the database was modified outside Cairn. Restore a backup."
            )
        }
        return String(try row.int64("last_id"))
    }

    public func insertExperiment(_ experiment: Experiment) async throws {
        _ = try await run(
            """
            INSERT INTO experiments (id, name, artifact_location, lifecycle_stage, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                .text(experiment.id), .text(experiment.name), .text(experiment.artifactLocation),
                .text(experiment.lifecycleStage.rawValue), .millis(experiment.createdAt), .millis(experiment.updatedAt),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "Experiment '\(experiment.name)' (or the id \(experiment.id)) already exists. Choose another name, "
                    + "or restore the deleted experiment of that name."
            )
        )
        try await insertKeyValues(
            "experiment_tags",
            owner: "experiment_id",
            id: experiment.id,
            experiment.tags,
            conflict: .fail,
            missingOwner: Self.experimentIDNotFound(experiment.id)
        )
    }

    public func updateExperiment(_ experiment: Experiment) async throws {
        let rows = try await run(
            "UPDATE experiments SET name = ?, lifecycle_stage = ?, updated_at = ? WHERE id = ? RETURNING id",
            [
                .text(experiment.name), .text(experiment.lifecycleStage.rawValue), .millis(experiment.updatedAt),
                .text(experiment.id),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "Cannot rename the experiment to '\(experiment.name)': an experiment (possibly deleted) has that name. "
                    + "Choose another name."
            )
        )
        if rows.isEmpty { throw Self.experimentIDNotFound(experiment.id) }
    }

    public func replaceExperimentTags(experimentID: String, tags: [String: String]) async throws {
        guard try await exists("experiments", id: experimentID) else { throw Self.experimentIDNotFound(experimentID) }
        _ = try await run("DELETE FROM experiment_tags WHERE experiment_id = ?", [.text(experimentID)])
        try await insertKeyValues(
            "experiment_tags",
            owner: "experiment_id",
            id: experimentID,
            tags,
            conflict: .fail,
            missingOwner: Self.experimentIDNotFound(experimentID)
        )
    }

    static func experimentIDNotFound(_ id: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.notFound, "No experiment has the id \(id).", file: file, line: line)
    }
}
