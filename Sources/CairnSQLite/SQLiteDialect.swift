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
}
