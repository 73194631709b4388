import CairnCore
import Synchronization

/// A fixed set of connections, each leased to one task at a time, first come first served.
///
/// With one connection it is the async mutex that serializes write transactions; with several, the reader pool. A
/// lease is exclusive, so a read transaction's `BEGIN … COMMIT` never interleaves with another task's statements.
/// Waiting for a lease ignores task cancellation (the wait ends when a lease is returned or the pool closes).
final class ConnectionPool<Connection: Sendable>: Sendable {
    private struct State {
        var idle: [Connection]
        var waiters: [CheckedContinuation<Connection, any Error>] = []
        var closed = false
        var drainWaiter: CheckedContinuation<[Connection], Never>?
    }

    private let state: Mutex<State>
    private let size: Int

    init(_ connections: [Connection]) {
        self.state = Mutex(State(idle: connections))
        self.size = connections.count
    }

    /// Runs `body` with a connection no other task uses until it returns.
    /// - Throws: `.unavailable` once the pool is closing; whatever `body` throws.
    func withConnection<T>(_ body: (Connection) async throws -> T) async throws -> T {
        let connection = try await lease()
        defer { giveBack(connection) }
        return try await body(connection)
    }

    /// Refuses new leases, waits until every leased connection is back, and returns all connections (once; later
    /// calls return an empty array).
    func drain() async -> [Connection] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[Connection], Never>) in
            let action: DrainAction = state.withLock { state in
                guard !state.closed else { return .alreadyClosed }
                state.closed = true
                let waiters = state.waiters
                state.waiters = []
                if state.idle.count == size {
                    defer { state.idle = [] }
                    return .finished(state.idle, waiters)
                }
                state.drainWaiter = continuation
                return .waiting(waiters)
            }
            switch action {
            case .alreadyClosed:
                continuation.resume(returning: [])
            case .finished(let connections, let waiters):
                for waiter in waiters { waiter.resume(throwing: Self.closedError()) }
                continuation.resume(returning: connections)
            case .waiting(let waiters):
                for waiter in waiters { waiter.resume(throwing: Self.closedError()) }
            }
        }
    }

    private enum DrainAction {
        case alreadyClosed
        case finished([Connection], [CheckedContinuation<Connection, any Error>])
        case waiting([CheckedContinuation<Connection, any Error>])
    }

    private enum GiveBackAction {
        case handOver(CheckedContinuation<Connection, any Error>)
        case drained(CheckedContinuation<[Connection], Never>, [Connection])
        case none
    }

    private func lease() async throws -> Connection {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Connection, any Error>) in
            let leased: Result<Connection, RegistryError>? = state.withLock { state in
                if state.closed { return .failure(Self.closedError()) }
                if let connection = state.idle.popLast() { return .success(connection) }
                state.waiters.append(continuation)
                return nil
            }
            if let leased { continuation.resume(with: leased) }
        }
    }

    private func giveBack(_ connection: Connection) {
        let next: GiveBackAction = state.withLock { state in
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst()) }
            state.idle.append(connection)
            if state.closed, state.idle.count == size, let drainWaiter = state.drainWaiter {
                state.drainWaiter = nil
                defer { state.idle = [] }
                return .drained(drainWaiter, state.idle)
            }
            return .none
        }
        switch next {
        case .handOver(let waiter): waiter.resume(returning: connection)
        case .drained(let waiter, let connections): waiter.resume(returning: connections)
        case .none: break
        }
    }

    private static func closedError() -> RegistryError {
        RegistryError(.unavailable, "The metadata store is closed; the server is shutting down.")
    }
}
