import Foundation

/// The source of time for the domain. Inject ``ManualClock`` (in CairnTesting) in tests; never sleep.
public protocol Clock: Sendable {
    func now() -> Date
}

/// Wall-clock time, truncated to milliseconds (the precision every store keeps).
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// The source of opaque identifiers.
public protocol IDGenerator: Sendable {
    func next() -> String
}

/// Random UUIDs, lowercased, without dashes (32 hex digits, like MLflow's ids).
public struct RandomIDGenerator: IDGenerator {
    public init() {}
    public func next() -> String { UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
}

/// Who is acting: an authenticated account with the grants it held when the request was authenticated, the
/// anonymous caller (with the role the server grants anonymous access), or the server itself.
///
/// The domain records ``name`` on every change; ``Authorization`` decides from ``kind`` and ``grants``.
public struct Principal: Hashable, Sendable {
    /// What kind of principal this is.
    public enum Kind: String, Hashable, Sendable, Codable {
        case user
        case serviceAccount = "service_account"
        /// A request without credentials. Never approves, deletes or administers, whatever it is granted.
        case anonymous
        /// The server itself (bootstrap, expiry of stale uploads, migrations): may do everything.
        case system

        /// The principal kind of an account of this kind.
        public init(_ kind: PrincipalKind) {
            switch kind {
            case .user: self = .user
            case .serviceAccount: self = .serviceAccount
            }
        }
    }

    /// The account id (`anonymous`/`system` for the built-in principals).
    public var id: String
    /// The name recorded in the audit log.
    public var name: String
    public var kind: Kind
    /// Every grant the principal holds (for anonymous: the configured role, globally).
    public var grants: [Grant]
    /// When the credential the request presented stops working: the token's expiry; `nil` for passwords, tokens
    /// without expiry and the built-in principals. Tokens an account mints for itself never outlive it.
    public var credentialExpiresAt: Date?

    public init(id: String, name: String, kind: Kind, grants: [Grant] = [], credentialExpiresAt: Date? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.grants = grants
        self.credentialExpiresAt = credentialExpiresAt
    }

    /// A user principal named `name` with no grants (its id is its name): for tests and tools that only record a
    /// name.
    public init(name: String) { self.init(id: name, name: name, kind: .user) }

    /// The principal of `account` holding `grants`.
    public init(account: Account, grants: [Grant]) {
        self.init(id: account.id, name: account.name, kind: Kind(account.kind), grants: grants)
    }

    /// The anonymous caller with no grants.
    public static let anonymous = Principal(id: "anonymous", name: "anonymous", kind: .anonymous)

    /// The anonymous caller granted `access` globally (the server's `--anonymous` setting).
    public static func anonymous(_ access: AnonymousAccess) -> Principal {
        Principal(
            id: "anonymous",
            name: "anonymous",
            kind: .anonymous,
            grants: access.role.map { [Grant($0)] } ?? []
        )
    }

    /// The server itself (expiry of stale uploads, migrations, bootstrap). Allowed everything.
    public static let system = Principal(id: "system", name: "system", kind: .system)
}
