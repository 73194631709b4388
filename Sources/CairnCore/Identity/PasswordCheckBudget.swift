import Synchronization

/// Bounds how many slow password hashes run at once. A password check costs a full PBKDF2 whether the account
/// exists or not (so that timing tells nothing), which makes a flood of bad Basic logins cheap to send and expensive to
/// answer; past ``limit`` checks in flight, a new one is refused at once (`.unavailable`, before any hashing) instead
/// of queueing without bound. Logins that need no hash — tokens, passwords verified before (the core remembers
/// them) — never pass through the budget, so a flood cannot starve them.
public final class PasswordCheckBudget: Sendable {
    public let limit: Int
    private let inFlight = Mutex(0)

    public init(limit: Int = 4) {
        self.limit = limit
    }

    /// Runs `check` when a slot is free.
    /// - Throws: `.unavailable` when ``limit`` checks are already running.
    func run<T>(_ check: () throws -> T) throws -> T {
        let admitted = inFlight.withLock { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw RegistryError(
                .unavailable,
                "Too many password checks are in progress; retry in a moment, or authenticate with an API token "
                    + "(`Authorization: Bearer …`), which needs no password hashing."
            )
        }
        defer { inFlight.withLock { $0 -= 1 } }
        return try check()
    }

    /// Checks running now (for tests).
    public var running: Int { inFlight.withLock { $0 } }
}
