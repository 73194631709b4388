import CairnCore
import CairnHTTP
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/v1/events`: the event log from a sequence, filtered, as one JSON page (optionally long-polled with
/// `wait`) or, with `Accept: text/event-stream`, as a Server-Sent Events stream that resumes from `Last-Event-ID`.
///
/// A page is read only when the client is ready for it (the stream's writes wait for the socket), so a slow watcher
/// holds at most one page, never a backlog. A watcher waits on the store's ``ChangeSignal``: a commit wakes it at
/// once; without a signal (a router built without one) it polls every ``pollInterval``. A graceful shutdown ends every
/// wait at once: a long-poll answers what it has, a stream ends (its client reconnects to another replica, or to this
/// one once it is back, with `Last-Event-ID`), so open watchers never hold a server's shutdown.
enum EventRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .get,
            path: "/api/v1/events",
            operationID: "listEvents",
            summary: "Read or watch the hash-chained event log from a sequence: JSON pages (long-polled with wait), or "
                + "Server-Sent Events with Accept: text/event-stream (resumed from Last-Event-ID).",
            query: [
                .init(
                    name: "after",
                    description: "Return events with a higher sequence (default 0); `now` starts after the last "
                        + "event committed."
                ),
                .init(name: "limit", description: "At most this many, 1 to 1000 (default 100).", type: "integer"),
                .init(name: "model", description: "Only events about this registered model."),
                .init(
                    name: "action",
                    description: "Only this action or family (transition); repeat for any of several.",
                    repeated: true
                ),
                .init(
                    name: "stage",
                    description: "Only moves into or out of this stage (None, Staging, Production, Archived)."
                ),
                .init(name: "alias", description: "Only sets and removals of this alias."),
                .init(
                    name: "heartbeat",
                    description: "With text/event-stream: seconds (1 to 60, default 15) between heartbeat comments.",
                    type: "integer"
                ),
                .init(
                    name: "wait",
                    description: "Seconds (0 to 60, capped by the server) to wait for a matching event when none is "
                        + "there yet; 0 answers at once.",
                    type: "integer"
                ),
            ],
            success: (200, "EventList"),
            errors: [400],
            rule: .requires(.read),
            handler: { request, context, service in try await events(request, context, service, changes: nil) }
        )
    ]

    /// How often a watcher without a ``ChangeSignal`` looks again.
    static let pollInterval = Duration.milliseconds(200)
    /// How long an event stream stays open before the server ends it (the client reconnects with `Last-Event-ID`),
    /// so a credential revoked meanwhile stops being served.
    static let streamLifetime = Duration.seconds(600)

    /// What one request asks for.
    struct Watch: Sendable {
        var filter: EventFilter
        var after: Int64
        /// `after=now`: start after the last event committed (``after`` is then looked up first).
        var fromNow: Bool
        var limit: Int
        var wait: Duration
        var heartbeat: Duration
    }

    static func events(
        _ request: Request,
        _ context: CairnRequestContext,
        _ service: RegistryService,
        changes: (any ChangeSignal)?
    ) async throws -> Response {
        var parsed = try parse(request)
        if parsed.fromNow {
            parsed.after = try await service.governance.watchHead(parsed.filter, actor: context.principal)
        }
        let watch = parsed
        // The first page answers refusals and bad filters as a plain error, before any stream starts.
        let first = try await service.governance.watchEvents(
            watch.filter,
            afterSequence: watch.after,
            limit: watch.limit,
            actor: context.principal
        )
        if request.headers[.accept]?.contains("text/event-stream") == true {
            return stream(watch, first: first, principal: context.principal, service, changes)
        }
        var page = first
        if page.events.isEmpty, watch.wait > .zero {
            let after = page.nextAfter
            page = try await cancelWhenGracefulShutdown {
                try await nextPage(watch, after: after, within: watch.wait, context.principal, service, changes)
            }
        }
        var body = EventListDTO(events: page.events.map(WireMapping.event))
        body.nextAfter = page.nextAfter
        return JSONResponse.make(body)
    }

    /// Waits up to `within` for matching events after `after` (reading again after every commit), and answers the
    /// page found then, empty when none came.
    static func nextPage(
        _ watch: Watch,
        after: Int64,
        within: Duration,
        _ principal: Principal,
        _ service: RegistryService,
        _ changes: (any ChangeSignal)?
    ) async throws -> EventWatchPage {
        let clock = ContinuousClock()
        let deadline = clock.now + within
        var cursor = after
        while true {
            let seen = changes?.generation
            let page: EventWatchPage
            do {
                page = try await service.governance.watchEvents(
                    watch.filter,
                    afterSequence: cursor,
                    limit: watch.limit,
                    actor: principal
                )
            } catch  where Task.isCancelled {
                // Cancelled mid-read (a graceful shutdown): answer what was found so far, which is nothing.
                return EventWatchPage(events: [], nextAfter: cursor)
            }
            cursor = page.nextAfter
            let left = deadline - clock.now
            if !page.events.isEmpty || left <= .zero { return page }
            if let changes, let seen {
                await changes.waitForChange(after: seen, timeout: left)
            } else {
                try? await Task.sleep(for: min(left, pollInterval))
            }
            // Cancelled while waiting (a graceful shutdown, or the client left): answer what was found, nothing.
            if Task.isCancelled { return EventWatchPage(events: [], nextAfter: cursor) }
        }
    }

    /// The Server-Sent Events response: `id` (the sequence), `event` (the action) and `data` (the event's published
    /// envelope, ``EventEnvelope``) per event; a comment as heartbeat when nothing happened for a while.
    static func stream(
        _ watch: Watch,
        first: EventWatchPage,
        principal: Principal,
        _ service: RegistryService,
        _ changes: (any ChangeSignal)?
    ) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/event-stream",
            .cacheControl: "no-store",
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                let clock = ContinuousClock()
                let end = clock.now + streamLifetime
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                var page = first
                while true {
                    if page.events.isEmpty {
                        try await writer.write(ByteBuffer(string: ": heartbeat \(page.nextAfter)\n\n"))
                    } else {
                        try await writer.write(try frames(page.events))
                    }
                    let left = end - clock.now
                    if left <= .zero || Task.isCancelled || Task.isShuttingDownGracefully { break }
                    let after = page.nextAfter
                    page = try await cancelWhenGracefulShutdown {
                        try await nextPage(
                            watch,
                            after: after,
                            within: min(left, watch.heartbeat),
                            principal,
                            service,
                            changes
                        )
                    }
                    // Events read just as the shutdown began are still sent before the stream ends.
                    if Task.isShuttingDownGracefully, page.events.isEmpty { break }
                }
                try await writer.finish(nil)
            }
        )
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func frames(_ events: [AuditEvent]) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for event in events {
            let data = try encoder.encode(try EventEnvelope(event))
            buffer.writeString("id: \(event.sequence)\nevent: \(event.action)\ndata: ")
            buffer.writeBytes(data)
            buffer.writeString("\n\n")
        }
        return buffer
    }

    static func parse(_ request: Request) throws -> Watch {
        let query = request.uri.queryParameters
        let fromNow = query["after"] == "now"
        var after = fromNow ? 0 : try QueryValue.int(query["after"], name: "after")
        if after == nil, let resume = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let sequence = Int(resume), sequence >= 0 else {
                throw RegistryError(
                    .invalidArgument,
                    "Last-Event-ID must be the sequence of an event received; got '\(resume.prefix(40))'."
                )
            }
            after = sequence
        }
        let wait = try QueryValue.int(query["wait"], name: "wait") ?? 0
        guard (0...60).contains(wait) else { throw RegistryError(.invalidArgument, "Use wait from 0 to 60 seconds.") }
        let heartbeat = try QueryValue.int(query["heartbeat"], name: "heartbeat") ?? 15
        guard (1...60).contains(heartbeat) else {
            throw RegistryError(.invalidArgument, "Use heartbeat from 1 to 60 seconds.")
        }
        var stage: Stage?
        if let text = query["stage"] {
            guard let parsed = Stage(rawValue: String(text)) else {
                throw RegistryError(
                    .invalidArgument,
                    "Stage '\(text.prefix(40))' is not one of None, Staging, Production, Archived."
                )
            }
            stage = parsed
        }
        let filter = EventFilter(
            modelName: query["model"].map(String.init),
            actions: query[values: "action"].map(String.init),
            stage: stage,
            alias: query["alias"].map(String.init)
        )
        return Watch(
            filter: filter,
            after: Int64(after ?? 0),
            fromNow: fromNow,
            limit: try QueryValue.int(query["limit"], name: "limit") ?? 100,
            wait: .seconds(min(wait, maxWaitSeconds)),
            heartbeat: .seconds(heartbeat)
        )
    }

    /// The longest a long-poll holds a request, whatever `wait` asks (`CAIRN_EVENTS_MAX_WAIT`, default 60 s): kept
    /// under the idle time-outs of load balancers in front of the server.
    static let maxWaitSeconds: Int = {
        let configured = ProcessInfo.processInfo.environment["CAIRN_EVENTS_MAX_WAIT"].flatMap(Int.init)
        return min(max(configured ?? 60, 0), 60)
    }()
}
