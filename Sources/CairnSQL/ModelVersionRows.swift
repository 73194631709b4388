import CairnCore

/// Row ↔ `ModelVersion` / `ManifestEntry` mapping.
enum ModelVersionRows {
    /// The columns every version query selects, from `model_versions v JOIN models m`: the model's name is read
    /// from the join because a rename changes it.
    static let columns = """
        v.id, v.model_id, m.name AS model_name, v.number, v.status, v.status_message, v.stage, v.description, \
        v.tags_json, v.lineage_json, v.manifest_json, v.created_by, v.created_at, v.updated_by, v.updated_at, \
        v.sealed_run_metrics_json
        """

    static func version(_ row: SQLRow, _ json: JSONCodec) throws -> ModelVersion {
        let statusText = try row.text("status")
        let stageText = try row.text("stage")
        guard let status = VersionStatus(rawValue: statusText) else {
            throw SQLRow.mismatch("status", "holds the unknown status '\(statusText)'")
        }
        guard let stage = Stage(rawValue: stageText) else {
            throw SQLRow.mismatch("stage", "holds the unknown stage '\(stageText)'")
        }
        var lineage = try json.decode(VersionLineage.self, try row.text("lineage_json"), column: "lineage_json")
        lineage.runMetrics = try row.optionalText("sealed_run_metrics_json").map {
            try json.decode([String: Double].self, $0, column: "sealed_run_metrics_json")
        }
        return ModelVersion(
            id: try row.text("id"),
            modelID: try row.text("model_id"),
            modelName: try row.text("model_name"),
            number: try row.int("number"),
            status: status,
            statusMessage: try row.text("status_message"),
            stage: stage,
            description: try row.text("description"),
            tags: try json.decode([String: String].self, try row.text("tags_json"), column: "tags_json"),
            lineage: lineage,
            manifest: try row.optionalText("manifest_json").map {
                try json.decode(Manifest.self, $0, column: "manifest_json")
            },
            createdBy: try row.text("created_by"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"),
            updatedBy: try row.text("updated_by")
        )
    }

    /// The mutable columns of `version` followed by its id, in the order of the `UPDATE` statement.
    static func updateBinds(_ version: ModelVersion, _ json: JSONCodec) throws -> [SQLValue] {
        [
            .text(version.status.rawValue), .text(version.statusMessage), .text(version.stage.rawValue),
            .text(version.description), .text(try json.encode(version.tags)),
            .text(try version.manifest.map { try json.encode($0) }),
            .text(try version.lineage.runMetrics.map { try json.encode($0) }), .text(version.updatedBy),
            .millis(version.updatedAt), .text(version.id),
        ]
    }

    static func entry(_ row: SQLRow) throws -> ManifestEntry {
        let digestText = try row.text("digest")
        guard let digest = try? Digest(parsing: digestText) else {
            throw SQLRow.mismatch("digest", "holds '\(digestText.prefix(80))', which is not a SHA-256 digest")
        }
        return ManifestEntry(
            path: try row.text("path"),
            digest: digest,
            size: try row.int64("size"),
            mediaType: try row.text("media_type")
        )
    }
}
