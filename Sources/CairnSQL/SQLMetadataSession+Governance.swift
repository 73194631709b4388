import CairnCore
import Foundation

extension SQLMetadataSession {
    // MARK: Policies

    public func policy(modelID: String?) async throws -> StoredPolicy? {
        let rows = try await run(
            "SELECT document, updated_at, updated_by FROM policies WHERE scope = ?",
            [.text(GovernanceRows.scope(modelID))]
        )
        return try rows.first.map { try GovernanceRows.policy($0, modelID: modelID) }
    }

    public func setPolicy(_ policy: StoredPolicy) async throws {
        _ = try await run(
            """
            INSERT INTO policies (scope, document, updated_at, updated_by) VALUES (?, ?, ?, ?)
            ON CONFLICT (scope) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """,
            [
                .text(GovernanceRows.scope(policy.modelID)), .text(policy.policy.document.canonicalJSON),
                .millis(policy.updatedAt), .text(policy.updatedBy),
            ]
        )
    }

    public func deletePolicy(modelID: String?) async throws -> Bool {
        try await !run(
            "DELETE FROM policies WHERE scope = ? RETURNING scope",
            [.text(GovernanceRows.scope(modelID))]
        ).isEmpty
    }

    // MARK: Transition requests

    public func transitionRequest(id: String) async throws -> TransitionRequest? {
        let rows = try await run(
            "SELECT \(GovernanceRows.requestColumns) FROM transition_requests r JOIN models m ON m.id = r.model_id "
                + "WHERE r.id = ?",
            [.text(id)]
        )
        return try rows.first.map { try GovernanceRows.request($0, json) }
    }

    public func transitionRequests(
        modelID: String?,
        state: TransitionRequest.State?,
        after: RequestCursor?,
        limit: Int
    ) async throws -> [TransitionRequest] {
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let modelID {
            conditions.append("r.model_id = ?")
            binds.append(.text(modelID))
        }
        if let state {
            conditions.append("r.state = ?")
            binds.append(.text(state.rawValue))
        }
        if let after {
            // Keyset: strictly after (created_at, id) in the listing's descending order; ids compare by code point.
            conditions.append("(r.created_at < ? OR (r.created_at = ? AND r.id < ?))")
            binds += [.millis(after.createdAt), .millis(after.createdAt), .text(after.id)]
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await run(
            "SELECT \(GovernanceRows.requestColumns) FROM transition_requests r JOIN models m ON m.id = r.model_id"
                + "\(whereClause) ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
            binds + [.int(limit)]
        )
        return try rows.map { try GovernanceRows.request($0, json) }
    }

    public func insertTransitionRequest(_ request: TransitionRequest) async throws {
        _ = try await run(
            """
            INSERT INTO transition_requests (id, model_id, version_id, target, state, created_at, document)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(request.id), .text(request.modelID), .text(request.versionID), .text(request.target.key),
                .text(request.state.rawValue), .millis(request.createdAt), .text(try json.encode(request)),
            ],
            onUnique: RegistryError(
                .alreadyExists,
                "A transition request with the id \(request.id) already exists; ids come from the service's generator."
            ),
            onMissingParent: Self.modelIDNotFound(request.modelID)
        )
    }

    public func updateTransitionRequest(_ request: TransitionRequest) async throws {
        // The model and version of a request never change: the stored columns win over the document's.
        let stored = try await run(
            "SELECT model_id, version_id FROM transition_requests WHERE id = ?",
            [.text(request.id)]
        )
        guard let row = stored.first else {
            throw GovernanceRows.requestNotFound(request.id)
        }
        var request = request
        request.modelID = try row.text("model_id")
        request.versionID = try row.text("version_id")
        _ = try await run(
            "UPDATE transition_requests SET target = ?, state = ?, created_at = ?, document = ? WHERE id = ?",
            [
                .text(request.target.key), .text(request.state.rawValue), .millis(request.createdAt),
                .text(try json.encode(request)), .text(request.id),
            ]
        )
    }

    // MARK: Model cards

    public func modelCard(versionID: String) async throws -> StoredModelCard? {
        let rows = try await run(
            "SELECT version_id, document, revision, updated_at, updated_by FROM model_cards WHERE version_id = ?",
            [.text(versionID)]
        )
        return try rows.first.map(GovernanceRows.card)
    }

    public func setModelCard(_ card: StoredModelCard) async throws {
        _ = try await run(
            """
            INSERT INTO model_cards (version_id, document, revision, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (version_id) DO UPDATE SET document = excluded.document, revision = excluded.revision,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            [
                .text(card.versionID), .text(card.card.document.canonicalJSON), .int(card.revision),
                .millis(card.updatedAt), .text(card.updatedBy),
            ],
            onMissingParent: Self.versionIDNotFound(card.versionID)
        )
    }
}
