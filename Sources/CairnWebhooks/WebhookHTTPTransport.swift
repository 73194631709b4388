import CairnCore
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sends webhook POSTs, signed the Standard Webhooks way (``WebhookSignature``), over a connection it makes itself so
/// that every safety rule holds where it matters (decision 0020):
/// - the host is resolved here and each address DNS answers is judged by the ``OutboundAddressPolicy``; the
///   connection goes to an address that passed, never to a name a second lookup could re-point (DNS rebinding);
/// - no redirect is followed (a 3xx is a failed attempt, its `Location` recorded);
/// - connecting, and the whole exchange, are bounded in time; at most ``DeliveryOutcome/excerptLimit`` bytes of the
///   response body are read, then the connection is closed;
/// - TLS verifies the certificate against the URL's host name (SNI included) with the system's trust roots.
public struct WebhookHTTPTransport: WebhookTransport {
    public var policy: OutboundAddressPolicy
    public var connectTimeout: Duration
    /// The whole attempt: resolving, connecting, sending and reading the answer.
    public var timeout: Duration
    let userAgent: String
    let tls: NIOSSLContext
    let group: any EventLoopGroup

    public init(
        policy: OutboundAddressPolicy,
        connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(15),
        userAgent: String = "Cairn-Webhooks",
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.policy = policy
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.userAgent = userAgent
        self.group = group
        self.tls = try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// A failed attempt, with what a receiver's owner needs to fix it.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    public func send(_ message: OutgoingWebhook) async -> DeliveryOutcome {
        let start = ContinuousClock.now
        do {
            let target = try Target(message.url)
            let address = try await admittedAddress(target)
            let budget = timeout
            let (status, excerpt, location) = try await withThrowingTaskGroup(
                of: (Int, String, String?)?.self
            ) { group in
                group.addTask { try await exchange(message, target, address) }
                group.addTask {
                    try await Task.sleep(for: budget)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                guard let first else {
                    throw Failure(description: "no answer within \(budget) (the receiver must answer in time)")
                }
                return first
            }
            var error: String?
            if (300..<400).contains(status) {
                error = "redirect not followed (Location: \(location?.prefix(200) ?? "none")); use the final URL"
            } else if !(200..<300).contains(status) {
                error = "HTTP \(status)"
            }
            return DeliveryOutcome(
                statusCode: status,
                latency: ContinuousClock.now - start,
                error: error,
                responseExcerpt: excerpt
            )
        } catch {
            return DeliveryOutcome(statusCode: nil, latency: ContinuousClock.now - start, error: Self.describe(error))
        }
    }

    /// The parts of the URL a connection needs.
    struct Target: Sendable {
        var secure: Bool
        var host: String
        var port: Int
        var requestTarget: String
        var hostHeader: String

        init(_ text: String) throws {
            guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
            else { throw Failure(description: "not an http or https URL") }
            secure = scheme == "https"
            self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            port = url.port ?? (secure ? 443 : 80)
            let path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
            requestTarget = path + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
            let shownHost = self.host.contains(":") ? "[\(self.host)]" : self.host
            hostHeader = url.port.map { "\(shownHost):\($0)" } ?? shownHost
        }
    }

    /// Resolves the host and returns the first address the policy admits; refuses when none does.
    func admittedAddress(_ target: Target) async throws -> SocketAddress {
        let candidates: [SocketAddress]
        if IPAddress(parsing: target.host) != nil {
            candidates = [try SocketAddress(ipAddress: target.host, port: target.port)]
        } else {
            let host = target.host
            let port = target.port
            candidates = try await NIOThreadPool.singleton.runIfActive { try Self.resolve(host, port: port) }
        }
        var reasons: [String] = []
        for candidate in candidates {
            guard let text = candidate.ipAddress, let address = IPAddress(parsing: text) else { continue }
            if let reason = policy.refusal(for: address) {
                reasons.append("\(text) is \(reason)")
            } else {
                return candidate
            }
        }
        throw Failure(
            description: "refused to connect: \(reasons.first ?? "no address") "
                + (policy.allowPrivate
                    ? "(never allowed)" : "(private and loopback receivers need cairn serve --webhook-allow-private)")
        )
    }

    /// Every address DNS gives for `host` (TCP), in its order.
    static func resolve(_ host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(
                description: "could not resolve \(host.prefix(100)) (\(String(cString: gai_strerror(status))))"
            )
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let raw = entry.pointee.ai_addr {
                switch entry.pointee.ai_family {
                case AF_INET:
                    let v4 = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                    addresses.append(SocketAddress(v4, host: host))
                case AF_INET6:
                    let v6 = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                    addresses.append(SocketAddress(v6, host: host))
                default:
                    break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// One POST on a fresh connection: the status, the start of the body, and any `Location`.
    func exchange(_ message: OutgoingWebhook, _ target: Target, _ address: SocketAddress) async throws
        -> (Int, String, String?)
    {
        let tls = target.secure ? self.tls : nil
        let serverName = IPAddress(parsing: target.host) == nil ? target.host : nil
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(connectTimeout.components.seconds * 1000))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let handler = try NIOSSLClientHandler(context: tls, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.requestTarget)
                head.headers.add(name: "Host", value: target.hostHeader)
                head.headers.add(name: "User-Agent", value: userAgent)
                head.headers.add(name: "Content-Type", value: "application/json")
                head.headers.add(name: "Content-Length", value: String(message.body.count))
                head.headers.add(name: "Connection", value: "close")
                for (name, value) in WebhookSignature.headers(for: message) {
                    head.headers.add(name: name, value: value)
                }
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: message.body))))
                try await outbound.write(.end(nil))
                var status: Int?
                var location: String?
                var excerpt = ByteBuffer()
                reading: for try await part in inbound {
                    switch part {
                    case .head(let response):
                        // 1xx interim answers (100 Continue) are not the answer.
                        if response.status.code >= 200 {
                            status = Int(response.status.code)
                            location = response.headers.first(name: "Location")
                        }
                    case .body(var chunk):
                        let room = DeliveryOutcome.excerptLimit - excerpt.readableBytes
                        if let slice = chunk.readSlice(length: min(room, chunk.readableBytes)) {
                            excerpt.writeImmutableBuffer(slice)
                        }
                        if excerpt.readableBytes >= DeliveryOutcome.excerptLimit { break reading }
                    case .end:
                        if status != nil { break reading }
                    }
                }
                guard let status else {
                    throw Failure(description: "the receiver closed the connection without answering")
                }
                return (status, String(decoding: excerpt.readableBytesView, as: UTF8.self), location)
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as Failure: return failure.description
        case ChannelError.connectTimeout(let after): return "connect timed out after \(after)"
        case let io as IOError where io.errnoCode == ECONNREFUSED: return "connection refused"
        case let io as IOError where io.errnoCode == ECONNRESET: return "connection reset by the receiver"
        case let tls as NIOSSLError: return "TLS failed: \(tls)"
        case is CancellationError: return "cancelled (the server was stopping)"
        default: return "\(error)".prefix(300).description
        }
    }
}

/// The signature schemes, both `v1,BASE64(HMAC-SHA256(key, "ID.TIMESTAMP.BODY"))` with the timestamp in Unix
/// seconds:
/// - Standard Webhooks (standardwebhooks.com): headers `webhook-id`, `webhook-timestamp`, `webhook-signature`; the
///   key is the base64 after `whsec_` (a secret an admin chose without that prefix is used as its UTF-8 bytes);
/// - MLflow's: headers `X-MLflow-Delivery-Id`, `X-MLflow-Timestamp`, `X-MLflow-Signature`; the key is the secret's
///   UTF-8 bytes, as MLflow's receivers verify it.
public enum WebhookSignature {
    public static func headers(for message: OutgoingWebhook) -> [(String, String)] {
        let timestamp = String(Int64(message.timestamp.timeIntervalSince1970))
        switch message.format {
        case .cairn:
            let signature = sign(
                id: message.messageID,
                timestamp: timestamp,
                body: message.body,
                key: key(message.secret)
            )
            return [
                ("webhook-id", message.messageID),
                ("webhook-timestamp", timestamp),
                ("webhook-signature", "v1," + signature),
            ]
        case .mlflow:
            let key = Array(message.secret.utf8)
            let signature = sign(id: message.messageID, timestamp: timestamp, body: message.body, key: key)
            return [
                ("X-MLflow-Delivery-Id", message.messageID),
                ("X-MLflow-Timestamp", timestamp),
                ("X-MLflow-Signature", "v1," + signature),
            ]
        }
    }

    /// Base64 of the HMAC-SHA256 of `ID.TIMESTAMP.BODY` under `key`.
    public static func sign(id: String, timestamp: String, body: [UInt8], key: [UInt8]) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content += body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return Data(mac).base64EncodedString()
    }

    /// The Standard Webhooks key of a secret.
    static func key(_ secret: String) -> [UInt8] {
        if secret.hasPrefix("whsec_"), let decoded = Data(base64Encoded: String(secret.dropFirst(6))) {
            return Array(decoded)
        }
        return Array(secret.utf8)
    }
}
