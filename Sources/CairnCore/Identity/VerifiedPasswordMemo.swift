import Synchronization

/// Remembers which (account, stored password hash, secret) triples already verified, so that a client sending HTTP
/// Basic on every request (the mlflow client does, for `MLFLOW_TRACKING_USERNAME`/`PASSWORD`) pays the slow password
/// hash once, not per request.
///
/// It never decides on its own: authentication still reads the account, its grants and its stored hash on every
/// request, and an entry only matches the stored hash it was verified against — so a password change, a disabled
/// account or a revoked grant takes effect on the next request, on every replica. Entries are SHA-256 digests of the
/// triple and a random per-process key; no secret is kept. Failures are never remembered.
public final class VerifiedPasswordMemo: Sendable {
    private let entries = Mutex<Set<String>>([])
    private let processKey: String
    private let capacity: Int

    public init(capacity: Int = 10_000) {
        var generator = SystemRandomNumberGenerator()
        self.processKey = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
        self.capacity = capacity
    }

    func key(accountID: String, storedHash: String, secret: String) -> String {
        let text = processKey + "\u{0}" + accountID + "\u{0}" + storedHash + "\u{0}" + secret
        return Digest.of(Array(text.utf8)).hex
    }

    /// Whether this exact triple verified before.
    func contains(accountID: String, storedHash: String, secret: String) -> Bool {
        let key = key(accountID: accountID, storedHash: storedHash, secret: secret)
        return entries.withLock { $0.contains(key) }
    }

    /// Remembers a successful verification (the set is emptied when full).
    func insert(accountID: String, storedHash: String, secret: String) {
        let key = key(accountID: accountID, storedHash: storedHash, secret: secret)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries.insert(key)
        }
    }
}
