import Foundation

/// A role held by an account: globally, on one model, or on every model whose name starts with a prefix.
public struct GrantDTO: Codable, Sendable, Hashable {
    /// `viewer`, `editor`, `approver` or `admin`.
    public var role: String
    /// `global`, `model` or `prefix`.
    public var scope: String
    /// The model name (scope `model`) or name prefix (scope `prefix`); absent for `global`.
    public var target: String?

    public init(role: String, scope: String, target: String? = nil) {
        self.role = role
        self.scope = scope
        self.target = target
    }
}

/// A user or service account.
public struct AccountDTO: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// `user` or `service_account`.
    public var kind: String
    public var disabled: Bool
    public var grants: [GrantDTO]
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date

    public init(
        id: String,
        name: String,
        kind: String,
        disabled: Bool,
        grants: [GrantDTO],
        createdBy: String,
        createdAt: Date,
        updatedBy: String,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.disabled = disabled
        self.grants = grants
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// `POST /api/v1/accounts`.
public struct CreateAccountRequest: Codable, Sendable, Hashable {
    public var name: String
    /// `user` (default) or `service_account`.
    public var kind: String?
    public init(name: String, kind: String? = nil) {
        self.name = name
        self.kind = kind
    }
}

/// `GET /api/v1/accounts`.
public struct AccountListDTO: Codable, Sendable, Hashable {
    public var accounts: [AccountDTO]
    public init(accounts: [AccountDTO]) { self.accounts = accounts }
}

/// `PUT /api/v1/accounts/{name}/password`.
public struct SetPasswordRequest: Codable, Sendable, Hashable {
    public var password: String
    /// The account's current password: needed when an account changes its own (an admin needs none).
    public var currentPassword: String?
    public init(password: String, currentPassword: String? = nil) {
        self.password = password
        self.currentPassword = currentPassword
    }
}

/// `POST /api/v1/accounts/{name}/grants` and `POST /api/v1/accounts/{name}/grants/revoke`.
public typealias GrantRequest = GrantDTO

/// `GET|POST /api/v1/accounts/{name}/grants…`: the account's grants after the change.
public struct GrantListDTO: Codable, Sendable, Hashable {
    public var grants: [GrantDTO]
    public init(grants: [GrantDTO]) { self.grants = grants }
}

/// An API token's metadata; the secret is never returned after creation.
public struct TokenDTO: Codable, Sendable, Hashable {
    public var id: String
    public var account: String
    public var description: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: String,
        account: String,
        description: String,
        createdAt: Date,
        expiresAt: Date?,
        revokedAt: Date?,
        lastUsedAt: Date?
    ) {
        self.id = id
        self.account = account
        self.description = description
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }
}

/// `POST /api/v1/accounts/{name}/tokens`.
public struct CreateTokenRequest: Codable, Sendable, Hashable {
    public var description: String?
    public var expiresAt: Date?
    public init(description: String? = nil, expiresAt: Date? = nil) {
        self.description = description
        self.expiresAt = expiresAt
    }
}

/// The answer to token creation: the only time the secret is shown.
public struct NewTokenDTO: Codable, Sendable, Hashable {
    public var token: TokenDTO
    /// Send as `Authorization: Bearer <secret>` (or as the password of HTTP Basic). Store it now: it is not kept.
    public var secret: String
    public init(token: TokenDTO, secret: String) {
        self.token = token
        self.secret = secret
    }
}

/// `GET /api/v1/accounts/{name}/tokens`.
public struct TokenListDTO: Codable, Sendable, Hashable {
    public var tokens: [TokenDTO]
    public init(tokens: [TokenDTO]) { self.tokens = tokens }
}

/// `GET /api/v1/whoami`: the principal a request acts as.
public struct WhoAmIDTO: Codable, Sendable, Hashable {
    public var name: String
    /// `user`, `service_account`, `anonymous` or `system`.
    public var kind: String
    public var grants: [GrantDTO]
    public init(name: String, kind: String, grants: [GrantDTO]) {
        self.name = name
        self.kind = kind
        self.grants = grants
    }
}
