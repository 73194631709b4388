import CairnCore
import Foundation

/// The backend-neutral half of every SQL `MetadataStore`: all query text and all row ↔ domain mapping, written once.
///
/// A backend supplies only connections (an ``SQLExecutor`` each) and an ``SQLDialect``, and owns transactions:
///
/// 1. At start it runs ``migrate(_:now:)`` on one connection.
/// 2. For `write {}` it opens the dialect's write transaction on its one writer connection, hands the body
///    ``session(_:)`` on it, and commits, or rolls back when the body throws.
/// 3. For `read {}` it opens a read transaction on a reader connection and hands the body a session on it.
/// 4. For `resolve` it calls ``resolve(_:modelName:reference:)``: one statement, no transaction needed.
///
/// Driver failures arrive as ``SQLError`` and leave as `RegistryError`: a unique violation becomes `.alreadyExists`
/// with a message naming what collided, a missing parent row `.notFound`, busy or locked `.unavailable`, anything else
/// `.internalError`.
public struct SQLMetadataStore: Sendable {
    public let dialect: any SQLDialect
    let json: JSONCodec

    /// A store speaking `dialect`.
    public init(dialect: any SQLDialect) {
        self.dialect = dialect
        self.json = JSONCodec()
    }

    /// The queries of ``MetadataReader`` and ``MetadataTransaction`` running on `executor`.
    ///
    /// The session runs each call as one or more statements on `executor` and opens no transaction of its own: the
    /// backend decides whether it is inside a write transaction, a read snapshot, or neither.
    public func session(_ executor: any SQLExecutor) -> SQLMetadataSession {
        SQLMetadataSession(store: self, executor: executor)
    }

    /// Applies ``migrations`` (for upgrade tests: only those up to version `upTo`) not yet applied, under the
    /// dialect's locks; returns the versions applied now.
    /// - Throws: see ``SQLMigrator/migrate(_:dialect:migrations:now:)``.
    public func migrate(_ executor: any SQLExecutor, upTo version: Int = .max, now: Date = Date()) async throws -> [Int]
    {
        try await SQLMigrator.migrate(
            executor,
            dialect: dialect,
            migrations: Self.migrations.filter { $0.version <= version },
            now: now
        )
    }

    /// Runs one statement written with `?` placeholders, mapping driver failures to `RegistryError`.
    ///
    /// `onUnique` and `onMissingParent` name what a unique or foreign-key violation means at this call site; without
    /// them such a violation is a bug and becomes `.internalError`.
    func run(
        _ executor: any SQLExecutor,
        _ sql: String,
        _ binds: [SQLValue],
        onUnique: @autoclosure () -> RegistryError? = nil,
        onMissingParent: @autoclosure () -> RegistryError? = nil
    ) async throws -> [SQLRow] {
        do {
            return try await executor.query(dialect.render(sql), binds)
        } catch let error as SQLError {
            var mapped: RegistryError?
            switch error.kind {
            case .uniqueViolation: mapped = onUnique()
            case .foreignKeyViolation: mapped = onMissingParent()
            case .busy, .closed, .other: break
            }
            guard var mapped else { throw error.registryError }
            mapped.underlying = error
            throw mapped
        }
    }
}

/// JSON for the document columns (tags, lineage, manifest, transition requests): one encoder and decoder, reused.
///
/// Dates are integer milliseconds since 1970, like every timestamp column, so a document's dates read back equal to
/// what a store keeps (whole milliseconds) and read the same from any language.
struct JSONCodec: Sendable {
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder

    init() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(SQLTime.millis(date))
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            SQLTime.date(millis: try decoder.singleValueContainer().decode(Int64.self))
        }
        self.encoder = encoder
        self.decoder = decoder
    }

    func encode(_ value: some Encodable) throws -> String {
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw RegistryError(.internalError, "Could not encode a stored document: \(error)", underlying: error)
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ text: String, column: String) throws -> T {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw RegistryError(
                .internalError,
                "Column '\(column)' holds a document this Cairn cannot read; the database may be damaged.",
                underlying: error
            )
        }
    }
}
