import CairnCore
import CairnSQL
import Foundation
import Logging
import SQLiteNIO

extension SQLiteMetadataStore {
    /// Opens (creating it and its directory if needed) the database at `path`, applies pending migrations, and
    /// returns a store ready for use.
    ///
    /// Sets WAL mode (persistent in the file), and on every connection `foreign_keys=ON`, `synchronous=FULL` and
    /// `busy_timeout`, and installs ``SQLiteFunctions``; reader connections are also `query_only`. Migrations run in
    /// one `BEGIN IMMEDIATE` transaction, so two processes opening the same file at once apply each step once.
    /// - Parameters:
    ///   - readers: how many read-only connections to keep (at least 1): the number of concurrent reads.
    ///   - busyTimeout: how long a statement waits for a lock held by another process before failing `.unavailable`.
    /// - Throws: `.failedPrecondition` (the file cannot be opened, is not a database, cannot use WAL, or has a newer
    ///   schema), `.unavailable` (locked past the busy timeout), `.internalError`.
    public static func open(
        path: String,
        readers: Int = 4,
        busyTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "cairn.metadata.sqlite")
    ) async throws -> SQLiteMetadataStore {
        try await open(path: path, readers: readers, busyTimeout: busyTimeout, logger: logger, migratingUpTo: .max)
    }

    /// ``open(path:readers:busyTimeout:logger:)`` applying only the migrations up to `version`: upgrade tests build
    /// an old schema with it.
    static func open(
        path: String,
        readers: Int = 4,
        busyTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "cairn.metadata.sqlite"),
        migratingUpTo version: Int
    ) async throws -> SQLiteMetadataStore {
        precondition(readers >= 1, "an SQLite metadata store needs at least one reader connection")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            // The database holds password hashes, token digests and the audit chain: owner only. SQLite gives its
            // -wal and -shm files the database file's mode, so creating it 0600 covers all three.
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
        } catch {
            throw RegistryError(
                .failedPrecondition,
                "Cannot create the directory \(directory.path) for the metadata database: \(error.localizedDescription)",
                underlying: error
            )
        }
        let threadPool = NIOThreadPool(numberOfThreads: readers + 1)
        threadPool.start()
        var opened: [SQLiteConnection] = []
        do {
            let (seconds, attoseconds) = busyTimeout.components
            let timeout = seconds * 1000 + attoseconds / 1_000_000_000_000_000
            let writer = try await connect(path, threadPool, logger)
            opened.append(writer)
            try await configure(writer, pragmas: writerPragmas(timeoutMillis: timeout), path: path)
            let sql = SQLMetadataStore(dialect: SQLiteDialect())
            let applied = try await migrate(sql, writer, upTo: version, patience: busyTimeout * 6)
            if !applied.isEmpty {
                logger.info("Applied metadata migrations", metadata: ["path": "\(path)", "versions": "\(applied)"])
            }
            for _ in 0..<readers {
                let reader = try await connect(path, threadPool, logger)
                opened.append(reader)
                try await configure(reader, pragmas: readerPragmas(timeoutMillis: timeout), path: path)
            }
            return SQLiteMetadataStore(
                path: path,
                migrationsAppliedAtOpen: applied,
                writer: writer,
                readers: Array(opened.dropFirst()),
                threadPool: threadPool,
                logger: logger
            )
        } catch {
            for connection in opened { try? await connection.close() }
            try? await threadPool.shutdownGracefully()
            if let error = error as? SQLError { throw error.registryError }
            throw error
        }
    }

    /// Applies the migrations, waiting out another process that is applying them (or holds the write lock) for up to
    /// `patience`: replicas or a restart racing a slow first start wait their turn instead of failing.
    private static func migrate(
        _ sql: SQLMetadataStore,
        _ writer: SQLiteConnection,
        upTo version: Int,
        patience: Duration
    ) async throws -> [Int] {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                return try await sql.migrate(SQLiteExecutor(connection: writer), upTo: version)
            } catch let error as RegistryError where error.code == .unavailable && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Waits for running transactions and reads to finish, refuses new ones (`.unavailable`), checkpoints the WAL
    /// and closes every connection. Idempotent.
    public func close() async {
        let connections = await writer.drain() + readers.drain()
        guard !connections.isEmpty else { return }
        if let writer = connections.first {
            // Folds the WAL back into the database file so the directory holds one file at rest.
            _ = try? await SQLiteExecutor(connection: writer).query("PRAGMA wal_checkpoint(TRUNCATE)", [])
        }
        for connection in connections {
            do {
                try await connection.close()
            } catch {
                logger.warning("Closing an SQLite connection failed", metadata: ["error": "\(error)"])
            }
        }
        try? await threadPool.shutdownGracefully()
    }

    private static func writerPragmas(timeoutMillis: Int64) -> [String] {
        // busy_timeout first: switching to WAL needs a lock another process may hold.
        [
            "PRAGMA busy_timeout = \(timeoutMillis)", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
        ]
    }

    private static func readerPragmas(timeoutMillis: Int64) -> [String] {
        [
            "PRAGMA busy_timeout = \(timeoutMillis)", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
            "PRAGMA query_only = ON",
        ]
    }

    private static func connect(_ path: String, _ threadPool: NIOThreadPool, _ logger: Logger) async throws
        -> SQLiteConnection
    {
        do {
            return try await SQLiteConnection.open(
                storage: .file(path: path),
                threadPool: threadPool,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            )
        } catch {
            throw RegistryError(
                .failedPrecondition,
                "Cannot open the metadata database at \(path): \(error). Check that the path is writable.",
                underlying: error
            )
        }
    }

    private static func configure(_ connection: SQLiteConnection, pragmas: [String], path: String) async throws {
        try await SQLiteFunctions.install(on: connection)
        let executor = SQLiteExecutor(connection: connection)
        for pragma in pragmas {
            let rows = try await executor.query(pragma, [])
            let mode = rows.first?["journal_mode"]
            if pragma.contains("journal_mode"), mode != .text("wal") {
                throw RegistryError(
                    .failedPrecondition,
                    "The metadata database at \(path) cannot use WAL journaling (journal_mode is \(mode ?? .null)). "
                        + "Put it on a local file system."
                )
            }
        }
    }
}
