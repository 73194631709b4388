import Foundation

extension CatalogService {
    /// Searches registered models: `filter` (name and tag conditions) and an order over `name`,
    /// `creation_timestamp` or `last_updated_timestamp` (default: name ascending, served by the name index; other
    /// orders sort in the core). Every order pages by a keyset cursor. Needs ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (bad order key, token or limit).
    public func searchModels(
        filter: ModelFilter,
        order: [SearchOrder],
        pageToken: String?,
        limit: Int,
        actor: Principal
    ) async throws -> Page<RegisteredModel> {
        let permit = try await core.admit(.searchModels, actor, model: nil)
        if order.isEmpty || order == [SearchOrder(field: .attribute("name"), ascending: true)] {
            return try await listModels(filter: filter, pageToken: pageToken, limit: limit, actor: actor)
        }
        let limit = try PageToken.limit(limit)
        try TagRules.validate(filter.tags)
        try filter.validate()
        let cursor = try TrackingSearch.cursor(pageToken, orderedBy: order)
        let all = try await store.read(permit) { try await $0.models(matching: filter, afterName: nil, limit: 100_000) }
        let sorted = try TrackingSearch.search(all, [], order)
        return TrackingSearch.page(sorted, orderedBy: order, after: cursor, limit: limit)
    }

    /// Searches model versions of every model: attributes `name` (the model's), `version_number`, `run_id`,
    /// `source_path`, `current_stage`, `status`, `creation_timestamp`, `last_updated_timestamp`, and `tags.*`,
    /// `params.*`, `metrics.*` of the version's lineage. Default order: model name, then newest version first.
    /// Needs ``Action/read`` on the model when a clause pins the name (`name = 'x'`), else globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (unknown field, bad token or limit).
    public func searchVersions(
        clauses: [SearchClause],
        order: [SearchOrder],
        pageToken: String?,
        limit: Int,
        actor: Principal
    ) async throws -> Page<ModelVersion> {
        let limit = try PageToken.limit(limit, max: PageToken.maxSearchLimit)
        func equality(_ attribute: String) -> String? {
            for clause in clauses where clause.field == .attribute(attribute) && clause.op == .equal {
                if case .string(let value) = clause.value { return value }
            }
            return nil
        }
        let modelName = equality("name")
        let permit = try await core.admit(.searchVersions, actor, model: modelName)
        let fullOrder =
            order + [
                SearchOrder(field: .attribute("name"), ascending: true),
                SearchOrder(field: .attribute("version_number"), ascending: false),
            ]
        let cursor = try TrackingSearch.cursor(pageToken, orderedBy: fullOrder)
        let runID = equality("run_id")
        let candidates: [ModelVersion] = try await store.read(permit) { reader in
            var modelID: String?
            if let modelName {
                guard let model = try await reader.model(named: modelName) else { return [] }
                modelID = model.id
            }
            return try await reader.versions(modelID: modelID, runID: runID, limit: 100_000)
        }
        let sorted = try TrackingSearch.search(candidates, clauses, fullOrder)
        return TrackingSearch.page(sorted, orderedBy: fullOrder, after: cursor, limit: limit)
    }
}

extension ModelVersion: TrackingSearchable {
    static let kind = "model version"
    static let attributes = [
        "name": false, "version_number": true, "run_id": false, "source_path": false, "current_stage": false,
        "status": false, "creation_timestamp": true, "last_updated_timestamp": true,
    ]

    func attribute(_ key: String) -> SearchValue? {
        switch key {
        case "name": .string(modelName)
        case "version_number": .number(Double(number))
        case "run_id": .string(lineage.runID ?? "")
        case "source_path": .string(lineage.source ?? "")
        case "current_stage": .string(stage.rawValue)
        case "status": .string(status.rawValue)
        case "creation_timestamp": .number(createdAt.timeIntervalSince1970 * 1000)
        case "last_updated_timestamp": .number(updatedAt.timeIntervalSince1970 * 1000)
        default: nil
        }
    }
    func metric(_ key: String) -> Double? { lineage.metrics[key] }
    func param(_ key: String) -> String? { lineage.params[key] }
    func tag(_ key: String) -> String? { tags[key] }
    var tieBreaker: String.UTF8View { id.utf8 }
}

extension RegisteredModel: TrackingSearchable {
    static let kind = "registered model"
    static let attributes = ["name": false, "creation_timestamp": true, "last_updated_timestamp": true]

    func attribute(_ key: String) -> SearchValue? {
        switch key {
        case "name": .string(name)
        case "creation_timestamp": .number(createdAt.timeIntervalSince1970 * 1000)
        case "last_updated_timestamp": .number(updatedAt.timeIntervalSince1970 * 1000)
        default: nil
        }
    }
    func metric(_ key: String) -> Double? { nil }
    func param(_ key: String) -> String? { nil }
    func tag(_ key: String) -> String? { tags[key] }
    var tieBreaker: String.UTF8View { name.utf8 }
}
