import CairnCore
import Foundation

/// Row ↔ governance mapping: `StoredPolicy`, `TransitionRequest`, `StoredModelCard`.
enum GovernanceRows {
    /// The `policies.scope` of a model's policy (its id), or of the default (`*`, which no hex model id can be).
    static func scope(_ modelID: String?) -> String { modelID ?? "*" }

    static func policy(_ row: SQLRow, modelID: String?) throws -> StoredPolicy {
        let value = try document(row, column: "document", what: "policy")
        let policy: Policy
        do {
            policy = try Policy(value)
        } catch {
            throw damaged("policy", error)
        }
        return StoredPolicy(
            modelID: modelID,
            policy: policy,
            updatedAt: try row.date("updated_at"),
            updatedBy: try row.text("updated_by")
        )
    }

    /// The columns every request query selects, from `transition_requests r JOIN models m`.
    static let requestColumns = "r.model_id, r.version_id, r.document, m.name"

    /// A request as stored, with the model's current name; the model and version come from their columns.
    static func request(_ row: SQLRow, _ json: JSONCodec) throws -> TransitionRequest {
        var request = try json.decode(TransitionRequest.self, try row.text("document"), column: "document")
        request.modelID = try row.text("model_id")
        request.versionID = try row.text("version_id")
        request.modelName = try row.text("name")
        return request
    }

    static func card(_ row: SQLRow) throws -> StoredModelCard {
        let value = try document(row, column: "document", what: "model card")
        let card: ModelCard
        do {
            card = try ModelCard(value)
        } catch {
            throw damaged("model card", error)
        }
        return StoredModelCard(
            versionID: try row.text("version_id"),
            card: card,
            revision: try row.int("revision"),
            updatedAt: try row.date("updated_at"),
            updatedBy: try row.text("updated_by")
        )
    }

    static func requestNotFound(_ id: String, file: String = #fileID, line: Int = #line) -> RegistryError {
        RegistryError(.notFound, "No transition request has the id \(id).", file: file, line: line)
    }

    /// Parses a stored document. No size limit: the store trusts what it wrote, and a canonical document may be
    /// longer than the one it was parsed from (defaults are spelled out).
    private static func document(_ row: SQLRow, column: String, what: String) throws -> DocumentValue {
        do {
            return try DocumentValue.parse(Array(try row.text(column).utf8), what: "stored \(what)", maxBytes: .max)
        } catch let error as RegistryError where error.code != .internalError {
            throw damaged(what, error)
        }
    }

    private static func damaged(_ what: String, _ error: RegistryError) -> RegistryError {
        RegistryError(
            .internalError,
            "A stored \(what) is unreadable (\(error.message)); the metadata database may be damaged.",
            underlying: error
        )
    }
}
