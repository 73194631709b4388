import CairnSQL

/// SQLite's spelling of what differs between SQL backends (SQLite ≥ 3.35 for `RETURNING`).
public struct SQLiteDialect: SQLDialect {
    public init() {}

    public func placeholder(_ index: Int) -> String { "?" }

    /// `BEGIN IMMEDIATE` takes the write lock at once, so a write transaction never fails half-way with
    /// `SQLITE_BUSY` when upgrading a read lock, and write transactions of all processes run one at a time.
    public var beginWriteTransaction: [String] { ["BEGIN IMMEDIATE"] }

    /// A deferred transaction: its first read fixes the snapshot (WAL mode), and it never blocks the writer.
    public var beginReadTransaction: [String] { ["BEGIN"] }

    /// None needed: `BEGIN IMMEDIATE` already excludes every other writer of the file.
    public var migrationLock: [String] { [] }

    /// `INTEGER` is 64-bit in SQLite, and `INTEGER PRIMARY KEY` aliases the row id.
    public var int64Type: String { "INTEGER" }

    /// SQLite's default `BINARY` collation compares UTF-8 bytes, which is code-point order.
    public var binaryTextType: String { "TEXT" }

    /// `instr` is case-sensitive, unlike SQLite's `LIKE`.
    public func containsText(column: String) -> String { "instr(\(column), ?) > 0" }

    /// `REAL` keeps ±infinity (and turns NaN into NULL, which the shared layer avoids with an `is_nan` flag).
    public var doubleType: String { "REAL" }

    /// `json_extract`, built into SQLite since 3.38.
    public func jsonText(column: String, key: String) -> String { "json_extract(\(column), '$.\(key)')" }

    /// `GLOB`, not `LIKE`: SQLite's `LIKE` ignores ASCII case (and only ASCII case) unless the connection-wide
    /// `case_sensitive_like` pragma is set, while `GLOB` is always case-sensitive and, like MLflow's `LIKE`, matches
    /// whole code points (`?` is one code point). The pattern is rewritten by ``likePattern(_:caseInsensitive:)``.
    /// Case-insensitive matching lowercases the column with `cairn_lower`, a function every connection of
    /// ``SQLiteMetadataStore`` installs, that applies Swift's `String.lowercased()` (SQLite's `lower()` folds only
    /// ASCII).
    public func like(column: String, caseInsensitive: Bool) -> String {
        caseInsensitive ? "\(SQLiteFunctions.lowerName)(\(column)) GLOB ?" : "\(column) GLOB ?"
    }

    /// Rewrites an MLflow `LIKE` pattern as a `GLOB` pattern: `%` → `*`, `_` → `?`, and the GLOB metacharacters `*`,
    /// `?`, `[` become one-character sets (`[*]`, `[?]`, `[[]`) so they match only themselves.
    public func likePattern(_ pattern: String, caseInsensitive: Bool) -> String {
        var glob = ""
        for scalar in (caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars {
            switch scalar {
            case "%": glob += "*"
            case "_": glob += "?"
            case "*", "?", "[": glob += "[\(scalar)]"
            default: glob.unicodeScalars.append(scalar)
            }
        }
        return glob
    }
}
