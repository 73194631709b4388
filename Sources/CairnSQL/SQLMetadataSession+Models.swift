import CairnCore

extension SQLMetadataSession {
    // MARK: Reading models

    public func model(named name: String) async throws -> RegisteredModel? {
        let rows = try await run("SELECT \(RegisteredModelRows.columns) FROM models m WHERE m.name = ?", [.text(name)])
        guard let row = rows.first else { return nil }
        let id = try row.text("id")
        return try RegisteredModelRows.model(row, tags: try await tags(of: [id])[id] ?? [:])
    }

    public func models(matching filter: ModelFilter, afterName: String?, limit: Int) async throws -> [RegisteredModel] {
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let afterName {
            conditions.append("m.name > ?")
            binds.append(.text(afterName))
        }
        if let prefix = filter.namePrefix, !prefix.isEmpty {
            // The range bound lets the name index seek; the substring test makes it exact.
            conditions.append("m.name >= ? AND substr(m.name, 1, length(?)) = ?")
            binds += [.text(prefix), .text(prefix), .text(prefix)]
        }
        if let fragment = filter.nameContains, !fragment.isEmpty {
            conditions.append(store.dialect.containsText(column: "m.name"))
            binds.append(.text(fragment))
        }
        for (key, value) in filter.tags.sorted(by: { $0.key < $1.key }) {
            conditions.append(
                "EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.key = ? AND t.value = ?)"
            )
            binds += [.text(key), .text(value)]
        }
        for clause in filter.clauses {
            let (condition, clauseBinds) = clauseCondition(clause)
            conditions.append(condition)
            binds += clauseBinds
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        binds.append(.int(limit))
        let rows = try await run(
            "SELECT \(RegisteredModelRows.columns) FROM models m\(whereClause) ORDER BY m.name LIMIT ?",
            binds
        )
        let tags = try await tags(of: try rows.map { try $0.text("id") })
        return try rows.map { row in try RegisteredModelRows.model(row, tags: tags[try row.text("id")] ?? [:]) }
    }

    /// The SQL form of `ModelFilterClause.matches` on `models m`: `=`/`!=` compare code points; `LIKE`/`ILIKE` use the
    /// dialect's exact MLflow-pattern match. A tag clause needs the tag to exist with a matching value, except `!=`,
    /// which holds when no tag of that key has that value (absent or different).
    private func clauseCondition(_ clause: ModelFilterClause) -> (String, [SQLValue]) {
        let dialect = store.dialect
        func compare(_ column: String) -> (String, [SQLValue]) {
            switch clause.op {
            case .equal, .notEqual: ("\(column) = ?", [.text(clause.value)])
            case .like, .caseInsensitiveLike:
                (
                    dialect.like(column: column, caseInsensitive: clause.op == .caseInsensitiveLike),
                    [.text(dialect.likePattern(clause.value, caseInsensitive: clause.op == .caseInsensitiveLike))]
                )
            case .isIn:
                clause.values.isEmpty
                    ? ("1 = 0", [])
                    : (
                        "\(column) IN (\(Array(repeating: "?", count: clause.values.count).joined(separator: ", ")))",
                        clause.values.map { .text($0) }
                    )
            }
        }
        switch clause.field {
        case .name:
            if clause.op == .notEqual { return ("m.name <> ?", [.text(clause.value)]) }
            return compare("m.name")
        case .tag(let key):
            let (condition, binds) = compare("t.value")
            let exists = "EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.key = ? AND \(condition))"
            return (clause.op == .notEqual ? "NOT " + exists : exists, [.text(key)] + binds)
        }
    }

    /// The tags of each of `modelIDs` (models without tags are absent).
    private func tags(of modelIDs: [String]) async throws -> [String: [String: String]] {
        guard !modelIDs.isEmpty else { return [:] }
        let rows = try await run(
            "SELECT model_id, key, value FROM model_tags WHERE model_id IN (\(Self.placeholders(modelIDs.count)))",
            modelIDs.map { .text($0) }
        )
        var tags: [String: [String: String]] = [:]
        for row in rows {
            tags[try row.text("model_id"), default: [:]][try row.text("key")] = try row.text("value")
        }
        return tags
    }

    // MARK: Writing models

    public func insertModel(_ model: RegisteredModel) async throws {
        _ = try await run(
            """
            INSERT INTO models (id, name, description, created_by, created_at, updated_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(model.id), .text(model.name), .text(model.description), .text(model.createdBy),
                .millis(model.createdAt), .text(model.updatedBy), .millis(model.updatedAt),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "Registered model '\(model.name)' (or the id \(model.id)) already exists. Choose another name."
            )
        )
        try await insertTags(modelID: model.id, model.tags)
    }

    public func updateModel(_ model: RegisteredModel) async throws {
        let rows = try await run(
            "UPDATE models SET name = ?, description = ?, updated_by = ?, updated_at = ? WHERE id = ? RETURNING id",
            [
                .text(model.name), .text(model.description), .text(model.updatedBy), .millis(model.updatedAt),
                .text(model.id),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "Cannot rename the model to '\(model.name)': a model with that name already exists. Choose another name."
            )
        )
        if rows.isEmpty { throw Self.modelIDNotFound(model.id) }
    }

    public func replaceModelTags(modelID: String, tags: [String: String]) async throws {
        guard try await !run("SELECT 1 AS found FROM models WHERE id = ?", [.text(modelID)]).isEmpty else {
            throw Self.modelIDNotFound(modelID)
        }
        _ = try await run("DELETE FROM model_tags WHERE model_id = ?", [.text(modelID)])
        try await insertTags(modelID: modelID, tags)
    }

    private func insertTags(modelID: String, _ tags: [String: String]) async throws {
        guard !tags.isEmpty else { return }
        let rows = Array(repeating: "(?, ?, ?)", count: tags.count).joined(separator: ", ")
        var binds: [SQLValue] = []
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            binds += [.text(modelID), .text(key), .text(value)]
        }
        _ = try await run(
            "INSERT INTO model_tags (model_id, key, value) VALUES \(rows)",
            binds,
            onMissingParent: Self.modelIDNotFound(modelID)
        )
    }

    public func deleteModel(id: String) async throws {
        let model = [SQLValue.text(id)]
        _ = try await run("DELETE FROM policies WHERE scope = ?", [.text(GovernanceRows.scope(id))])
        _ = try await run("DELETE FROM transition_requests WHERE model_id = ?", model)
        _ = try await run(
            "DELETE FROM model_cards WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = ?)",
            model
        )
        _ = try await run("DELETE FROM model_aliases WHERE model_id = ?", model)
        _ = try await run("DELETE FROM deployments WHERE model_id = ?", model)
        _ = try await run(
            "DELETE FROM version_files WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = ?)",
            model
        )
        _ = try await run("DELETE FROM model_versions WHERE model_id = ?", model)
        _ = try await run("DELETE FROM model_tags WHERE model_id = ?", model)
        _ = try await run("DELETE FROM models WHERE id = ?", model)
    }

    public func allocateVersionNumber(modelID: String) async throws -> Int {
        let rows = try await run(
            "UPDATE models SET version_counter = version_counter + 1 WHERE id = ? RETURNING version_counter",
            [.text(modelID)]
        )
        guard let row = rows.first else { throw Self.modelIDNotFound(modelID) }
        return try row.int("version_counter")
    }

    static func modelIDNotFound(_ id: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(
            .notFound,
            "No registered model has the id \(id); it may have been deleted.",
            file: file,
            line: line
        )
    }
}
