import CairnCore

/// Row ↔ `RegisteredModel` mapping.
enum RegisteredModelRows {
    /// The columns every model query selects, from `models m`.
    static let columns = "m.id, m.name, m.description, m.created_by, m.created_at, m.updated_by, m.updated_at"

    static func model(_ row: SQLRow, tags: [String: String]) throws -> RegisteredModel {
        RegisteredModel(
            id: try row.text("id"),
            name: try row.text("name"),
            description: try row.text("description"),
            tags: tags,
            createdBy: try row.text("created_by"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"),
            updatedBy: try row.text("updated_by")
        )
    }
}
