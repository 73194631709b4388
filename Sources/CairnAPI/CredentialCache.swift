import CairnCore
import Foundation
import Synchronization

/// Recently verified HTTP Basic passwords, so a client sending the same Basic header on every request (the mlflow
/// client does, for `MLFLOW_TRACKING_USERNAME`/`PASSWORD`) pays the slow password hash once, not per request.
///
/// Keyed by the SHA-256 of the credentials (never the credentials themselves). An entry is valid for at most
/// ``lifetime`` seconds and only while the store's change generation is the one read *before* the verification, so
/// any write (a disabled account, a new password, a changed grant or token) invalidates it. Failures are never
/// cached. Bounded: when full, every entry is dropped.
final class CredentialCache: Sendable {
    private struct Entry {
        var principal: Principal
        var generation: UInt64
        var expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    let generation: @Sendable () -> UInt64
    let lifetime: TimeInterval
    let clock: any CairnCore.Clock
    let capacity: Int

    init(
        generation: @escaping @Sendable () -> UInt64,
        lifetime: TimeInterval,
        clock: any CairnCore.Clock,
        capacity: Int = 4096
    ) {
        self.generation = generation
        self.lifetime = min(max(lifetime, 0), 60)
        self.clock = clock
        self.capacity = capacity
    }

    /// The cache key of a username and secret: hex SHA-256 over both, NUL-separated.
    static func key(username: String, secret: String) -> String {
        Digest.of(Array("basic\u{0}\(username)\u{0}\(secret)".utf8)).hex
    }

    /// The cached principal for `key`, when the entry is still valid.
    func lookup(_ key: String) -> Principal? {
        let (now, current) = (clock.now(), generation())
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.generation == current, now < entry.expires, now >= entry.expires - lifetime else {
                entries.removeValue(forKey: key)
                return nil
            }
            return entry.principal
        }
    }

    /// Remembers a successful verification made at store generation `generation`.
    func store(_ principal: Principal, for key: String, generation: UInt64) {
        guard lifetime > 0 else { return }
        let expires = clock.now().addingTimeInterval(lifetime)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(principal: principal, generation: generation, expires: expires)
        }
    }
}
