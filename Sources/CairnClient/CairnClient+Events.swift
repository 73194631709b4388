import AsyncHTTPClient
import CairnCore
import CairnWire
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// What a watch asks for: the query of `GET /api/v1/events` (see ``EventFilter``).
public struct EventWatchQuery: Sendable, Hashable {
    public var model: String?
    public var actions: [String]
    public var stage: String?
    public var alias: String?
    /// Seconds between the server's heartbeats (1 to 60); a connection silent for three of them is reopened.
    public var heartbeatSeconds: Int

    public init(
        model: String? = nil,
        actions: [String] = [],
        stage: String? = nil,
        alias: String? = nil,
        heartbeatSeconds: Int = 15
    ) {
        self.model = model
        self.actions = actions
        self.stage = stage
        self.alias = alias
        self.heartbeatSeconds = heartbeatSeconds
    }

    func path(after: Int64?, wait: Int? = nil) -> APIPath {
        var path = APIPath("events").query("after", after.map(String.init)).query("model", model)
        for action in actions { path = path.query("action", action) }
        return path.query("stage", stage).query("alias", alias).query("wait", wait.map(String.init))
            .query("heartbeat", String(heartbeatSeconds))
    }
}

extension CairnClient {
    /// One long-polled page of the event log: the events matching `query` after `after`, waiting up to `wait`
    /// seconds for one when there is none yet; `nextAfter` says where to go on.
    public func events(_ query: EventWatchQuery, after: Int64, wait: Int) async throws -> EventListDTO {
        try await send(.GET, query.path(after: after, wait: wait))
    }

    /// The wait before reconnecting after `failures` failures in a row: 0.5 s doubling, at most 10 s.
    static func reconnectDelay(afterFailures failures: Int) -> Duration {
        .milliseconds(min(10_000, 250 << min(failures, 6)))
    }

    /// The sequence of the last event committed (`after=now`): where a watcher that has just read the current state
    /// starts, so it misses nothing committed after that read.
    public func eventHead(_ query: EventWatchQuery = EventWatchQuery()) async throws -> Int64 {
        var path = APIPath("events").query("after", "now").query("model", query.model).query("limit", "1")
        for action in query.actions { path = path.query("action", action) }
        path = path.query("stage", query.stage).query("alias", query.alias)
        let page: EventListDTO = try await send(.GET, path)
        return page.nextAfter ?? 0
    }

    /// The events matching `query` after `after`, as the server commits them, for as long as the caller iterates:
    /// a Server-Sent Events stream that reconnects by itself (after a dropped connection, a server restart or the
    /// server ending the stream) and resumes from the last event received, so no event is lost or repeated.
    ///
    /// Refusals (bad filter, no permission) end the stream with the server's error; an unreachable server is retried
    /// with backoff up to 10 s between attempts, forever. `onReconnect` is told each time the stream is reopened.
    public func watchEvents(
        _ query: EventWatchQuery = EventWatchQuery(),
        after: Int64,
        onReconnect: @escaping @Sendable (Int64, (any Error)?) -> Void = { _, _ in }
    ) -> AsyncThrowingStream<EventEnvelope, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EventEnvelope.self, throwing: (any Error).self)
        let task = Task {
            var cursor = after
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await streamOnce(query, after: cursor) { event in
                        cursor = event.sequence
                        failures = 0
                        continuation.yield(event)
                    }
                    onReconnect(cursor, nil)
                } catch let error as CairnClientError where error.status.map({ (400..<500).contains($0) }) == true {
                    continuation.finish(throwing: error)
                    return
                } catch is CancellationError {
                    break
                } catch {
                    failures += 1
                    onReconnect(cursor, error)
                    try? await Task.sleep(for: Self.reconnectDelay(afterFailures: failures))
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// One connection of ``watchEvents(_:after:onReconnect:)``: returns when the server ends the stream.
    func streamOnce(
        _ query: EventWatchQuery,
        after: Int64,
        _ deliver: (EventEnvelope) throws -> Void
    ) async throws {
        var request = HTTPClientRequest(url: url(query.path(after: after)))
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "Last-Event-ID", value: String(after))
        // A stream lives up to ten minutes on the server; three missed heartbeats mean the connection is gone.
        let response = try await execute(request, timeout: .minutes(11))
        try await checkStreaming(response)
        var parser = ServerSentEventParser()
        let silence = Duration.seconds(3 * max(1, query.heartbeatSeconds))
        try await withThrowingTaskGroup(of: Void.self) { group in
            let lastHeard = LastHeard()
            group.addTask {
                while true {
                    try await Task.sleep(for: silence)
                    if lastHeard.silentFor(silence) {
                        throw CairnClientError.badResponse("The event stream went silent.")
                    }
                }
            }
            for try await chunk in response.body {
                lastHeard.touch()
                for frame in try parser.feed(chunk) where frame.data != nil {
                    let event = try JSONDecoder().decode(EventEnvelope.self, from: Data(frame.data!.utf8))
                    try deliver(event)
                }
            }
            group.cancelAll()
        }
    }
}

/// When the stream last delivered bytes.
private final class LastHeard: Sendable {
    private let last = Mutex(ContinuousClock.now)
    func touch() { last.withLock { $0 = .now } }
    func silentFor(_ duration: Duration) -> Bool { last.withLock { ContinuousClock.now - $0 >= duration } }
}

/// Splits a `text/event-stream` body into frames (`id`, `event`, `data`; comments dropped), whatever the chunking.
/// A frame larger than 4 MiB is refused rather than buffered.
struct ServerSentEventParser {
    struct Frame: Equatable {
        var id: String?
        var event: String?
        var data: String?
    }

    private var pending: [UInt8] = []
    private var frame = Frame()
    static let maxFrameBytes = 4 << 20

    mutating func feed(_ chunk: ByteBuffer) throws -> [Frame] {
        pending.append(contentsOf: chunk.readableBytesView)
        var frames: [Frame] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[start..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            start = newline + 1
            if line.isEmpty {
                if frame != Frame() { frames.append(frame) }
                frame = Frame()
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(":") { continue }
            let (field, value) = Self.split(text)
            switch field {
            case "id": frame.id = value
            case "event": frame.event = value
            case "data": frame.data = frame.data.map { $0 + "\n" + value } ?? value
            default: break
            }
        }
        pending.removeFirst(start)
        guard pending.count <= Self.maxFrameBytes else {
            throw CairnClientError.badResponse("An event of the stream is larger than \(Self.maxFrameBytes) bytes.")
        }
        return frames
    }

    private static func split(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (String(line[..<colon]), String(value))
    }
}
