import Synchronization

/// A `MetadataStore` decorator that counts write transactions, so caches of derived data (the resolve responses of
/// the serving hot path) can tell in one atomic load whether anything may have changed since they were filled.
///
/// The counter moves after every write transaction, committed or not (a rolled-back one costs a spurious miss, never
/// a stale hit). It sees only the writes made through this process: a deployment with several replicas on one
/// database must not use it for caching unless the store also bumps it on other replicas' commits (PostgreSQL:
/// LISTEN/NOTIFY on the event log).
public final class ChangeCountingStore: MetadataStore {
    public let base: any MetadataStore
    private let counter = Atomic<UInt64>(0)

    public init(_ base: any MetadataStore) {
        self.base = base
    }

    /// Changes whenever a write transaction has ended. Read it *before* reading the data a cache entry is built
    /// from, and store it with the entry.
    public var generation: UInt64 { counter.load(ordering: .acquiring) }

    public func read<T: Sendable>(_ body: @Sendable (any MetadataReader) async throws -> T) async throws -> T {
        try await base.read(body)
    }

    public func write<T: Sendable>(_ body: @Sendable (any MetadataTransaction) async throws -> T) async throws -> T {
        defer { counter.add(1, ordering: .releasing) }
        return try await base.write(body)
    }

    public func resolve(modelName: String, reference: VersionReference) async throws -> ModelVersion? {
        try await base.resolve(modelName: modelName, reference: reference)
    }
}
