import Foundation

/// MLflow's limits on what a run may log, enforced by the tracking use cases.
public enum TrackingRules {
    public static let maxMetricsPerBatch = 1000
    public static let maxParamsPerBatch = 100
    public static let maxTagsPerBatch = 100
    /// Longest metric, param or tag key, in characters.
    public static let maxKeyLength = 250
    /// Longest param value, in characters.
    public static let maxParamValueLength = 6000
    /// Longest run or logged-model tag value, in characters.
    public static let maxTagValueLength = 8000
    /// Longest experiment tag value, in characters (MLflow's limit: `mlflow.note.content` lives there).
    public static let maxExperimentTagValueLength = 20_000
    /// Longest experiment or logged-model name, in bytes.
    public static let maxNameBytes = 500
    /// Most results one search page may ask for (MLflow's threshold).
    public static let maxSearchResults = 50_000

    /// A metric, param or tag key: 1 to 250 characters of letters, digits, `_ - . : /` and spaces (MLflow's rule).
    /// - Throws: `.invalidArgument`.
    public static func validateKey(_ key: String, kind: String) throws(RegistryError) {
        guard !key.isEmpty, key.count <= maxKeyLength else {
            throw .invalid("The \(kind) key must be 1 to \(maxKeyLength) characters long; got \(key.count).")
        }
        let allowed = key.allSatisfy { $0.isLetter || $0.isNumber || "_-.:/ ".contains($0) }
        guard allowed, !key.unicodeScalars.contains(where: TextRules.isDisallowedScalar) else {
            throw .invalid(
                "Invalid \(kind) key '\(key.prefix(120))': keys may contain only letters, digits, underscores (_), "
                    + "dashes (-), periods (.), colons (:), slashes (/) and spaces."
            )
        }
    }

    /// A tag value of at most `limit` characters (8,000 unless given) without NUL.
    /// - Throws: `.invalidArgument`.
    public static func validateTagValue(_ value: String, key: String, limit: Int = maxTagValueLength)
        throws(RegistryError)
    {
        guard value.count <= limit else {
            throw .invalid("The value of tag '\(key)' is \(value.count) characters; the limit is \(limit).")
        }
        if value.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw .invalid("The value of tag '\(key)' contains a NUL character.")
        }
    }

    /// Keys and values of a tag map.
    /// - Throws: `.invalidArgument`.
    public static func validateTags(_ tags: [String: String], valueLimit: Int = maxTagValueLength)
        throws(RegistryError)
    {
        for (key, value) in tags {
            try validateKey(key, kind: "tag")
            try validateTagValue(value, key: key, limit: valueLimit)
        }
    }

    /// An experiment or logged-model name: not blank, at most 500 bytes, no control characters.
    /// - Throws: `.invalidArgument`.
    public static func validateName(_ name: String, kind: String) throws(RegistryError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid("The \(kind) name must not be empty.")
        }
        guard name.utf8.count <= maxNameBytes else {
            throw .invalid("The \(kind) name is \(name.utf8.count) bytes; use at most \(maxNameBytes).")
        }
        if name.unicodeScalars.contains(where: TextRules.isDisallowedScalar) {
            throw .invalid("The \(kind) name contains a control character; use printable characters.")
        }
    }

    /// A search page size, 1 to ``maxSearchResults``.
    /// - Throws: `.invalidArgument`.
    static func validateSearchLimit(_ limit: Int) throws(RegistryError) {
        guard limit >= 1, limit <= maxSearchResults else {
            throw .invalid("max_results \(limit) is out of range; use 1 to \(maxSearchResults).")
        }
    }
}

/// Unix milliseconds, as MLflow's wire carries times.
public enum TrackingTime {
    /// Whole milliseconds since 1970.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

/// Tracking identifiers in MLflow's formats, derived from the service's ``IDGenerator`` so tests stay deterministic.
enum TrackingIDs {
    /// 32 lowercase hex digits: the generator's id when it already is one, else a digest of it.
    static func hex32(_ source: String) -> String {
        let isHex =
            source.utf8.count == 32 && source.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        return isHex ? source : String(Digest.of(Array(source.utf8)).hex.prefix(32))
    }

    /// A readable run name (`adjective-noun-NNN`), chosen from the run id.
    static func runName(for runID: String) -> String {
        let adjectives = [
            "able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "gentle", "glad", "grand",
            "honest", "keen", "kind", "lively", "loyal", "merry", "neat", "proud", "quick", "quiet", "rare", "sharp",
            "shy", "silent", "smooth", "steady", "swift", "tidy", "vast", "warm",
        ]
        let nouns = [
            "ant", "bass", "bear", "cat", "colt", "crab", "crow", "deer", "dove", "eel", "elk", "finch", "fox", "frog",
            "goat", "hare", "hawk", "jay", "kite", "lark", "lynx", "mole", "moth", "newt", "owl", "ram", "seal",
            "shrew", "snail", "swan", "toad", "wolf",
        ]
        let seed = Int(Digest.of(Array(runID.utf8)).hex.prefix(8), radix: 16) ?? 0
        let adjective = adjectives[seed % adjectives.count]
        let noun = nouns[(seed / adjectives.count) % nouns.count]
        return "\(adjective)-\(noun)-\((seed / 1024) % 1000)"
    }
}
