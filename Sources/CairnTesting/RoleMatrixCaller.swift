import CairnCore

/// One column of a role matrix (the native API's and the MLflow API's): a caller without credentials under an
/// anonymous setting, or the token of an account holding one role globally.
public enum RoleMatrixCaller: String, CaseIterable, Sendable {
    case anonymousNone = "anon-none"
    case anonymousViewer = "anon-viewer"
    case anonymousEditor = "anon-editor"
    case anonymousMaintainer = "anon-maintainer"
    case viewer, editor, maintainer, approver, admin

    /// The server's anonymous setting this column runs under.
    public var anonymous: AnonymousAccess {
        switch self {
        case .anonymousViewer: .viewer
        case .anonymousEditor: .editor
        case .anonymousMaintainer: .maintainer
        default: .none
        }
    }

    /// The role of the account whose token the column sends (`nil`: no credentials).
    public var role: Role? {
        switch self {
        case .viewer: .viewer
        case .editor: .editor
        case .maintainer: .maintainer
        case .approver: .approver
        case .admin: .admin
        default: nil
        }
    }

    /// The account's name (the bootstrapped admin for `admin`); anonymous columns name a fixture account.
    public var accountName: String { role == .admin ? "admin" : role.map { "\($0.rawValue)-acct" } ?? "target" }

    /// Whether a route that requires `action` lets this column through: the expectation, computed from the core's
    /// role table and the anonymous ceiling, independently of the guard under test.
    public func mayDo(_ action: Action) -> Bool {
        if let role { return role.allows(action) }
        return anonymous.role.map { $0.allows(action) && Action.anonymousCeiling.contains(action) } ?? false
    }
}
