/// The naming rules of the registry, in one place.
///
/// A registered model name is 1–256 characters (and at most 1,024 UTF-8 bytes); it contains none of `/ : ? @ #`, no
/// control or format characters and no U+FFFD (the mark of undecodable bytes); it neither starts nor ends with white
/// space; and it is not `.` or `..`.
///
/// MLflow forbids only `/` and `:`; the other three break `models:/` URIs in MLflow's own client, so a model named
/// with them could be registered but not loaded: `?` starts the URI's query (`models:/a?b/1` means model `a`), `@`
/// makes `models:/a@b/1` split as alias `b/1` of model `a` (its `split_models_uri` looks for `@` in the name
/// segment), and `#` starts a fragment when the client splits a model URI with an artifact path. `%` and `\` are
/// allowed, as in MLflow: every Cairn surface percent-decodes a path segment or query value exactly once, so `%` is
/// literal (`a%2Fb` is that name, never `a/b`), and names never become file-system paths.
public enum ModelName {
    public static let maxLength = 256
    /// A byte bound as well: one character can carry any number of combining marks, and stores index the name.
    public static let maxBytes = 1024
    /// Checked per Unicode scalar: a combining mark after `/` makes one `Character` with it, still a `/` in a URL.
    static let forbidden: Set<Unicode.Scalar> = ["/", ":", "?", "@", "#"]

    /// Validates a model name.
    /// - Throws: `RegistryError` `.invalidArgument` naming the broken rule.
    public static func validate(_ name: String) throws(RegistryError) {
        let count = name.count
        guard count >= 1 else {
            throw .invalid("A model name must not be empty. Use 1 to \(maxLength) characters.")
        }
        guard count <= maxLength else {
            throw .invalid("Model name is \(count) characters long; use at most \(maxLength).")
        }
        guard name.utf8.count <= maxBytes else {
            throw .invalid("Model name is \(name.utf8.count) bytes in UTF-8; use at most \(maxBytes).")
        }
        if name == "." || name == ".." {
            throw .invalid("'\(name)' is not a valid model name: '.' and '..' are reserved.")
        }
        if let bad = name.unicodeScalars.first(where: { forbidden.contains($0) }) {
            throw .invalid(
                "Model name '\(name)' contains '\(bad)'. Names must not contain any of / : ? @ #."
            )
        }
        if name.unicodeScalars.contains(where: TextRules.isDisallowedScalar) {
            throw .invalid(
                "Model name contains a control character or undecodable bytes. Use printable characters only."
            )
        }
        if name.first!.isWhitespace || name.last!.isWhitespace {
            throw .invalid("Model name '\(name)' starts or ends with white space. Trim it.")
        }
    }
}

/// Alias names (`champion`, `challenger`): 1–255 characters of letters, digits, `_` and `-`, starting with a letter
/// or `_`. `latest` and version-like names (`v3`, `V12`) are reserved so that `models:/NAME@ALIAS` never shadows a
/// version reference.
public enum AliasName {
    public static let maxLength = 255

    /// - Throws: `RegistryError` `.invalidArgument` naming the broken rule.
    public static func validate(_ alias: String) throws(RegistryError) {
        guard !alias.isEmpty, alias.utf8.count <= maxLength else {
            throw .invalid("An alias must be 1 to \(maxLength) characters long.")
        }
        let scalars = Array(alias.unicodeScalars)
        func isLetter(_ s: Unicode.Scalar) -> Bool { (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") }
        func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
        guard isLetter(scalars[0]) || scalars[0] == "_" else {
            throw .invalid("Alias '\(alias)' must start with a letter or '_'.")
        }
        guard scalars.allSatisfy({ isLetter($0) || isDigit($0) || $0 == "_" || $0 == "-" }) else {
            throw .invalid("Alias '\(alias)' may contain only letters, digits, '_' and '-'.")
        }
        if alias.lowercased() == "latest" {
            throw .invalid("'latest' is reserved: `models:/NAME/latest` already means the newest version.")
        }
        if scalars.count > 1, scalars[0] == "v" || scalars[0] == "V", scalars.dropFirst().allSatisfy(isDigit) {
            throw .invalid("Alias '\(alias)' looks like a version reference; choose a name such as 'champion'.")
        }
    }
}

/// Tag keys and values on models and versions.
public enum TagRules {
    public static let maxKeyLength = 250
    /// MLflow's registry limit: prompt templates of the prompt registry live in tag values.
    public static let maxValueLength = 100_000

    /// - Throws: `RegistryError` `.invalidArgument`.
    public static func validate(key: String, value: String) throws(RegistryError) {
        guard !key.isEmpty, key.utf8.count <= maxKeyLength else {
            throw .invalid("Tag key must be 1 to \(maxKeyLength) bytes long.")
        }
        if key.unicodeScalars.contains(where: TextRules.isDisallowedScalar) {
            throw .invalid("Tag key '\(key)' contains a control character; use printable characters.")
        }
        guard value.utf8.count <= maxValueLength else {
            throw .invalid("Value of tag '\(key)' is \(value.utf8.count) bytes; the limit is \(maxValueLength).")
        }
        if value.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw .invalid("Value of tag '\(key)' contains a NUL byte.")
        }
    }

    /// Validates every entry of a tag map.
    public static func validate(_ tags: [String: String]) throws(RegistryError) {
        for (key, value) in tags { try validate(key: key, value: value) }
    }
}

enum TextRules {
    /// Control characters (C0, DEL, C1), the replacement character, and bidi/format controls that could make a name
    /// display as something it is not.
    static func isDisallowedScalar(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0xFFFD { return true }
        return scalar.properties.generalCategory == .format
    }
}
