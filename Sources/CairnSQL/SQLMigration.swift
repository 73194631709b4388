import CairnCore
import Foundation

/// One step of the schema, applied once per database, in ``version`` order.
public struct SQLMigration: Sendable {
    /// 1, 2, 3…: the order of application and the key recorded in `schema_migrations`.
    public let version: Int
    /// A short description, recorded with the version.
    public let name: String
    /// The statements of the step, rendered for a dialect.
    public let statements: @Sendable (any SQLDialect) -> [String]

    public init(version: Int, name: String, statements: @escaping @Sendable (any SQLDialect) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Applies migrations: all pending steps in one write transaction, each recorded in `schema_migrations`.
///
/// The transaction opens with the dialect's write lock and migration lock, so processes or replicas that start
/// together apply each step exactly once: the second one waits, then finds nothing left to do.
public enum SQLMigrator {
    /// Applies the migrations not yet recorded and returns their versions (empty when the schema is current).
    ///
    /// `executor` must be a connection with no open transaction.
    /// - Throws: `.failedPrecondition` when the database has a newer schema than `migrations` describe;
    ///   `.unavailable` when the database stays locked; `.internalError` when a step fails (nothing is applied then).
    public static func migrate(
        _ executor: any SQLExecutor,
        dialect: any SQLDialect,
        migrations: [SQLMigration],
        now: Date = Date()
    ) async throws -> [Int] {
        let ordered = migrations.sorted { $0.version < $1.version }
        do {
            try await executor.execute(dialect.beginWriteTransaction + dialect.migrationLock)
        } catch let error as SQLError {
            throw error.registryError
        }
        do {
            let applied = try await migrateInTransaction(executor, dialect, ordered, now)
            _ = try await executor.query(dialect.commit, [])
            return applied
        } catch {
            _ = try? await executor.query(dialect.rollback, [])
            if let error = error as? SQLError { throw error.registryError }
            throw error
        }
    }

    /// The versions recorded in `schema_migrations`, ascending. Call it on a migrated database.
    /// - Throws: `.unavailable`, `.internalError`.
    public static func appliedVersions(_ executor: any SQLExecutor) async throws -> [Int] {
        do {
            return try await executor.query("SELECT version FROM schema_migrations ORDER BY version", [])
                .map { try $0.int("version") }
        } catch let error as SQLError {
            throw error.registryError
        }
    }

    private static func createTable(_ dialect: any SQLDialect) -> String {
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version \(dialect.int64Type) PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at \(dialect.int64Type) NOT NULL
        )
        """
    }

    private static func migrateInTransaction(
        _ executor: any SQLExecutor,
        _ dialect: any SQLDialect,
        _ migrations: [SQLMigration],
        _ now: Date
    ) async throws -> [Int] {
        _ = try await executor.query(createTable(dialect), [])
        let applied = Set(
            try await executor.query("SELECT version FROM schema_migrations", []).map { try $0.int("version") }
        )
        if let newest = applied.max(), newest > (migrations.last?.version ?? 0) {
            throw RegistryError(
                .failedPrecondition,
                "The metadata database has schema version \(newest), newer than this Cairn knows "
                    + "(\(migrations.last?.version ?? 0)). Upgrade Cairn, or restore a backup made for this release."
            )
        }
        var appliedNow: [Int] = []
        for migration in migrations where !applied.contains(migration.version) {
            try await executor.execute(migration.statements(dialect))
            _ = try await executor.query(
                dialect.render("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
                [.int(migration.version), .text(migration.name), .millis(now)]
            )
            appliedNow.append(migration.version)
        }
        return appliedNow
    }
}
