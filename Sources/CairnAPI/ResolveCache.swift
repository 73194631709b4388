import NIOCore
import Synchronization

/// Encoded `/api/v1/resolve` responses, valid for one store generation (see `ChangeCountingStore`).
///
/// Resolving is what serving fleets call most, and its answer changes only when something is written. A hit costs
/// one atomic load and one dictionary lookup; any write anywhere invalidates every entry (writes are rare next to
/// resolves, and exact invalidation per model would need the event's subject parsed on every write).
final class ResolveCache: Sendable {
    private struct Entry {
        var generation: UInt64
        var body: ByteBuffer
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let generation: @Sendable () -> UInt64
    private let capacity: Int

    init(capacity: Int = 50_000, generation: @escaping @Sendable () -> UInt64) {
        self.capacity = capacity
        self.generation = generation
    }

    /// The current generation; read it before computing a response to store.
    var currentGeneration: UInt64 { generation() }

    func lookup(_ key: String) -> ByteBuffer? {
        let now = generation()
        return entries.withLock { entries in
            guard let entry = entries[key], entry.generation == now else { return nil }
            return entry.body
        }
    }

    func store(_ body: ByteBuffer, for key: String, generation: UInt64) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(generation: generation, body: body)
        }
    }
}
