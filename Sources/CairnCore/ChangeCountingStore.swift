import Synchronization

/// A `MetadataStore` decorator that counts write transactions, so caches of derived data (the resolve responses of
/// the serving hot path) can tell in one atomic load whether anything may have changed since they were filled.
///
/// The counter moves after every write transaction, committed or not (a rolled-back one costs a spurious miss, never
/// a stale hit). It sees only the writes made through this process: a deployment with several replicas on one
/// database must not use it for caching unless the store also bumps it on other replicas' commits (PostgreSQL:
/// LISTEN/NOTIFY on the event log).
public final class ChangeCountingStore: MetadataStore, ChangeSignal {
    public let base: any MetadataStore
    private let counter = Atomic<UInt64>(0)
    private let waiters = Mutex(Waiters())

    /// The continuations of ``waitForChange(after:timeout:)`` calls waiting for the next write.
    private struct Waiters {
        var nextID = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Ids whose task was cancelled before they started waiting.
        var cancelled: Set<Int> = []
    }

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
        defer {
            counter.add(1, ordering: .releasing)
            let woken = waiters.withLock { state in
                defer { state.waiting.removeAll() }
                return Array(state.waiting.values)
            }
            for continuation in woken { continuation.resume() }
        }
        return try await base.write(body)
    }

    public func waitForChange(after seen: UInt64, timeout: Duration) async {
        guard generation == seen, !Task.isCancelled else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.nextWrite(after: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Suspends until the next write ends (at once when one ended since `seen`), or the task is cancelled.
    private func nextWrite(after seen: UInt64) async {
        let id = waiters.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = waiters.withLock { state in
                    if state.cancelled.remove(id) != nil || generation != seen { return true }
                    state.waiting[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = waiters.withLock { state in
                guard let continuation = state.waiting.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return CheckedContinuation<Void, Never>?.none
                }
                return continuation
            }
            continuation?.resume()
        }
        // A cancellation that came after the wake-up left a mark nobody will read.
        waiters.withLock { _ = $0.cancelled.remove(id) }
    }

    public func resolve(modelName: String, reference: VersionReference) async throws -> ModelVersion? {
        try await base.resolve(modelName: modelName, reference: reference)
    }
}
