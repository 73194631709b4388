/// What a principal may do, granted globally, to one model, or to the models under a name prefix (see ``Grant``).
///
/// Roles are not a ladder: an approver cannot edit and an editor cannot approve. Which role allows which ``Action`` is
/// decided by one table, ``Action/allowedRoles``; ``Authorization`` applies it.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reads models, versions, files, runs and the event log.
    case viewer
    /// A viewer that also creates models and versions, uploads files and edits metadata.
    case editor
    /// An editor that also deletes models, versions, logged models and artifacts (MLflow's MANAGE, without
    /// permissions): the owner of a single-user registry. Deleting a model with its own policy still needs an admin.
    case maintainer
    /// A viewer that also approves transition requests.
    case approver
    /// Everything: accounts, grants, tokens, policies and deletes.
    case admin

    /// Parses `viewer`, `editor`, `maintainer`, `approver` or `admin` (any case).
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
        case .read: Self.readers
        case .write: Self.writers
        case .approve: Self.approvers
        case .delete: Self.deleters
        case .administer: Self.administrators
        }
    }

    // Built once: the check runs on every request of the serving hot path.
    private static let readers: Set<Role> = [.viewer, .editor, .maintainer, .approver, .admin]
    private static let writers: Set<Role> = [.editor, .maintainer, .admin]
    private static let approvers: Set<Role> = [.approver, .admin]
    private static let deleters: Set<Role> = [.maintainer, .admin]
    private static let administrators: Set<Role> = [.admin]

    /// The actions anonymous callers may ever be allowed, whatever role they are configured with: never approve
    /// (four eyes needs names) or administer. Delete is allowed for the single-user loopback default (decision 0012).
    public static let anonymousCeiling: Set<Action> = [.read, .write, .delete]
}

/// The role anonymous callers (requests without credentials) get: an explicit server setting.
///
/// There is deliberately no `approver` or `admin` case: anonymous can never approve or administer, and
/// ``Authorization`` enforces that again on top of this type.
public enum AnonymousAccess: String, Sendable, Hashable, Codable, CaseIterable {
    /// Requests without credentials are refused (401).
    case none
    /// Anonymous callers may read.
    case viewer
    /// Anonymous callers may read and write.
    case editor
    /// Anonymous callers may read, write and delete: a single-user registry, the default on a loopback address, where
    /// the whole MLflow client API works with no credentials (decision 0012).
    case maintainer

    /// The role granted globally to anonymous callers, or `nil` for ``none``.
    public var role: Role? {
        switch self {
        case .none: nil
        case .viewer: .viewer
        case .editor: .editor
        case .maintainer: .maintainer
        }
    }

    /// Parses `none`, `viewer`, `editor` or `maintainer` (any case).
    /// - Throws: `.invalidArgument`, naming the accepted values (and why `approver`/`admin` are refused).
    public init(parsing text: String) throws(RegistryError) {
        guard let access = AnonymousAccess(rawValue: text.lowercased()) else {
            throw .invalid(
                "'\(text.prefix(40))' is not an anonymous access level. Use none, viewer, editor or "
                    + "maintainer (anonymous callers can never approve or administer)."
            )
        }
        self = access
    }
}
