import CairnCore
import Foundation

/// Row ↔ identity mapping: accounts, grants and API tokens.
enum IdentityRows {
    /// The columns every account query selects, from `accounts a`.
    static let accountColumns =
        "a.id, a.name, a.kind, a.disabled, a.created_by, a.created_at, a.updated_by, a.updated_at"
    /// The columns every token query selects, from `api_tokens t`.
    static let tokenColumns =
        "t.id, t.account_id, t.description, t.created_at, t.expires_at, t.revoked_at, t.last_used_at"

    static func account(_ row: SQLRow) throws -> Account {
        let kindText = try row.text("kind")
        guard let kind = PrincipalKind(rawValue: kindText) else { throw SQLRow.mismatch("kind", "holds '\(kindText)'") }
        return Account(
            id: try row.text("id"),
            name: try row.text("name"),
            kind: kind,
            disabled: try row.int64("disabled") != 0,
            createdAt: try row.date("created_at"),
            createdBy: try row.text("created_by"),
            updatedAt: try row.date("updated_at"),
            updatedBy: try row.text("updated_by")
        )
    }

    static func token(_ row: SQLRow) throws -> APIToken {
        func optionalDate(_ column: String) throws -> Date? { try row.optionalInt64(column).map(SQLTime.date(millis:)) }
        return APIToken(
            id: try row.text("id"),
            accountID: try row.text("account_id"),
            description: try row.text("description"),
            createdAt: try row.date("created_at"),
            expiresAt: try optionalDate("expires_at"),
            revokedAt: try optionalDate("revoked_at"),
            lastUsedAt: try optionalDate("last_used_at")
        )
    }

    /// The stored `(scope_kind, scope_value)` of a grant's scope.
    static func scopeColumns(_ scope: Grant.Scope) -> (kind: String, value: String) {
        switch scope {
        case .global: ("global", "")
        case .model(let name): ("model", name)
        case .modelPrefix(let prefix): ("prefix", prefix)
        }
    }

    static func grant(_ row: SQLRow) throws -> Grant {
        let roleText = try row.text("role")
        guard let role = Role(rawValue: roleText) else { throw SQLRow.mismatch("role", "holds '\(roleText)'") }
        let value = try row.text("scope_value")
        switch try row.text("scope_kind") {
        case "global": return Grant(role)
        case "model": return Grant(role, .model(value))
        case "prefix": return Grant(role, .modelPrefix(value))
        case let other: throw SQLRow.mismatch("scope_kind", "holds '\(other)'")
        }
    }
}
