import CairnClient
import CairnCore
import CairnWebhooks
import CairnWire
import Foundation
import NIOHTTP1
import Testing

@Suite("cairn serve: webhook deliveries to real receivers", .serialized)
struct WebhookDeliveryTests {
    /// Loopback receivers need the switch; retries start fast so a test sees several.
    static let arguments = ["--webhook-allow-private", "--webhook-first-retry", "0.2", "--webhook-timeout", "2"]

    static func client(_ server: KillableServer, _ data: TempDirectory) throws -> CairnClient {
        let token = try String(contentsOf: data.url.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return CairnClient(baseURL: server.url, token: token)
    }

    /// Polls an asynchronous condition until it holds or `seconds` pass.
    static func soon(_ seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// The model each event delivered was about, with its sequence, in arrival order.
    static func byModel(_ received: [WebhookReceiver.Received]) -> [String: [Int64]] {
        var byModel: [String: [Int64]] = [:]
        for request in received {
            guard let subject = request.subject, let sequence = request.sequence else { continue }
            let model = subject.split(separator: "/").dropFirst().first.map(String.init) ?? subject
            byModel[model, default: []].append(sequence)
        }
        return byModel
    }

    @Test("a receiver down for a while, then up, gets every event, in order per model, signed; attempts are recorded")
    func receiverDownThenUp() async throws {
        let data = try TempDirectory()
        let server = try await KillableServer.start(data: data.url, arguments: Self.arguments)
        defer { _ = server.terminate() }
        let client = try Self.client(server, data)
        let receiver = try await WebhookReceiver.reserve()
        let created = try await client.createWebhook(
            CreateWebhookRequest(name: "ci", url: receiver.url, actions: ["model"])
        )
        let secret = try #require(created.secret)
        for name in ["a", "b"] { _ = try await client.createModel(name: name) }
        for round in 1...3 {
            for name in ["a", "b"] { _ = try await client.setModelTag(name, key: "round", value: "\(round)") }
        }
        // Down: every attempt is refused for a while; then up.
        try await Task.sleep(for: .seconds(1.5))
        let refused = try await client.deliveries(webhook: "ci").deliveries
        #expect(refused.count == 8 && refused.allSatisfy { $0.state == "pending" })
        #expect(refused.contains { $0.attempts >= 2 && $0.lastError == "connection refused" })
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        #expect(try await CrashRecoveryTests.eventually(30) { receiver.received.count >= 8 })
        let received = receiver.received
        #expect(received.count == 8, "each event once: \(received.map(\.sequence))")
        let order = Self.byModel(received)
        #expect(order["a"]?.count == 4 && order["b"]?.count == 4)
        for (model, sequences) in order { #expect(sequences == sequences.sorted(), "order of \(model)") }
        #expect(received.allSatisfy { WebhookReceiver.verify($0, secret: secret) }, "every signature verifies")
        #expect(
            !received.contains { WebhookReceiver.verify($0, secret: "whsec_" + Data(count: 32).base64EncodedString()) }
        )
        #expect(Set(received.compactMap { $0.headers["webhook-id"] }).count == 8)
        #expect(received.allSatisfy { $0.headers["content-type"] == "application/json" && $0.target == "/hooks/cairn" })
        let deliveries = try await client.deliveries(webhook: "ci").deliveries
        #expect(
            try await Self.soon {
                (try? await client.deliveries(webhook: "ci").deliveries.allSatisfy { $0.state == "delivered" }) == true
            }
        )
        let retried = try #require(deliveries.max { $0.attempts < $1.attempts })
        let log = try #require(try await client.delivery(retried.id).attemptLog)
        #expect(log.count >= 2 && log.first?.error == "connection refused" && log.first?.statusCode == nil)
        #expect(log.last?.statusCode == 200 && log.last?.responseExcerpt == "ok")
        // A test ping and a redelivery by hand.
        let ping = try await client.testWebhook("ci")
        #expect(ping.state == "delivered" && ping.attemptLog?.first?.statusCode == 200)
        #expect(receiver.received.last?.type == "webhook.test")
        let again = try await client.redeliver(retried.id)
        #expect(try await CrashRecoveryTests.eventually { receiver.received.count == 10 })
        #expect(receiver.received.last?.headers["webhook-id"] == again.messageId)
    }

    @Test("deliveries pending when the server is killed are delivered after restart: none lost, none twice")
    func survivesKill() async throws {
        let data = try TempDirectory()
        let first = try await KillableServer.start(data: data.url, arguments: Self.arguments)
        let port = first.port
        let client = try Self.client(first, data)
        let receiver = try await WebhookReceiver.reserve()
        try await receiver.start()
        _ = try await client.createWebhook(CreateWebhookRequest(name: "ci", url: receiver.url, actions: ["model"]))
        _ = try await client.createModel(name: "early")
        #expect(try await CrashRecoveryTests.eventually { receiver.received.count == 1 })
        await receiver.stop()
        for name in ["a", "b", "c"] { _ = try await client.createModel(name: name) }
        try await Task.sleep(for: .milliseconds(500))
        first.killHard()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        let second = try await KillableServer.start(
            data: data.url,
            arguments: Self.arguments + ["--port", String(port)]
        )
        defer { _ = second.terminate() }
        #expect(try await CrashRecoveryTests.eventually(40) { receiver.received.count >= 4 })
        try await Task.sleep(for: .seconds(1))
        let subjects = receiver.received.compactMap(\.subject)
        #expect(Set(subjects) == ["model/early", "model/a", "model/b", "model/c"])
        #expect(subjects.count == 4, "the delivery answered 2xx before the kill is not sent again: \(subjects)")
    }

    @Test("a slow receiver times out without delaying another webhook; a redirect is not followed")
    func slowAndRedirecting() async throws {
        let data = try TempDirectory()
        let server = try await KillableServer.start(data: data.url, arguments: Self.arguments)
        defer { _ = server.terminate() }
        let client = try Self.client(server, data)
        let slow = try await WebhookReceiver.reserve()
        slow.behave(.init(status: .ok, delay: .seconds(10)))
        try await slow.start()
        let fast = try await WebhookReceiver.reserve()
        try await fast.start()
        let redirecting = try await WebhookReceiver.reserve()
        redirecting.behave(.init(status: .found, headers: [("Location", "http://169.254.169.254/latest/meta-data")]))
        try await redirecting.start()
        defer {
            Task {
                await slow.stop()
                await fast.stop()
                await redirecting.stop()
            }
        }
        for (name, receiver) in [("slow", slow), ("fast", fast), ("redirecting", redirecting)] {
            _ = try await client.createWebhook(CreateWebhookRequest(name: name, url: receiver.url, actions: ["model"]))
        }
        _ = try await client.createModel(name: "fraud")
        let committed = ContinuousClock.now
        #expect(try await CrashRecoveryTests.eventually(5) { fast.received.count == 1 })
        let fastLatency = (fast.received.first?.at ?? .now) - committed
        #expect(fastLatency < .seconds(1), "the fast receiver waited \(fastLatency) behind the slow one")
        #expect(
            try await Self.soon(10) {
                let slowOne = try? await client.deliveries(webhook: "slow").deliveries.first
                return slowOne?.lastError?.contains("no answer within") == true
            }
        )
        #expect(
            try await Self.soon(5) {
                let redirected = try? await client.deliveries(webhook: "redirecting").deliveries.first
                return redirected?.lastStatusCode == 302
                    && redirected?.lastError?.contains("redirect not followed") == true
            }
        )
        #expect(redirecting.received.count >= 1)
    }

    @Test("SSRF targets are refused: at creation, and at connect time after DNS, redirects never followed")
    func ssrfRefused() async throws {
        let data = try TempDirectory()
        // Without the switch: loopback and private receivers are refused too.
        let server = try await KillableServer.start(data: data.url)
        defer { _ = server.terminate() }
        let client = try Self.client(server, data)
        for url in [
            "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://127.0.0.1:9/",
            "http://10.0.0.5/", "http://192.168.1.10/", "http://localhost:8080/", "http://metadata.google.internal/",
            "http://0x7f000001/", "http://[::ffff:127.0.0.1]/", "file:///etc/passwd",
        ] {
            do {
                _ = try await client.createWebhook(CreateWebhookRequest(name: "x", url: url))
                Issue.record("\(url) was accepted")
            } catch let error as CairnClientError {
                #expect(error.status == 400, "\(url): \(error)")
            }
        }
        #expect(try await client.webhooks().webhooks.isEmpty)
        // At connect time, after DNS: a name that resolves to loopback is refused, and nothing is sent.
        let receiver = try await WebhookReceiver.reserve()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        let strict = try WebhookHTTPTransport(policy: OutboundAddressPolicy(allowPrivate: false))
        let message = OutgoingWebhook(
            url: "http://localhost:\(receiver.port)/hooks",
            messageID: "evt_1",
            timestamp: Date(),
            body: Array("{}".utf8),
            secret: "whsec_" + Data(count: 32).base64EncodedString()
        )
        let outcome = await strict.send(message)
        #expect(outcome.statusCode == nil && outcome.error?.contains("refused to connect") == true, "\(outcome)")
        #expect(outcome.error?.contains("loopback") == true)
        // With the switch, loopback is reached, but link-local and metadata addresses never are.
        let loose = try WebhookHTTPTransport(policy: OutboundAddressPolicy(allowPrivate: true))
        #expect(await loose.send(message).statusCode == 200)
        var metadata = message
        metadata.url = "http://169.254.169.254/latest/meta-data"
        #expect(await loose.send(metadata).error?.contains("link-local") == true)
        #expect(receiver.received.count == 1)
    }
}
