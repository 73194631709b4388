import CairnCore
import Foundation
import Synchronization

/// Slows down repeated failed logins from one client, in memory.
///
/// A client (its IP address, or an account name that failures are counted against) may fail ``Policy/freeFailures`` times within ``Policy/window``; every further failure
/// in that window waits `2^n × base` before its 401 is sent (n = 0 for the first failure past the free ones), capped
/// at ``Policy/maxDelay``. A success resets the client. At most ``Policy/maxClients`` clients are remembered: when
/// full, expired windows go first, then the oldest. Time comes from the injected clock and waiting from the injected
/// sleeper, so tests never wait.
public final class LoginThrottle: Sendable {
    /// The throttle's tunables.
    public struct Policy: Sendable, Hashable {
        /// Failures allowed without delay within ``window``.
        public var freeFailures: Int
        /// Failures older than this (counted from the first of a series) are forgotten.
        public var window: TimeInterval
        /// The first delay.
        public var baseDelay: Duration
        /// No delay is longer.
        public var maxDelay: Duration
        /// Most clients remembered at once.
        public var maxClients: Int

        public init(
            freeFailures: Int = 5,
            window: TimeInterval = 15 * 60,
            baseDelay: Duration = .milliseconds(100),
            maxDelay: Duration = .seconds(5),
            maxClients: Int = 10_000
        ) {
            self.freeFailures = freeFailures
            self.window = window
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.maxClients = maxClients
        }
    }

    /// Waits for a duration; production: `Task.sleep`.
    public typealias Sleeper = @Sendable (Duration) async -> Void

    private struct Entry {
        var failures: Int
        var since: Date
    }

    public let policy: Policy
    private let clock: any CairnCore.Clock
    private let sleeper: Sleeper
    private let entries = Mutex<[String: Entry]>([:])

    public init(
        policy: Policy = Policy(),
        clock: any CairnCore.Clock = SystemClock(),
        sleeper: @escaping Sleeper = { try? await Task.sleep(for: $0) }
    ) {
        self.policy = policy
        self.clock = clock
        self.sleeper = sleeper
    }

    /// Records a failed login from `client` and returns how long to wait before answering (`.zero` for none).
    public func recordFailure(client: String) -> Duration {
        let now = clock.now()
        return entries.withLock { entries in
            var entry = entries[client] ?? Entry(failures: 0, since: now)
            if now.timeIntervalSince(entry.since) > policy.window || now < entry.since {
                entry = Entry(failures: 0, since: now)
            }
            entry.failures += 1
            if entries[client] == nil, entries.count >= policy.maxClients { evict(&entries, now: now) }
            entries[client] = entry
            let excess = entry.failures - policy.freeFailures
            guard excess > 0 else { return .zero }
            // 2^(excess-1) × base, computed without overflow: past 2^20 the cap has long been reached.
            let factor = 1 << min(excess - 1, 20)
            return min(policy.baseDelay * factor, policy.maxDelay)
        }
    }

    /// Forgets `client`'s failures (after a successful login).
    public func recordSuccess(client: String) {
        entries.withLock { entries in _ = entries.removeValue(forKey: client) }
    }

    /// Records a failure and waits the delay it earns.
    public func failed(client: String) async {
        await failed(clients: [client])
    }

    /// Records one failure against each key (the client's IP, the account named) and waits the longest delay earned.
    public func failed(clients: [String]) async {
        let delay = clients.map { recordFailure(client: $0) }.max() ?? .zero
        if delay > .zero { await sleeper(delay) }
    }

    /// How many clients are remembered (for tests of the bound).
    public var trackedClients: Int { entries.withLock { $0.count } }

    private func evict(_ entries: inout [String: Entry], now: Date) {
        entries = entries.filter { now.timeIntervalSince($0.value.since) <= policy.window }
        if entries.count >= policy.maxClients, let oldest = entries.min(by: { $0.value.since < $1.value.since }) {
            entries.removeValue(forKey: oldest.key)
        }
    }
}
