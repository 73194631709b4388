import NIOCore
import Synchronization

/// Encoded read responses of the serving hot path (the native `/api/v1/resolve` and MLflow's alias, latest-versions,
/// version and download-URI reads), valid for one store generation (see `ChangeCountingStore`).
///
/// These are what serving fleets call most, and their answers change only when something is written. A hit costs
/// one atomic load and one dictionary lookup; any write anywhere invalidates every entry (writes are rare next to
/// reads, and exact invalidation per model would need the event's subject parsed on every write). A cached answer is
/// the same for every caller allowed to read the model: callers check that rule before a lookup.
public final class ResponseCache: Sendable {
    private struct Entry {
        var generation: UInt64
        var body: ByteBuffer
        var model: String
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let generation: @Sendable () -> UInt64
    private let capacity: Int

    public init(capacity: Int = 50_000, generation: @escaping @Sendable () -> UInt64) {
        self.capacity = capacity
        self.generation = generation
    }

    /// The current generation; read it before computing a response to store.
    public var currentGeneration: UInt64 { generation() }

    /// The answer stored under `key` in the current generation, with the model whose read rule governs it.
    public func lookup(_ key: String) -> (body: ByteBuffer, model: String)? {
        let now = generation()
        return entries.withLock { entries in
            guard let entry = entries[key], entry.generation == now else { return nil }
            return (entry.body, entry.model)
        }
    }

    /// Stores `body`, the answer about `model`, under `key` for `generation` (read before computing it).
    public func store(_ body: ByteBuffer, model: String, for key: String, generation: UInt64) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(generation: generation, body: body, model: model)
        }
    }
}
