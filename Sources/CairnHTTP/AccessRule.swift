import CairnCore
import HTTPTypes

/// The authorization rule of one route, checked before its handler runs. Every route of every surface declares one
/// (a non-optional field of ``Endpoint`` and of the MLflow route type, without a default), so a route without a rule
/// cannot be written.
///
/// The rule is the coarse gate at the edge; the fine-grained, per-model decision is the core's
/// (`RegistryService` use cases call ``Authorization`` with the model at hand).
public enum AccessRule: Sendable, Hashable, CustomStringConvertible {
    /// Anyone, with or without credentials (health, version, the OpenAPI document, server info, who-am-I).
    case `public`
    /// Any authenticated account; the core then allows an admin or the account itself (its own password, tokens,
    /// grants). Anonymous callers get 401.
    case authenticated
    /// Principals holding a role that allows this action on at least one scope (``Action/allowedRoles``).
    /// Anonymous callers whose configured role cannot do it get 401; accounts holding no such role get 403.
    /// `requires(.delete)` lets through whoever may read: every delete use case decides delete per model in the core,
    /// and tells a caller who may see the target that it does not exist before refusing (decision 0012).
    case requires(Action)
    /// Authorized by a capability the request carries instead of an account: the part token of a multipart upload
    /// (header ``partTokenHeader``), which the core checks against the upload's stored digest. Credentials are not
    /// needed and grant nothing here; a request without the token gets 401.
    case partToken

    /// The header carrying a multipart upload's part token.
    public static let partTokenHeader = HTTPField.Name("X-Cairn-Part-Token")!

    /// `public`, `authenticated`, `requires(<action>)` or `partToken`: for tests, logs and the OpenAPI document.
    public var description: String {
        switch self {
        case .public: "public"
        case .authenticated: "authenticated"
        case .requires(let action): "requires(\(action.rawValue))"
        case .partToken: "partToken"
        }
    }

    /// The value of `WWW-Authenticate` on every 401: the two schemes Cairn accepts.
    public static let challenge = #"Basic realm="cairn", Bearer realm="cairn""#
}

/// Applies an ``AccessRule`` to a request: the one gate every route of every surface passes before its handler.
public enum AccessGuard {
    /// Throws when the request may not reach a route with `rule`.
    ///
    /// Order: the origin guard's refusal (a host or origin not allowed) first, then refused credentials (whatever
    /// the rule); then the rule. An account's refused delete or
    /// administration is recorded as an `access.denied` event, as the core records its own refusals of those.
    /// - Parameter attempted: the operation, for the audit log (`"DELETE /api/v1/models/{name}"`); no secrets.
    /// - Throws: `.unauthenticated` (bad credentials, or anonymous where its role cannot act), `.permissionDenied`
    ///   (an account holding no role that allows the action), store failures while recording a refusal.
    public static func check(
        _ rule: AccessRule,
        context: CairnRequestContext,
        service: RegistryService,
        attempted: String,
        partToken: String? = nil
    ) async throws {
        if let refusal = context.refusal { throw refusal }
        if let error = context.authenticationError { throw error }
        let principal = context.principal
        switch rule {
        case .public:
            return
        case .partToken:
            // The core checks the token itself; its absence is refused here, before a byte of the body is read.
            guard let token = partToken, !token.isEmpty else {
                throw RegistryError(
                    .unauthenticated,
                    "This upload needs the \(AccessRule.partTokenHeader) header that the multipart upload's "
                        + "credentials list."
                )
            }
            return
        case .authenticated:
            if principal.kind == .anonymous {
                throw RegistryError(
                    .unauthenticated,
                    "Authentication required: this needs an account. " + howToAuthenticate
                )
            }
        case .requires(let required):
            let action = required == .delete ? Action.read : required
            // The core's rule for "on some model": the use case then decides for the model at hand.
            guard case .denied(let reason) = Authorization.decideOnAnyModel(principal, action) else { return }
            let refusal = Authorization.refusal(principal, action, model: nil, reason: reason)
            // As the core does: refusals of deletes and administration by accounts are recorded.
            if refusal.code == .permissionDenied, action == .delete || action == .administer {
                try await service.recordDenial(
                    actor: principal,
                    action: action,
                    model: nil,
                    attempted: attempted,
                    reason: reason
                )
            }
            throw refusal
        }
    }

    static let howToAuthenticate =
        "Send a token (Authorization: Bearer <token>) or an account name with its password or token (HTTP Basic)."
}
