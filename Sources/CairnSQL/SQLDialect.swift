/// What differs between SQL backends, as far as Cairn's queries go. Everything else is shared text.
///
/// The shared layer writes statements with `?` placeholders and portable SQL (SQLite ≥ 3.35 and PostgreSQL ≥ 15
/// agree on `INSERT … ON CONFLICT … DO UPDATE`, `RETURNING` and `excluded.`); the dialect renders placeholders and
/// supplies transaction and type syntax.
public protocol SQLDialect: Sendable {
    /// The placeholder for the bind at `index` (1-based): `?` for SQLite, `$1` for PostgreSQL.
    func placeholder(_ index: Int) -> String

    /// Statements that open a write transaction holding the database's write lock from the start, so that write
    /// transactions run one at a time (SQLite: `BEGIN IMMEDIATE`).
    var beginWriteTransaction: [String] { get }

    /// Statements that open a read-only transaction reading one consistent snapshot.
    var beginReadTransaction: [String] { get }

    /// Statements run right after ``beginWriteTransaction`` when applying migrations, so that replicas starting
    /// together migrate once (PostgreSQL: an advisory transaction lock; SQLite: none, `BEGIN IMMEDIATE` suffices).
    var migrationLock: [String] { get }

    /// The column type of 64-bit integers (`INTEGER` in SQLite, `BIGINT` in PostgreSQL).
    var int64Type: String { get }

    /// The column type of text compared and sorted by code point (byte order of UTF-8), such as model names, so that
    /// listings and keyset cursors order the same on every backend (SQLite: `TEXT`; PostgreSQL: `TEXT COLLATE "C"`).
    var binaryTextType: String { get }

    /// A boolean expression, with one `?` placeholder, true when `column` contains the bound text case-sensitively
    /// (SQLite: `instr(column, ?) > 0`; PostgreSQL: `strpos(column, ?) > 0`).
    func containsText(column: String) -> String

    /// The column type of 64-bit floating-point numbers, able to hold ±infinity (SQLite: `REAL`; PostgreSQL:
    /// `DOUBLE PRECISION`). NaN is never stored in it: the shared layer keeps a separate `is_nan` flag, because SQLite
    /// turns NaN into NULL.
    var doubleType: String { get }

    /// An expression yielding the text member `key` of the JSON object stored as text in `column`, or NULL when the
    /// member is absent or null (SQLite: `json_extract(column, '$.key')`; PostgreSQL: `(column::jsonb ->> 'key')`).
    /// Used by migrations only; `key` is a constant identifier, never user input.
    func jsonText(column: String, key: String) -> String

    /// A boolean expression, with one `?` placeholder bound to ``likePattern(_:caseInsensitive:)``, true when
    /// `column` matches an MLflow `LIKE` pattern (`%` any run of characters, `_` exactly one character, no escape
    /// character), case-sensitively, or after lowercasing both sides with Swift's `String.lowercased()` when
    /// `caseInsensitive`: exactly `ModelFilterClause.matches`, which the conformance suite checks.
    func like(column: String, caseInsensitive: Bool) -> String

    /// The text to bind for `pattern` in ``like(column:caseInsensitive:)`` (the pattern rewritten in the dialect's
    /// matching syntax, lowercased when `caseInsensitive`).
    func likePattern(_ pattern: String, caseInsensitive: Bool) -> String
}

extension SQLDialect {
    /// `COMMIT`, the same everywhere.
    public var commit: String { "COMMIT" }
    /// `ROLLBACK`, the same everywhere.
    public var rollback: String { "ROLLBACK" }

    /// Renders a statement written with `?` placeholders in this dialect. `?` must not occur inside string literals
    /// of `sql` (Cairn's statements bind every value).
    public func render(_ sql: String) -> String {
        guard placeholder(1) != "?" else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                out += placeholder(index)
            } else {
                out.append(character)
            }
        }
        return out
    }
}
