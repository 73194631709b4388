import CairnCore
import CairnWire

/// Identity domain ↔ wire, in one place for the native API.
enum IdentityMapping {
    static func account(_ account: Account, grants: [Grant]) -> AccountDTO {
        AccountDTO(
            id: account.id,
            name: account.name,
            kind: account.kind.rawValue,
            disabled: account.disabled,
            grants: grants.map(grant),
            createdBy: account.createdBy,
            createdAt: account.createdAt,
            updatedBy: account.updatedBy,
            updatedAt: account.updatedAt
        )
    }

    static func grant(_ grant: Grant) -> GrantDTO {
        switch grant.scope {
        case .global: GrantDTO(role: grant.role.rawValue, scope: "global")
        case .model(let name): GrantDTO(role: grant.role.rawValue, scope: "model", target: name)
        case .modelPrefix(let prefix): GrantDTO(role: grant.role.rawValue, scope: "prefix", target: prefix)
        }
    }

    /// A grant from the wire.
    /// - Throws: `.invalidArgument` for an unknown role or scope, or a target missing (model, prefix) or given
    ///   (global).
    static func grant(_ dto: GrantDTO) throws -> Grant {
        let role = try Role(parsing: dto.role)
        switch (dto.scope.lowercased(), dto.target) {
        case ("global", nil), ("global", ""): return Grant(role, .global)
        case ("model", let target?) where !target.isEmpty: return Grant(role, .model(target))
        case ("prefix", let target?) where !target.isEmpty: return Grant(role, .modelPrefix(target))
        case ("global", _):
            throw RegistryError(.invalidArgument, "A global grant takes no target; leave 'target' out.")
        case ("model", _), ("prefix", _):
            throw RegistryError(
                .invalidArgument,
                "A \(dto.scope.lowercased()) grant needs a 'target': the model name or name prefix."
            )
        default:
            throw RegistryError(
                .invalidArgument,
                "'\(dto.scope.prefix(40))' is not a grant scope. Use global, model or prefix."
            )
        }
    }

    static func token(_ token: APIToken, account: String) -> TokenDTO {
        TokenDTO(
            id: token.id,
            account: account,
            description: token.description,
            createdAt: token.createdAt,
            expiresAt: token.expiresAt,
            revokedAt: token.revokedAt,
            lastUsedAt: token.lastUsedAt
        )
    }

    /// `user` (the default) or `service_account`.
    /// - Throws: `.invalidArgument` for anything else.
    static func kind(_ text: String?) throws -> PrincipalKind {
        guard let text else { return .user }
        guard let kind = PrincipalKind(rawValue: text.lowercased()) else {
            throw RegistryError(
                .invalidArgument,
                "'\(text.prefix(40))' is not an account kind. Use user or service_account."
            )
        }
        return kind
    }
}
