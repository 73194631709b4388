import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A minimal HTTP server on a free loopback port that answers from a fixed table, to play a hostile or broken
/// Cairn server. It records every request target it receives.
final class FakeServer: Sendable {
    /// A canned answer.
    struct Answer: Sendable {
        var status: HTTPResponseStatus = .ok
        var contentType = "application/json"
        var body: [UInt8]
    }

    let url: String
    private let channel: any Channel
    private let log: RequestLog

    /// Request targets (path and query, percent-encoded) received so far.
    var requests: [String] { log.targets.withLock { $0 } }

    /// The `Authorization` header of each request received so far (`nil` when absent), in order.
    var authorizations: [String?] { log.authorizations.withLock { $0 } }

    /// Starts a server; `answer` maps a request target (path only, still percent-encoded) to its answer, 404 if nil.
    static func start(_ answer: @escaping @Sendable (String) -> Answer?) async throws -> FakeServer {
        let log = RequestLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(answer: answer, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress?.port ?? 0
        return FakeServer(url: "http://127.0.0.1:\(port)", channel: channel, log: log)
    }

    private init(url: String, channel: any Channel, log: RequestLog) {
        self.url = url
        self.channel = channel
        self.log = log
    }

    /// Runs `body` with a server, closing it afterwards whatever happens.
    static func with<R>(
        _ answer: @escaping @Sendable (String) -> Answer?,
        _ body: (FakeServer) async throws -> R
    ) async throws -> R {
        let server = try await start(answer)
        do {
            let result = try await body(server)
            try? await server.channel.close()
            return result
        } catch {
            try? await server.channel.close()
            throw error
        }
    }

    final class RequestLog: Sendable {
        let targets = Mutex<[String]>([])
        let authorizations = Mutex<[String?]>([])
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let answer: @Sendable (String) -> Answer?
        let log: RequestLog
        var target = ""

        init(answer: @escaping @Sendable (String) -> Answer?, log: RequestLog) {
            self.answer = answer
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                target = head.uri
                log.targets.withLock { $0.append(head.uri) }
                log.authorizations.withLock { $0.append(head.headers.first(name: "Authorization")) }
            case .body:
                break
            case .end:
                let path = String(target.split(separator: "?", maxSplits: 1).first ?? "")
                let reply =
                    answer(path)
                    ?? Answer(
                        status: .notFound,
                        body: Array(#"{"code":"NOT_FOUND","message":"no such route"}"#.utf8)
                    )
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: reply.contentType)
                headers.add(name: "Content-Length", value: String(reply.body.count))
                let head = HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
