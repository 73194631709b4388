import Foundation

/// What kind of account a principal is.
public enum PrincipalKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person: may have a password (HTTP Basic) and tokens.
    case user
    /// A machine (CI, a serving fleet): tokens only, never a password.
    case serviceAccount = "service_account"
}

/// A user or service account. Credentials (a password hash, tokens) and grants are stored beside it, never in it.
public struct Account: Hashable, Sendable, Codable {
    public var id: String
    /// Unique, by code point; see ``AccountName``.
    public var name: String
    public var kind: PrincipalKind
    /// A disabled account cannot authenticate, with any credential; its tokens and grants stay for re-enabling.
    public var disabled: Bool
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date
    public var updatedBy: String

    public init(
        id: String,
        name: String,
        kind: PrincipalKind,
        disabled: Bool = false,
        createdAt: Date,
        createdBy: String,
        updatedAt: Date? = nil,
        updatedBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.disabled = disabled
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
        self.updatedBy = updatedBy ?? createdBy
    }
}

/// An API token's record. The secret itself is shown once at creation (``NewAPIToken``) and never stored: stores keep
/// only its SHA-256 (``APIToken/hash(ofSecret:)``), so a leaked database holds no usable credential.
public struct APIToken: Hashable, Sendable, Codable {
    public var id: String
    public var accountID: String
    /// What the token is for ("CI", "laptop"), chosen by its creator.
    public var description: String
    public var createdAt: Date
    /// The token stops working at this time (`nil`: never expires).
    public var expiresAt: Date?
    /// The token stopped working at this time (`nil`: not revoked).
    public var revokedAt: Date?
    /// When the token last authenticated a request, to within ``IdentityService/tokenUseResolution``.
    public var lastUsedAt: Date?

    public init(
        id: String,
        accountID: String,
        description: String,
        createdAt: Date,
        expiresAt: Date? = nil,
        revokedAt: Date? = nil,
        lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.description = description
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    /// Whether the token authenticates at `now`: not revoked and not expired (it expires *at* `expiresAt`).
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }

    /// Every token secret starts with this, so secret scanners and ``Credentials`` parsing can recognize one.
    public static let secretPrefix = "cairn_"

    /// The stored form of a secret: 64 lowercase hex digits of its SHA-256.
    public static func hash(ofSecret secret: String) -> String { Digest.of(Array(secret.utf8)).hex }
}

/// A token just created: its record and its secret, which is returned this once and can never be read again.
public struct NewAPIToken: Sendable {
    public var token: APIToken
    /// `cairn_` followed by 43 base64url characters (256 random bits). Show it once; never log it.
    public var secret: String
}

/// The naming rules of accounts.
///
/// 1–64 characters from `A–Z a–z 0–9 . _ -` and `@`, starting with a letter or digit (so an account name is usable
/// as an HTTP Basic username: no `:`), and not one of the reserved principal names `anonymous` and `system`.
public enum AccountName {
    public static let maxLength = 64
    /// Names of built-in principals: an account must never be mistaken for them in the audit log.
    public static let reserved: Set<String> = ["anonymous", "system"]

    /// - Throws: `.invalidArgument` naming the broken rule.
    public static func validate(_ name: String) throws(RegistryError) {
        guard (1...maxLength).contains(name.utf8.count) else {
            throw .invalid("An account name must be 1 to \(maxLength) characters.")
        }
        func isAlphanumeric(_ c: UInt8) -> Bool {
            (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c)
        }
        let allowed = name.utf8.allSatisfy { isAlphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 45 || $0 == 64 }
        guard allowed, let first = name.utf8.first, isAlphanumeric(first) else {
            throw .invalid(
                "Account name '\(name.prefix(maxLength))' is not valid: use letters, digits, '.', '_', '-' and '@', "
                    + "starting with a letter or digit."
            )
        }
        if reserved.contains(name.lowercased()) {
            throw .invalid("'\(name)' is reserved for a built-in principal. Choose another account name.")
        }
    }
}
