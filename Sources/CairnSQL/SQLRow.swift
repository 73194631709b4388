import CairnCore
import Foundation

/// One result row, its columns addressed by name.
///
/// Typed accessors throw `RegistryError(.internalError)` when a column is missing or holds an unexpected type: the
/// schema and the queries disagree, which is a bug, never bad input.
public struct SQLRow: Sendable {
    /// Column name → position, shared by every row of one result.
    let columnIndex: [String: Int]
    let values: [SQLValue]

    /// A row whose columns are named by `columns`, in order. The first of duplicated names wins.
    public init(columns: [String], values: [SQLValue]) {
        self.init(columnIndex: Self.index(columns), values: values)
    }

    /// A row sharing a column index built once per result with ``index(_:)``.
    public init(columnIndex: [String: Int], values: [SQLValue]) {
        self.columnIndex = columnIndex
        self.values = values
    }

    /// Builds the name → position index of a result's columns, to share among its rows.
    public static func index(_ columns: [String]) -> [String: Int] {
        Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The value of a column, or `nil` if the row has no such column.
    public subscript(_ column: String) -> SQLValue? {
        guard let offset = columnIndex[column], offset < values.count else { return nil }
        return values[offset]
    }

    func value(_ column: String) throws -> SQLValue {
        guard let value = self[column] else { throw Self.mismatch(column, "is missing from the result") }
        return value
    }

    func text(_ column: String) throws -> String {
        guard case .text(let text) = try value(column) else { throw Self.mismatch(column, "is not text") }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let text): return text
        default: throw Self.mismatch(column, "is not text or NULL")
        }
    }

    func int64(_ column: String) throws -> Int64 {
        guard case .integer(let value) = try value(column) else { throw Self.mismatch(column, "is not an integer") }
        return value
    }

    func int(_ column: String) throws -> Int { Int(try int64(column)) }

    func optionalInt64(_ column: String) throws -> Int64? {
        switch try value(column) {
        case .null: return nil
        case .integer(let value): return value
        default: throw Self.mismatch(column, "is not an integer or NULL")
        }
    }

    func double(_ column: String) throws -> Double {
        switch try value(column) {
        case .real(let value): return value
        // SQLite may hand back an integral REAL as an integer.
        case .integer(let value): return Double(value)
        default: throw Self.mismatch(column, "is not a number")
        }
    }

    func date(_ column: String) throws -> Date { SQLTime.date(millis: try int64(column)) }

    static func mismatch(_ column: String, _ problem: String) -> RegistryError {
        RegistryError(
            .internalError,
            "Column '\(column)' \(problem); the database schema does not match this version of Cairn. "
                + "Run `cairn migrate` with a matching release."
        )
    }
}
