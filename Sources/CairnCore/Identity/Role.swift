/// What a principal may do, granted globally, to one model, or to the models under a name prefix (see ``Grant``).
///
/// Roles are not a ladder: an approver cannot edit and an editor cannot approve. Which role allows which ``Action`` is
/// decided by one table, ``Action/allowedRoles``; ``Authorization`` applies it.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reads models, versions, files, runs and the event log.
    case viewer
    /// A viewer that also creates models and versions, uploads files and edits metadata.
    case editor
    /// A viewer that also approves transition requests.
    case approver
    /// Everything: accounts, grants, tokens, policies and deletes.
    case admin

    /// Parses `viewer`, `editor`, `approver` or `admin` (any case).
    /// - Throws: `.invalidArgument` naming the accepted values.
    public init(parsing text: String) throws(RegistryError) {
        guard let role = Role(rawValue: text.lowercased()) else {
            throw .invalid(
                "'\(text.prefix(40))' is not a role. Use one of: "
                    + Role.allCases.map(\.rawValue).joined(separator: ", ") + "."
            )
        }
        self = role
    }

    /// Whether this role allows `action` (per ``Action/allowedRoles``).
    public func allows(_ action: Action) -> Bool { action.allowedRoles.contains(self) }
}

/// A kind of operation, as far as authorization goes. Every guarded use case and route maps to exactly one.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reading anything: models, versions, files, runs, events.
    case read
    /// Creating models and versions, uploading files, editing metadata, tags and aliases; logging runs.
    case write
    /// Approving (or rejecting) transition requests.
    case approve
    /// Deleting models, versions and other registry state.
    case delete
    /// Managing accounts, grants, tokens and policies.
    case administer

    /// The one table of the rules: the roles that allow each action.
    public var allowedRoles: Set<Role> {
        switch self {
        case .read: [.viewer, .editor, .approver, .admin]
        case .write: [.editor, .admin]
        case .approve: [.approver, .admin]
        case .delete: [.admin]
        case .administer: [.admin]
        }
    }

    /// The actions anonymous callers may ever be allowed, whatever role they are configured with.
    public static let anonymousCeiling: Set<Action> = [.read, .write]
}

/// The role anonymous callers (requests without credentials) get: an explicit server setting.
///
/// There is deliberately no `approver` or `admin` case: anonymous can never approve, delete or administer, and
/// ``Authorization`` enforces that again on top of this type.
public enum AnonymousAccess: String, Sendable, Hashable, Codable, CaseIterable {
    /// Requests without credentials are refused (401).
    case none
    /// Anonymous callers may read.
    case viewer
    /// Anonymous callers may read and write (the local MLflow workflow with no credentials).
    case editor

    /// The role granted globally to anonymous callers, or `nil` for ``none``.
    public var role: Role? {
        switch self {
        case .none: nil
        case .viewer: .viewer
        case .editor: .editor
        }
    }

    /// Parses `none`, `viewer` or `editor` (any case).
    /// - Throws: `.invalidArgument`, naming the accepted values (and why `approver`/`admin` are refused).
    public init(parsing text: String) throws(RegistryError) {
        guard let access = AnonymousAccess(rawValue: text.lowercased()) else {
            throw .invalid(
                "'\(text.prefix(40))' is not an anonymous access level. Use none, viewer or editor "
                    + "(anonymous callers can never approve, delete or administer)."
            )
        }
        self = access
    }
}
