import CairnCore
import Foundation

extension SQLMetadataSession {
    // MARK: Reading versions

    public func version(modelID: String, number: Int) async throws -> ModelVersion? {
        let rows = try await run(
            """
            SELECT \(ModelVersionRows.columns) FROM model_versions v JOIN models m ON m.id = v.model_id
            WHERE v.model_id = ? AND v.number = ?
            """,
            [.text(modelID), .int(number)]
        )
        return try rows.first.map { try ModelVersionRows.version($0, json) }
    }

    public func versions(modelID: String, stage: Stage?, beforeNumber: Int?, limit: Int) async throws
        -> [ModelVersion]
    {
        guard limit > 0 else { return [] }
        // (model_id, number) is the primary key's order and (model_id, stage, number) the stage index's, so either
        // form reads only the rows it returns.
        var condition = "v.model_id = ?"
        var binds: [SQLValue] = [.text(modelID)]
        if let stage {
            condition += " AND v.stage = ?"
            binds.append(.text(stage.rawValue))
        }
        if let beforeNumber {
            condition += " AND v.number < ?"
            binds.append(.int(beforeNumber))
        }
        let rows = try await run(
            """
            SELECT \(ModelVersionRows.columns) FROM model_versions v JOIN models m ON m.id = v.model_id
            WHERE \(condition) ORDER BY v.number DESC LIMIT ?
            """,
            binds + [.int(limit)]
        )
        return try rows.map { try ModelVersionRows.version($0, json) }
    }

    public func version(id: String) async throws -> ModelVersion? {
        let rows = try await run(
            "SELECT \(ModelVersionRows.columns) FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ?",
            [.text(id)]
        )
        return try rows.first.map { try ModelVersionRows.version($0, json) }
    }

    public func versions(modelID: String?, runID: String?, limit: Int) async throws -> [ModelVersion] {
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let modelID {
            conditions.append("v.model_id = ?")
            binds.append(.text(modelID))
        }
        if let runID {
            // model_versions.run_id mirrors lineage.runID (set on insert; lineage never changes) and is indexed.
            conditions.append("v.run_id = ?")
            binds.append(.text(runID))
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await run(
            """
            SELECT \(ModelVersionRows.columns) FROM model_versions v JOIN models m ON m.id = v.model_id\(whereClause)
            ORDER BY m.name, v.number DESC LIMIT ?
            """,
            binds + [.int(limit)]
        )
        return try rows.map { try ModelVersionRows.version($0, json) }
    }

    public func pendingVersions(createdBefore date: Date, limit: Int) async throws -> [ModelVersion] {
        guard limit > 0 else { return [] }
        let rows = try await run(
            """
            SELECT \(ModelVersionRows.columns) FROM model_versions v JOIN models m ON m.id = v.model_id
            WHERE v.status = ? AND v.created_at < ? ORDER BY v.created_at, v.id LIMIT ?
            """,
            [.text(VersionStatus.pending.rawValue), .millis(date), .int(limit)]
        )
        return try rows.map { try ModelVersionRows.version($0, json) }
    }

    // MARK: Writing versions

    public func insertVersion(_ version: ModelVersion) async throws {
        _ = try await run(
            """
            INSERT INTO model_versions (id, model_id, number, status, status_message, stage, description, tags_json,
                lineage_json, manifest_json, created_by, created_at, updated_by, updated_at, run_id,
                sealed_run_metrics_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(version.id), .text(version.modelID), .int(version.number), .text(version.status.rawValue),
                .text(version.statusMessage), .text(version.stage.rawValue), .text(version.description),
                .text(try json.encode(version.tags)), .text(try json.encode(version.lineage)),
                .text(try version.manifest.map { try json.encode($0) }), .text(version.createdBy),
                .millis(version.createdAt), .text(version.updatedBy), .millis(version.updatedAt),
                .text(version.lineage.runID), .text(try version.lineage.runMetrics.map { try json.encode($0) }),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "Version \(version.number) of model '\(version.modelName)' (or the id \(version.id)) already exists. "
                    + "Allocate version numbers with allocateVersionNumber."
            ),
            onMissingParent: Self.modelIDNotFound(version.modelID)
        )
    }

    public func updateVersion(_ version: ModelVersion) async throws {
        let rows = try await run(
            """
            UPDATE model_versions SET status = ?, status_message = ?, stage = ?, description = ?, tags_json = ?,
                manifest_json = ?, sealed_run_metrics_json = ?, updated_by = ?, updated_at = ?
            WHERE id = ? RETURNING id
            """,
            try ModelVersionRows.updateBinds(version, json)
        )
        if rows.isEmpty { throw Self.versionIDNotFound(version.id) }
    }

    public func deleteVersion(id: String) async throws {
        let version = [SQLValue.text(id)]
        _ = try await run("DELETE FROM version_files WHERE version_id = ?", version)
        _ = try await run("DELETE FROM model_cards WHERE version_id = ?", version)
        _ = try await run(
            """
            DELETE FROM model_aliases WHERE EXISTS (
                SELECT 1 FROM model_versions v
                WHERE v.id = ? AND v.model_id = model_aliases.model_id AND v.number = model_aliases.version
            )
            """,
            version
        )
        _ = try await run("DELETE FROM model_versions WHERE id = ?", version)
    }

    static func versionIDNotFound(_ id: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.notFound, "No model version has the id \(id); it may have been deleted.", file: file, line: line)
    }
}
