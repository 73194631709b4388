import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook receiver on a loopback port: records every request (headers and body) and answers as told, after an
/// optional delay. It can be stopped and started again on the same port, to play a receiver that was down.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var target: String
        var headers: [String: String]
        var body: [UInt8]
        var at: ContinuousClock.Instant

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var type: String? { json["type"] as? String }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
        var sequence: Int64? { (data["sequence"] as? NSNumber)?.int64Value }
        var subject: String? { data["subject"] as? String }
    }

    struct Behaviour: Sendable {
        var status: HTTPResponseStatus = .ok
        var delay: Duration = .zero
        var headers: [(String, String)] = []
    }

    let port: Int
    private let state = Mutex<(received: [Received], behaviour: Behaviour, channel: (any Channel)?)>(
        ([], Behaviour(), nil)
    )

    var received: [Received] { state.withLock { $0.received } }
    var url: String { "http://127.0.0.1:\(port)/hooks/cairn" }

    func behave(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    private init(port: Int) { self.port = port }

    /// A receiver on a free port, not yet listening.
    static func reserve() async throws -> WebhookReceiver {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress?.port ?? 0
        try await probe.close()
        return WebhookReceiver(port: port)
    }

    /// Starts listening (again).
    func start() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(receiver: self))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        state.withLock { $0.channel = channel }
    }

    func stop() async {
        let channel = state.withLock { state in
            defer { state.channel = nil }
            return state.channel
        }
        try? await channel?.close()
    }

    fileprivate func record(_ request: Received) -> Behaviour {
        state.withLock { state in
            state.received.append(request)
            return state.behaviour
        }
    }

    /// Checks a request's Standard Webhooks signature with `secret`, as a receiver would: HMAC-SHA256 over
    /// `id.timestamp.body` with the key after `whsec_`, compared with every `v1,` signature in the header.
    static func verify(_ request: Received, secret: String) -> Bool {
        guard let id = request.headers["webhook-id"], let timestamp = request.headers["webhook-timestamp"],
            let header = request.headers["webhook-signature"],
            let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count)))
        else { return false }
        let signed = Data("\(id).\(timestamp).".utf8) + Data(request.body)
        let expected = Data(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key)))
        return header.split(separator: " ").contains { candidate in
            candidate.hasPrefix("v1,") && Data(base64Encoded: String(candidate.dropFirst(3))) == expected
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let receiver: WebhookReceiver
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(receiver: WebhookReceiver) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(let chunk):
                body += chunk.readableBytesView
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let behaviour = receiver.record(
                    Received(target: head.uri, headers: headers, body: body, at: .now)
                )
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let answer = {
                    let (handler, context) = loopBound.value
                    var response = HTTPResponseHead(version: .http1_1, status: behaviour.status)
                    response.headers.add(name: "Content-Length", value: "2")
                    for (name, value) in behaviour.headers { response.headers.add(name: name, value: value) }
                    context.write(handler.wrapOutboundOut(.head(response)), promise: nil)
                    context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
                    context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                }
                if behaviour.delay > .zero {
                    let (seconds, attoseconds) = behaviour.delay.components
                    let nanos = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
                    context.eventLoop.scheduleTask(in: .nanoseconds(nanos)) { answer() }
                } else {
                    answer()
                }
            }
        }
    }
}
