/// The access rules, decided here once for every API surface.
///
/// 1. The ``Principal/system`` principal may do everything.
/// 2. Anyone else may do an action when one of their grants *applies* to the model (``Grant/applies(to:)``: global,
///    exact name, or name prefix) and its role allows the action (``Action/allowedRoles``). Grants combine: every
///    applicable grant counts, so the strongest wins.
/// 3. Anonymous callers are capped at ``Action/anonymousCeiling`` (read, write, delete) whatever they are granted:
///    they can never approve or administer.
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
        let capped = principal.kind == .anonymous && !Action.anonymousCeiling.contains(action)
        // The allowed path, on every read of the serving hot path, allocates nothing.
        if !capped, principal.grants.contains(where: { $0.applies(to: model) && $0.role.allows(action) }) {
            return .allowed
        }
        let target = model.map { "model '\($0)'" } ?? "this server"
        if capped {
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

    /// Decides whether `principal` may do `action` on at least one model: some grant of theirs, on any scope, has a
    /// role that allows it (capped for anonymous callers as ``decide(_:_:model:)`` caps them). The coarse gate of a
    /// route whose model the core decides per call; the reason of a refusal is the one for no single model.
    public static func decideOnAnyModel(_ principal: Principal, _ action: Action) -> Decision {
        if principal.kind == .system { return .allowed }
        let capped = principal.kind == .anonymous && !Action.anonymousCeiling.contains(action)
        if !capped, principal.grants.contains(where: { $0.role.allows(action) }) { return .allowed }
        return decide(principal, action, model: nil)
    }

    /// Throws when ``decide(_:_:model:)`` denies, with ``refusal(_:_:model:reason:)``.
    /// - Throws: `.unauthenticated` when `principal` is anonymous (signing in may help), else `.permissionDenied`
    ///   with the decision's reason.
    public static func require(_ principal: Principal, _ action: Action, model: String?) throws(RegistryError) {
        if case .denied(let reason) = decide(principal, action, model: model) {
            throw refusal(principal, action, model: model, reason: reason)
        }
    }

    /// The error of a denied decision — the one place that picks the code.
    ///
    /// An anonymous caller gets `.unauthenticated` ("sign in: … needs the editor or admin role; anonymous access here
    /// is viewer"): credentials may help, and the HTTP layers answer 401 with `WWW-Authenticate`. Anyone else gets
    /// `.permissionDenied` with `reason`.
    public static func refusal(_ principal: Principal, _ action: Action, model: String?, reason: String)
        -> RegistryError
    {
        guard principal.kind == .anonymous else { return RegistryError(.permissionDenied, reason) }
        let target = model.map { "model '\($0)'" } ?? "this server"
        let access = principal.grants.first { $0.scope == .global }?.role.rawValue ?? "none"
        let never = Action.anonymousCeiling.contains(action) ? "" : " (anonymous callers never may)"
        return RegistryError(
            .unauthenticated,
            "Sign in: to \(verb(action)) \(target) needs the \(roles(action)) role; anonymous access here is "
                + "\(access)\(never). Send an API token (Authorization: Bearer <token>) or an account name with its "
                + "password or token (HTTP Basic)."
        )
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
