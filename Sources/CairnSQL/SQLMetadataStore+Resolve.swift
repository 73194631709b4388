import CairnCore

extension SQLMetadataStore {
    /// Resolves a reference to a `READY` version with its manifest: the serving hot path.
    ///
    /// Exactly one indexed statement per call, with constant text per reference kind (so drivers that cache
    /// prepared statements reuse them): `models.name` (unique index) → `model_versions` by `(model_id, number)`, by
    /// `(model_id, stage, number)`, or through `model_aliases` by `(model_id, alias)`. Needs no transaction.
    /// Returns `nil` when the model, the version or the alias does not exist, or the version is not `READY`.
    /// - Throws: `.unavailable` (busy), `.internalError`.
    public func resolve(
        _ executor: any SQLExecutor,
        modelName: String,
        reference: VersionReference
    ) async throws -> ModelVersion? {
        let rows: [SQLRow]
        switch reference {
        case .number(let number):
            rows = try await run(executor, Self.resolveNumber, [.text(modelName), .int(number)])
        case .latest:
            rows = try await run(executor, Self.resolveLatest, [.text(modelName)])
        case .stage(let stage):
            rows = try await run(executor, Self.resolveStage, [.text(modelName), .text(stage.rawValue)])
        case .alias(let alias):
            rows = try await run(executor, Self.resolveAlias, [.text(modelName), .text(alias)])
        }
        return try rows.first.map { try ModelVersionRows.version($0, json) }
    }

    /// The statement text of each reference kind, for query-plan tests.
    package static var resolveStatements: [String] { [resolveNumber, resolveLatest, resolveStage, resolveAlias] }

    static let resolveNumber = """
        SELECT \(ModelVersionRows.columns) FROM models m JOIN model_versions v ON v.model_id = m.id
        WHERE m.name = ? AND v.number = ? AND v.status = 'READY'
        """

    static let resolveLatest = """
        SELECT \(ModelVersionRows.columns) FROM models m JOIN model_versions v ON v.model_id = m.id
        WHERE m.name = ? AND v.status = 'READY' ORDER BY v.number DESC LIMIT 1
        """

    static let resolveStage = """
        SELECT \(ModelVersionRows.columns) FROM models m JOIN model_versions v ON v.model_id = m.id
        WHERE m.name = ? AND v.stage = ? AND v.status = 'READY' ORDER BY v.number DESC LIMIT 1
        """

    static let resolveAlias = """
        SELECT \(ModelVersionRows.columns) FROM models m
        JOIN model_aliases a ON a.model_id = m.id
        JOIN model_versions v ON v.model_id = m.id AND v.number = a.version
        WHERE m.name = ? AND a.alias = ? AND v.status = 'READY'
        """
}
