import CairnCore

/// Runs one SQL statement on one connection: the only thing a backend's driver has to provide.
///
/// Statements run in the order they are issued; an executor is used by one task at a time. A backend translates its
/// driver's failures into ``SQLError`` so that the shared layer can map them to `RegistryError` codes.
public protocol SQLExecutor: Sendable {
    /// Runs one statement with `binds` for its placeholders (in order) and returns every row it produced.
    /// - Throws: ``SQLError``.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    /// Runs statements one after the other, ignoring their rows.
    public func execute(_ statements: [String]) async throws {
        for sql in statements { _ = try await query(sql, []) }
    }
}

/// A driver failure, classified so the shared layer can turn it into a `RegistryError`.
public struct SQLError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, as far as the registry cares.
    public enum Kind: Sendable, Hashable {
        /// A UNIQUE or PRIMARY KEY constraint was violated.
        case uniqueViolation
        /// A FOREIGN KEY constraint was violated (the parent row does not exist).
        case foreignKeyViolation
        /// The database is busy or locked by another connection or process; retrying later may succeed.
        case busy
        /// The connection or store is closed.
        case closed
        /// Anything else.
        case other
    }

    public var kind: Kind
    /// The driver's message, for logs.
    public var message: String
    /// The driver's error, for logs.
    public var underlying: (any Error)?

    public init(_ kind: Kind, _ message: String, underlying: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(kind): \(message)" }

    /// The `RegistryError` for a failure no call site expected: busy/closed → `.unavailable`, anything else →
    /// `.internalError` (a constraint violation that reaches here is a bug in the caller).
    public var registryError: RegistryError {
        switch kind {
        case .busy:
            RegistryError(
                .unavailable,
                "The metadata database is busy (another process holds its write lock). Retry shortly.",
                underlying: self
            )
        case .closed:
            RegistryError(.unavailable, "The metadata store is closed; the server is shutting down.", underlying: self)
        case .uniqueViolation, .foreignKeyViolation, .other:
            RegistryError(.internalError, "The metadata database failed: \(message)", underlying: self)
        }
    }
}
