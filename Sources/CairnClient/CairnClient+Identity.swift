import CairnWire
import Foundation
import NIOHTTP1

/// Identity: who the client acts as, accounts, grants and API tokens (`/api/v1/whoami`, `/api/v1/accounts…`,
/// `/api/v1/tokens…`). Managing accounts and other accounts' tokens needs the admin role; the server answers
/// `PERMISSION_DENIED` (HTTP 403) otherwise, and `UNAUTHENTICATED` (HTTP 401) without valid credentials.
extension CairnClient {
    /// `GET /api/v1/whoami`: the principal requests act as (`anonymous` without a token) and its grants.
    public func whoami() async throws -> WhoAmIDTO {
        try await send(.GET, APIPath("whoami"))
    }

    // MARK: - Accounts

    /// `POST /api/v1/accounts`: creates an account. Throws `ALREADY_EXISTS` if the name is taken.
    public func createAccount(_ request: CreateAccountRequest) async throws -> AccountDTO {
        try await send(.POST, APIPath("accounts"), body: request)
    }

    /// `POST /api/v1/accounts`: creates a user, or a service account (which authenticates with tokens only).
    public func createAccount(name: String, serviceAccount: Bool = false) async throws -> AccountDTO {
        try await createAccount(CreateAccountRequest(name: name, kind: serviceAccount ? "service_account" : "user"))
    }

    /// `GET /api/v1/accounts`: every account.
    public func listAccounts() async throws -> AccountListDTO {
        try await send(.GET, APIPath("accounts"))
    }

    /// `GET /api/v1/accounts/{name}`. Throws `NOT_FOUND`.
    public func account(_ name: String) async throws -> AccountDTO {
        try await send(.GET, APIPath("accounts", name))
    }

    /// `POST /api/v1/accounts/{name}/disable`: the account's credentials stop working on the next request.
    public func disableAccount(_ name: String) async throws -> AccountDTO {
        try await send(.POST, APIPath("accounts", name, "disable"))
    }

    /// `POST /api/v1/accounts/{name}/enable`.
    public func enableAccount(_ name: String) async throws -> AccountDTO {
        try await send(.POST, APIPath("accounts", name, "enable"))
    }

    /// `PUT /api/v1/accounts/{name}/password`: sets a user's password (HTTP Basic, e.g. `MLFLOW_TRACKING_PASSWORD`).
    /// Changing one's own password needs `currentPassword`; an admin needs none.
    public func setPassword(account name: String, password: String, currentPassword: String? = nil) async throws {
        try await sendRaw(
            .PUT,
            APIPath("accounts", name, "password"),
            body: SetPasswordRequest(password: password, currentPassword: currentPassword)
        )
    }

    // MARK: - Grants

    /// `GET /api/v1/accounts/{name}/grants`.
    public func grants(account name: String) async throws -> GrantListDTO {
        try await send(.GET, APIPath("accounts", name, "grants"))
    }

    /// `POST /api/v1/accounts/{name}/grants`: adds a grant (idempotent); returns the account's grants afterwards.
    public func addGrant(account name: String, _ grant: GrantDTO) async throws -> GrantListDTO {
        try await send(.POST, APIPath("accounts", name, "grants"), body: grant)
    }

    /// `POST /api/v1/accounts/{name}/grants/revoke`: removes a grant; returns the account's grants afterwards.
    public func revokeGrant(account name: String, _ grant: GrantDTO) async throws -> GrantListDTO {
        try await send(.POST, APIPath("accounts", name, "grants", "revoke"), body: grant)
    }

    // MARK: - Tokens

    /// `POST /api/v1/accounts/{name}/tokens`: creates an API token. The answer holds the secret, the only time it is
    /// ever shown.
    /// - Parameter expiresAt: When the token stops working; `nil` for never.
    public func createToken(
        account name: String,
        description: String? = nil,
        expiresAt: Date? = nil
    ) async throws -> NewTokenDTO {
        try await send(
            .POST,
            APIPath("accounts", name, "tokens"),
            body: CreateTokenRequest(description: description, expiresAt: expiresAt)
        )
    }

    /// `GET /api/v1/accounts/{name}/tokens`: the account's tokens (metadata only, never secrets).
    public func tokens(account name: String) async throws -> TokenListDTO {
        try await send(.GET, APIPath("accounts", name, "tokens"))
    }

    /// `DELETE /api/v1/tokens/{id}`: revokes a token; it stops working on the next request.
    @discardableResult
    public func revokeToken(id: String) async throws -> TokenDTO {
        try await send(.DELETE, APIPath("tokens", id))
    }
}

extension GrantDTO {
    /// A role on every model.
    public static func global(_ role: String) -> GrantDTO { GrantDTO(role: role, scope: "global") }

    /// A role on the model named `model`.
    public static func model(_ role: String, _ model: String) -> GrantDTO {
        GrantDTO(role: role, scope: "model", target: model)
    }

    /// A role on every model whose name starts with `prefix`.
    public static func prefix(_ role: String, _ prefix: String) -> GrantDTO {
        GrantDTO(role: role, scope: "prefix", target: prefix)
    }
}
