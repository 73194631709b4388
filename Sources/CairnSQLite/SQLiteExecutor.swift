import CairnSQL
import NIOCore
import SQLiteNIO
import Synchronization

/// Runs statements on one `SQLiteConnection`, translating values and `SQLiteError`s to the shared SQL layer's types.
struct SQLiteExecutor: SQLExecutor {
    let connection: SQLiteConnection

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let collected = RowCollector()
        do {
            try await connection.query(sql, binds.map(Self.data)) { row in collected.append(row) }
        } catch let error as SQLiteError {
            throw SQLError(Self.kind(of: error.reason), error.message, underlying: error)
        } catch {
            throw SQLError(connection.isClosed ? .closed : .other, "\(error)", underlying: error)
        }
        let rows = collected.take()
        guard let first = rows.first else { return [] }
        let index = SQLRow.index(first.columns.map(\.name))
        return rows.map { row in SQLRow(columnIndex: index, values: row.columns.map { Self.value($0.data) }) }
    }

    static func data(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .integer(let value): .integer(Int(value))
        case .real(let value): .float(value)
        case .text(let value): .text(value)
        case .blob(let bytes): .blob(.init(bytes: bytes))
        }
    }

    static func value(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .null: .null
        case .integer(let value): .integer(Int64(value))
        case .float(let value): .real(value)
        case .text(let value): .text(value)
        case .blob(let buffer): .blob(Array(buffer.readableBytesView))
        }
    }

    static func kind(of reason: SQLiteError.Reason) -> SQLError.Kind {
        switch reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintUniqueRowIDFailed: .uniqueViolation
        case .constraintForeignKeyFailed: .foreignKeyViolation
        case .busy, .busyTimeout, .busyInSnapshot, .busyInRecovery, .locked, .lockedBySharedCache: .busy
        default: .other
        }
    }
}

/// Rows handed over by the driver's callback, which may run on another thread.
private final class RowCollector: Sendable {
    private let rows = Mutex<[SQLiteRow]>([])

    func append(_ row: SQLiteRow) { rows.withLock { $0.append(row) } }

    func take() -> [SQLiteRow] {
        rows.withLock { rows in
            defer { rows = [] }; return rows
        }
    }
}
