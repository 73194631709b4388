/// A role held by an account, globally, on one model, or on every model whose name starts with a prefix.
///
/// Names compare by code point (UTF-8 bytes), exactly as stores compare model names: a grant on `fraud` does not
/// apply to `Fraud`, and a prefix grant on `team-a/` applies to `team-a/x` only. A grant follows the name, not the
/// model: renaming a model moves it out of (or into) the grants on its old (new) name.
public struct Grant: Hashable, Sendable, Codable {
    /// Where a grant applies.
    public enum Scope: Hashable, Sendable, Codable {
        /// Every model, and actions about no model (listing, accounts).
        case global
        /// The model with exactly this name.
        case model(String)
        /// Every model whose name starts with this (non-empty) prefix.
        case modelPrefix(String)
    }

    public var role: Role
    public var scope: Scope

    public init(_ role: Role, _ scope: Scope = .global) {
        self.role = role
        self.scope = scope
    }

    /// Whether the grant applies to an action on `model` (`nil`: an action about no single model, such as listing,
    /// where only global grants apply).
    public func applies(to model: String?) -> Bool {
        switch scope {
        case .global: true
        case .model(let name): model.map { $0.utf8.elementsEqual(name.utf8) } ?? false
        case .modelPrefix(let prefix): model.map { $0.utf8.starts(with: prefix.utf8) } ?? false
        }
    }

    /// Checks the scope: a model name must be valid; a prefix non-empty, without control characters.
    /// - Throws: `.invalidArgument`.
    public func validate() throws(RegistryError) {
        switch scope {
        case .global: return
        case .model(let name): try ModelName.validate(name)
        case .modelPrefix(let prefix):
            guard !prefix.isEmpty, prefix.utf8.count <= ModelName.maxBytes else {
                throw .invalid(
                    "A model prefix must be 1 to \(ModelName.maxBytes) bytes; for every model use a global grant."
                )
            }
            if prefix.unicodeScalars.contains(where: TextRules.isDisallowedScalar) {
                throw .invalid("The model prefix contains a control character. Use printable characters only.")
            }
        }
    }

    /// `global`, `model:NAME` or `prefix:PREFIX`: the scope as text, for events and listings.
    public var scopeDescription: String {
        switch scope {
        case .global: "global"
        case .model(let name): "model:\(name)"
        case .modelPrefix(let prefix): "prefix:\(prefix)"
        }
    }
}

extension Grant: Comparable {
    /// The listing order: by role (viewer, editor, approver, admin), then scope (global, model, prefix), then name by
    /// code point.
    public static func < (a: Grant, b: Grant) -> Bool {
        func rank(_ grant: Grant) -> (Int, Int) {
            let role = Role.allCases.firstIndex(of: grant.role) ?? 0
            switch grant.scope {
            case .global: return (role, 0)
            case .model: return (role, 1)
            case .modelPrefix: return (role, 2)
            }
        }
        let (x, y) = (rank(a), rank(b))
        if x != y { return x < y }
        return Array(a.scopeName.utf8).lexicographicallyPrecedes(Array(b.scopeName.utf8))
    }

    /// The model name or prefix of the scope (`""` for global).
    public var scopeName: String {
        switch scope {
        case .global: ""
        case .model(let name): name
        case .modelPrefix(let prefix): prefix
        }
    }
}
