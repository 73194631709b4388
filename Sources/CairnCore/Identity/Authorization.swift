/// The access rules, decided here once for every API surface.
///
/// 1. The ``Principal/system`` principal may do everything.
/// 2. Anyone else may do an action when one of their grants *applies* to the model (``Grant/applies(to:)``: global,
///    exact name, or name prefix) and its role allows the action (``Action/allowedRoles``). Grants combine: every
///    applicable grant counts, so the strongest wins.
/// 3. Anonymous callers are capped at ``Action/anonymousCeiling`` (read, write) whatever they are granted: they can
///    never approve, delete or administer.
public enum Authorization {
    /// The outcome of ``decide(_:_:model:)``.
    public enum Decision: Hashable, Sendable {
        case allowed
        /// Refused; `reason` says who was refused what and which role would allow it. Safe to show the caller.
        case denied(reason: String)

        public var isAllowed: Bool { self == .allowed }
    }

    /// Decides whether `principal` may do `action`, on `model` (a model name) or on no single model (`nil`: only
    /// global grants apply).
    public static func decide(_ principal: Principal, _ action: Action, model: String?) -> Decision {
        if principal.kind == .system { return .allowed }
        let target = model.map { "model '\($0)'" } ?? "this server"
        if principal.kind == .anonymous, !Action.anonymousCeiling.contains(action) {
            return .denied(
                reason: "Anonymous callers can never \(verb(action)) (\(target)). Authenticate with a token or a "
                    + "password of an account holding the \(roles(action)) role."
            )
        }
        let held = principal.grants.filter { $0.applies(to: model) }.map(\.role)
        if held.contains(where: { $0.allows(action) }) { return .allowed }
        let has = held.isEmpty ? "no role" : "only " + Set(held).map(\.rawValue).sorted().joined(separator: ", ")
        return .denied(
            reason: "\(principal.name) may not \(verb(action)) \(target): that needs the \(roles(action)) role "
                + "(granted globally or on the model), and \(principal.name) has \(has) there. Ask an admin for a grant."
        )
    }

    /// Throws when ``decide(_:_:model:)`` denies.
    /// - Throws: `.permissionDenied` with the decision's reason (`.unauthenticated` is the HTTP layer's business).
    public static func require(_ principal: Principal, _ action: Action, model: String?) throws(RegistryError) {
        if case .denied(let reason) = decide(principal, action, model: model) {
            throw RegistryError(.permissionDenied, reason)
        }
    }

    private static func verb(_ action: Action) -> String {
        switch action {
        case .read: "read"
        case .write: "change"
        case .approve: "approve transitions of"
        case .delete: "delete on"
        case .administer: "administer"
        }
    }

    /// "editor or admin", in the fixed order of ``Role/allCases``.
    private static func roles(_ action: Action) -> String {
        let names = Role.allCases.filter(action.allowedRoles.contains).map(\.rawValue)
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
