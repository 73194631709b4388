import CairnSQL

extension SQLiteMetadataStore {
    /// The versions of every migration this build knows, ascending.
    static var migrationVersions: [Int] { SQLMetadataStore.migrations.map(\.version).sorted() }

    /// The value of a pragma on the writer connection, as text (`wal`, `1`).
    func pragma(_ name: String) async throws -> String? {
        try await writer.withConnection { connection in
            let rows = try await SQLiteExecutor(connection: connection).query("PRAGMA \(name)", [])
            switch rows.first?[name] {
            case .text(let text): return text
            case .integer(let value): return String(value)
            default: return nil
            }
        }
    }

    /// SQLite's query plan of each `resolve` statement, one text per statement.
    func resolveQueryPlans() async throws -> [String] {
        try await readers.withConnection { connection in
            var plans: [String] = []
            for statement in SQLMetadataStore.resolveStatements {
                let rows = try await SQLiteExecutor(connection: connection).query("EXPLAIN QUERY PLAN " + statement, [])
                plans.append(
                    rows.map { row in if case .text(let detail) = row["detail"] { detail } else { "" } }
                        .joined(separator: "; ")
                )
            }
            return plans
        }
    }
}
