import CairnCore
import CairnSQL
import Logging
import SQLiteNIO

/// The metadata store on an SQLite file: the single-node backend.
///
/// - Durability: WAL journal with `synchronous=FULL`, so a committed write survives `kill -9` and power loss.
/// - Writes: one writer connection; every ``write(_:)`` runs `BEGIN IMMEDIATE … COMMIT` (`ROLLBACK` when the body
///   throws) and write transactions run one at a time, first come first served. Other processes opening the same
///   file wait up to the busy timeout for the write lock, then get `.unavailable`.
/// - Reads: a small pool of read-only connections. Each ``read(_:)`` leases one for its whole body inside `BEGIN …
///   COMMIT`, so it sees one consistent snapshot and never waits for a writer (WAL readers do not block on writers).
///   ``resolve(modelName:reference:)`` leases one for a single statement.
///
/// Calling ``write(_:)`` from inside a write body (on the same store) is a programming error: the writer is
/// already leased to the outer transaction, so it would wait forever. It is detected and thrown as `.internalError`
/// instead. (A task started with `Task {}` inside a write body inherits that marker, so it must not write either
/// until the outer transaction ends; use the transaction it was given.)
///
/// Call ``close()`` before dropping the store.
public final class SQLiteMetadataStore: MetadataStore {
    /// The database file.
    public let path: String
    /// The migrations ``open(path:readers:busyTimeout:logger:)`` applied (empty when the file was already current).
    public let migrationsAppliedAtOpen: [Int]

    let sql: SQLMetadataStore
    let writer: ConnectionPool<SQLiteConnection>
    let readers: ConnectionPool<SQLiteConnection>
    let threadPool: NIOThreadPool
    let logger: Logger

    init(
        path: String,
        migrationsAppliedAtOpen: [Int],
        writer: SQLiteConnection,
        readers: [SQLiteConnection],
        threadPool: NIOThreadPool,
        logger: Logger
    ) {
        self.path = path
        self.migrationsAppliedAtOpen = migrationsAppliedAtOpen
        self.sql = SQLMetadataStore(dialect: SQLiteDialect())
        self.writer = ConnectionPool([writer])
        self.readers = ConnectionPool(readers)
        self.threadPool = threadPool
        self.logger = logger
    }

    /// The store whose write transaction the current task is running, to detect a nested ``write(_:)``.
    @TaskLocal static var activeWrite: ObjectIdentifier?

    /// Runs `body` on one read-only connection inside `BEGIN … COMMIT`: one consistent snapshot that includes every
    /// write committed before the call, and never waits for a writer. Waits only when all readers are leased.
    /// - Throws: `.unavailable` (closed or busy), `.internalError`, or whatever `body` throws.
    public func read<T: Sendable>(_ body: @Sendable (any MetadataReader) async throws -> T) async throws -> T {
        try await readers.withConnection { connection in
            let executor = SQLiteExecutor(connection: connection)
            try await run(executor, sql.dialect.beginReadTransaction)
            let result: T
            do {
                result = try await body(sql.session(executor))
                try await run(executor, [sql.dialect.commit])
            } catch {
                await rollback(executor)
                throw error
            }
            return result
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer connection; commits when it returns, rolls back
    /// everything it wrote when it throws. Write transactions run one at a time; a nested call throws.
    /// - Throws: `.unavailable` (closed, or the file stayed locked by another process past the busy timeout),
    ///   `.internalError` (a nested write, a database failure), or whatever `body` throws (after rolling back).
    public func write<T: Sendable>(_ body: @Sendable (any MetadataTransaction) async throws -> T) async throws -> T {
        let identity = ObjectIdentifier(self)
        if Self.activeWrite == identity {
            throw RegistryError(
                .internalError,
                "write {} was called inside a write transaction of the same store; use the transaction you were given."
            )
        }
        return try await writer.withConnection { connection in
            let executor = SQLiteExecutor(connection: connection)
            try await run(executor, sql.dialect.beginWriteTransaction)
            let result: T
            do {
                result = try await Self.$activeWrite.withValue(identity) { try await body(sql.session(executor)) }
                try await run(executor, [sql.dialect.commit])
            } catch {
                await rollback(executor)
                throw error
            }
            return result
        }
    }

    /// Resolves a reference to a `READY` version with its manifest in one indexed statement on a reader connection.
    /// - Throws: `.unavailable`, `.internalError`.
    public func resolve(modelName: String, reference: VersionReference) async throws -> ModelVersion? {
        try await readers.withConnection { connection in
            try await sql.resolve(SQLiteExecutor(connection: connection), modelName: modelName, reference: reference)
        }
    }

    /// The schema versions recorded in `schema_migrations`, ascending.
    /// - Throws: `.unavailable`, `.internalError`.
    public func appliedMigrations() async throws -> [Int] {
        try await readers.withConnection { try await SQLMigrator.appliedVersions(SQLiteExecutor(connection: $0)) }
    }

    /// Runs statements, turning driver failures into `RegistryError`s.
    private func run(_ executor: SQLiteExecutor, _ statements: [String]) async throws {
        do {
            try await executor.execute(statements)
        } catch let error as SQLError {
            throw error.registryError
        }
    }

    private func rollback(_ executor: SQLiteExecutor) async {
        do {
            _ = try await executor.query(sql.dialect.rollback, [])
        } catch {
            // SQLite rolls back by itself after some failures (full disk, I/O); then there is nothing to undo.
            logger.debug("ROLLBACK failed", metadata: ["error": "\(error)"])
        }
    }
}
