import AsyncHTTPClient
import CairnClient
import CairnCore
import CairnWire
import Foundation
import Synchronization
import Testing

@Suite("cairn serve: watching the event log", .serialized)
struct EventWatchTests {
    /// What watchers received, by watcher, with the time each event arrived.
    final class Received: Sendable {
        private let state = Mutex<[Int: [(event: EventEnvelope, at: ContinuousClock.Instant)]]>([:])
        func add(_ event: EventEnvelope, watcher: Int) {
            state.withLock { $0[watcher, default: []].append((event, .now)) }
        }
        func events(_ watcher: Int) -> [EventEnvelope] { state.withLock { $0[watcher, default: []].map(\.event) } }
        func arrivals() -> [ContinuousClock.Instant] { state.withLock { $0.values.flatMap { $0.map(\.at) } } }
        var watchersHeard: Int { state.withLock { $0.values.filter { !$0.isEmpty }.count } }
    }

    static func names(_ events: [EventEnvelope]) -> [String] {
        events.map { $0.subject.replacingOccurrences(of: "model/", with: "") }
    }

    /// An HTTP client allowed one connection per watcher (the shared client keeps 8 per host).
    static func watcherHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    @Test("a long poll answers as soon as a matching event is committed, with the cursor past what it examined")
    func longPoll() async throws {
        try await ServerProcess.with { server in
            let client = CairnClient(baseURL: URL(string: server.url)!, token: try server.adminToken())
            let head = try await client.events(after: 0, limit: 1000).events.last?.sequence ?? 0
            // Nothing matches yet: the poll waits, then answers empty with the cursor where it looked.
            let idle = try await client.events(EventWatchQuery(model: "fraud"), after: head, wait: 1)
            #expect(idle.events.isEmpty && idle.nextAfter == head)
            let poll = Task { try await client.events(EventWatchQuery(model: "fraud"), after: head, wait: 20) }
            try await Task.sleep(for: .milliseconds(300))
            _ = try await client.createModel(name: "other")
            _ = try await client.createModel(name: "fraud")
            let committed = ContinuousClock.now
            let page = try await poll.value
            let latency = ContinuousClock.now - committed
            #expect(page.events.map(\.action) == ["model.created"] && page.events.first?.subject == "model/fraud")
            #expect(page.nextAfter == page.events.last?.sequence)
            #expect(latency < .seconds(1), "commit to long-poll answer took \(latency)")
        }
    }

    @Test("a stream resumes after the server is killed and restarted, without losing or repeating an event")
    func resumesAcrossRestart() async throws {
        let data = try TempDirectory()
        let first = try await KillableServer.start(data: data.url)
        let port = first.port
        let token = try String(contentsOf: data.url.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = CairnClient(baseURL: first.url, token: token)
        let head = try await client.events(after: 0, limit: 1000).events.last?.sequence ?? 0
        let received = Received()
        let reconnects = Atomic<Int>(0)
        let watcher = Task {
            let stream = client.watchEvents(
                EventWatchQuery(actions: ["model.created"], heartbeatSeconds: 1),
                after: head,
                onReconnect: { _, _ in reconnects.add(1, ordering: .relaxed) }
            )
            for try await event in stream { received.add(event, watcher: 0) }
        }
        defer { watcher.cancel() }
        for name in ["a", "b"] { _ = try await client.createModel(name: name) }
        #expect(try await CrashRecoveryTests.eventually { received.events(0).count == 2 })
        first.killHard()
        // Committed while the watcher is disconnected: on the restarted server, before it reconnects.
        let second = try await KillableServer.start(data: data.url, arguments: ["--port", String(port)])
        defer { _ = second.terminate() }
        for name in ["c", "d"] { _ = try await client.createModel(name: name) }
        #expect(try await CrashRecoveryTests.eventually(20) { received.events(0).count >= 4 })
        _ = try await client.createModel(name: "e")
        #expect(try await CrashRecoveryTests.eventually { received.events(0).count >= 5 })
        let events = received.events(0)
        #expect(Self.names(events) == ["a", "b", "c", "d", "e"])
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        #expect(reconnects.load(ordering: .relaxed) >= 1)
        watcher.cancel()
    }

    @Test("open streams and long-polls do not hold a graceful shutdown: SIGTERM ends them and exits at once")
    func shutdownEndsWatches() async throws {
        let data = try TempDirectory()
        let server = try await KillableServer.start(data: data.url)
        let token = try String(contentsOf: data.url.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = CairnClient(baseURL: server.url, token: token)
        let received = Received()
        let stream = Task {
            for try await event in client.watchEvents(EventWatchQuery(heartbeatSeconds: 30), after: 0) {
                received.add(event, watcher: 0)
            }
        }
        defer { stream.cancel() }
        let poll = Task { try await client.events(EventWatchQuery(model: "none"), after: 0, wait: 60) }
        #expect(try await CrashRecoveryTests.eventually { !received.events(0).isEmpty })
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        let status = server.terminate()
        let took = ContinuousClock.now - start
        #expect(status == 0)
        #expect(took < .seconds(5), "SIGTERM with an open stream and a long-poll took \(took) to exit")
        let answered = await poll.result
        #expect((try? answered.get())?.events.isEmpty == true, "the long-poll is answered, not dropped: \(answered)")
    }

    @Test("100 concurrent watchers each hear a commit within a second")
    func hundredWatchers() async throws {
        try await ServerProcess.with { server in
            let http = Self.watcherHTTPClient()
            do {
                try await hearCommits(server, http)
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }

    private func hearCommits(_ server: ServerProcess, _ http: HTTPClient) async throws {
        do {
            let client = CairnClient(
                baseURL: URL(string: server.url)!,
                token: try server.adminToken(),
                httpClient: http
            )
            let head = try await client.events(after: 0, limit: 1000).events.last?.sequence ?? 0
            let received = Received()
            let watchers = (0..<100).map { index in
                Task {
                    for try await event in client.watchEvents(EventWatchQuery(model: "fraud"), after: head) {
                        received.add(event, watcher: index)
                    }
                }
            }
            defer { for watcher in watchers { watcher.cancel() } }
            // Every watcher is connected once each has heard the first event.
            _ = try await client.createModel(name: "fraud")
            #expect(try await CrashRecoveryTests.eventually(30) { received.watchersHeard == 100 })
            _ = try await client.setModelTag("fraud", key: "team", value: "risk")
            let committed = ContinuousClock.now
            #expect(try await CrashRecoveryTests.eventually(10) { received.arrivals().count == 200 })
            let slowest = received.arrivals().map { $0 - committed }.max() ?? .zero
            #expect(slowest < .seconds(1), "the slowest of 100 watchers heard the commit after \(slowest)")
            for index in 0..<100 {
                #expect(received.events(index).map(\.action) == ["model.created", "model.tag_set"], "watcher \(index)")
            }
        }
    }

    @Test("a watch is authorized like every other read: per model, and refused before any stream starts")
    func authorizedPerModel() async throws {
        try await ServerProcess.with { server in
            let admin = CairnClient(baseURL: URL(string: server.url)!, token: try server.adminToken())
            _ = try await admin.createModel(name: "fraud")
            _ = try await admin.createModel(name: "churn")
            _ = try await admin.createAccount(name: "vera")
            _ = try await admin.addGrant(account: "vera", GrantDTO(role: "viewer", scope: "model", target: "fraud"))
            let token = try await admin.createToken(account: "vera").secret
            let vera = CairnClient(baseURL: URL(string: server.url)!, token: token)
            let own = try await vera.events(EventWatchQuery(model: "fraud"), after: 0, wait: 0)
            #expect(own.events.map(\.action) == ["model.created"])
            for query in [EventWatchQuery(model: "churn"), EventWatchQuery()] {
                var refused: CairnClientError?
                do {
                    for try await _ in vera.watchEvents(query, after: 0) {}
                } catch let error as CairnClientError {
                    refused = error
                }
                #expect(refused?.status == 403, "\(query)")
            }
            await #expect(throws: CairnClientError.self) {
                _ = try await admin.events(EventWatchQuery(stage: "Live"), after: 0, wait: 0)
            }
        }
    }
}
