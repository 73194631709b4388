import Synchronization

/// Answers of the serving hot path (the native resolve and MLflow's alias, latest-versions, version and download-URI
/// reads), valid for one store generation (see ``ChangeCountingStore``).
///
/// These are what serving fleets call most, and their answers change only when something is written. A hit costs
/// one atomic load, one dictionary lookup and the read rule; any write anywhere invalidates every entry (writes are
/// rare next to reads, and exact invalidation per model would need the event's subject parsed on every write).
///
/// An answer is the same for every caller allowed to read its model, and the cache applies that rule itself: a hit
/// goes only to a caller ``Authorization`` lets read the entry's model, so an edge cannot serve a cached answer past
/// the core's authorization. A caller refused takes the uncached path, where the use case refuses (and records) it.
/// Store only answers a use case returned (never errors): the caller was then allowed to read the model.
public final class ReadCache<Body: Sendable>: Sendable {
    private struct Entry: Sendable {
        var generation: UInt64
        var body: Body
        var model: String
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let generation: @Sendable () -> UInt64
    private let capacity: Int

    public init(capacity: Int = 50_000, generation: @escaping @Sendable () -> UInt64) {
        self.capacity = capacity
        self.generation = generation
    }

    /// The current generation; read it before computing an answer to store.
    public var currentGeneration: UInt64 { generation() }

    /// The answer stored under `key` in the current generation, when `actor` may read the model it is about.
    public func lookup(_ key: String, for actor: Principal) -> Body? {
        let now = generation()
        let hit: Entry? = entries.withLock { entries in
            guard let entry = entries[key], entry.generation == now else { return nil }
            return entry
        }
        guard let hit, Authorization.decide(actor, .read, model: hit.model).isAllowed else { return nil }
        return hit.body
    }

    /// Stores `body`, a use case's answer about `model`, under `key` for `generation` (read before computing it).
    public func store(_ body: Body, about model: String, for key: String, generation: UInt64) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(generation: generation, body: body, model: model)
        }
    }
}
