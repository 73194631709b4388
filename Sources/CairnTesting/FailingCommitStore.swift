import CairnCore
import Synchronization

/// A `MetadataStore` decorator whose armed write transaction fails at commit: the body runs to its end (with every
/// side effect it has outside the database, such as blob deletes), then the transaction rolls back. For tests that
/// prove nothing outside the database is changed before a commit is known to have succeeded.
public final class FailingCommitStore: MetadataStore {
    public let base: any MetadataStore
    private let armed = Mutex<Bool>(false)

    public init(_ base: any MetadataStore) {
        self.base = base
    }

    /// Makes the next write transaction fail at commit with `.unavailable`.
    public func failNextCommit() { armed.withLock { $0 = true } }

    public func read<T: Sendable>(_ body: @Sendable (any MetadataReader) async throws -> T) async throws -> T {
        try await base.read(body)
    }

    public func write<T: Sendable>(_ body: @Sendable (any MetadataTransaction) async throws -> T) async throws -> T {
        let fail = armed.withLock { armed in
            defer { armed = false }
            return armed
        }
        return try await base.write { tx in
            let result = try await body(tx)
            if fail { throw RegistryError(.unavailable, "injected commit failure") }
            return result
        }
    }

    public func resolve(modelName: String, reference: VersionReference) async throws -> ModelVersion? {
        try await base.resolve(modelName: modelName, reference: reference)
    }
}
