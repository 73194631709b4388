/// Which version of a model a reference means.
public enum VersionReference: Hashable, Sendable, CustomStringConvertible {
    /// An exact version number.
    case number(Int)
    /// The highest-numbered `READY` version.
    case latest
    /// The highest-numbered `READY` version in a stage.
    case stage(Stage)
    /// The version an alias points at.
    case alias(String)

    public var description: String {
        switch self {
        case .number(let n): "\(n)"
        case .latest: "latest"
        case .stage(let stage): stage.rawValue
        case .alias(let alias): "@\(alias)"
        }
    }
}

/// A parsed `models:/` URI: `models:/NAME/3`, `models:/NAME/latest`, `models:/NAME/Production` or `models:/NAME@alias`.
///
/// Parsing is unambiguous because model names cannot contain `/` or `@` (see ``ModelName``).
public struct ModelURI: Hashable, Sendable, CustomStringConvertible {
    public var modelName: String
    public var reference: VersionReference

    public init(modelName: String, reference: VersionReference) {
        self.modelName = modelName
        self.reference = reference
    }

    /// Parses a `models:/` URI (also `models://NAME/...` is not accepted: no authority part).
    /// - Throws: `RegistryError` `.invalidArgument` with the accepted forms.
    public init(parsing text: String) throws(RegistryError) {
        let forms = "Use models:/NAME/VERSION, models:/NAME/latest, models:/NAME/STAGE or models:/NAME@ALIAS."
        guard text.hasPrefix("models:/"), !text.hasPrefix("models://") else {
            throw .invalid("'\(text.prefix(200))' is not a models:/ URI. \(forms)")
        }
        let rest = String(text.dropFirst("models:/".count))
        if let at = rest.firstIndex(of: "@"), !rest.contains("/") {
            let name = String(rest[..<at])
            let alias = String(rest[rest.index(after: at)...])
            try ModelName.validate(name)
            try AliasName.validate(alias)
            self.init(modelName: name, reference: .alias(alias))
            return
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalid("'\(text.prefix(200))' has the wrong shape. \(forms)") }
        let name = String(parts[0])
        try ModelName.validate(name)
        self.init(modelName: name, reference: try VersionReference(parsing: String(parts[1])))
    }

    public var description: String {
        switch reference {
        case .alias(let alias): "models:/\(modelName)@\(alias)"
        default: "models:/\(modelName)/\(reference)"
        }
    }
}

extension VersionReference {
    /// Parses `3`, `latest`, a stage name (any case) or `@alias`.
    /// - Throws: `RegistryError` `.invalidArgument`.
    public init(parsing text: String) throws(RegistryError) {
        if text.hasPrefix("@") {
            let alias = String(text.dropFirst())
            try AliasName.validate(alias)
            self = .alias(alias)
        } else if let number = Int(text), number >= 1, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            self = .number(number)
        } else if text.lowercased() == "latest" {
            self = .latest
        } else if let stage = Stage(caseInsensitive: text) {
            self = .stage(stage)
        } else {
            throw .invalid(
                "'\(text.prefix(100))' is not a version reference: use a positive version number, 'latest', "
                    + "a stage (None, Staging, Production, Archived) or '@alias'."
            )
        }
    }
}
