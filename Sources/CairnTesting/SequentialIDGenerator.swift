import CairnCore
import Synchronization

/// Deterministic ids: `id-000001`, `id-000002`… Thread-safe; every call returns a new id.
public final class SequentialIDGenerator: IDGenerator {
    private let prefix: String
    private let counter = Mutex(0)

    /// - Parameter prefix: put in front of every id, so ids of different generators never collide.
    public init(prefix: String = "id-") {
        self.prefix = prefix
    }

    public func next() -> String {
        let value = counter.withLock { count in
            count += 1
            return count
        }
        let digits = String(value)
        return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// How many ids were given out.
    public var issued: Int { counter.withLock { $0 } }
}
