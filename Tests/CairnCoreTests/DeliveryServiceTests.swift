import CairnCore
import CairnTesting
import Foundation
import Synchronization
import Testing

/// A transport that records what it was given and answers what the test says.
final class RecordingTransport: WebhookTransport {
    private let state = Mutex<(sent: [OutgoingWebhook], answer: DeliveryOutcome)>(
        ([], DeliveryOutcome(statusCode: 204, latency: .milliseconds(3)))
    )
    var sent: [OutgoingWebhook] { state.withLock { $0.sent } }
    func answer(_ outcome: DeliveryOutcome) { state.withLock { $0.answer = outcome } }
    func send(_ message: OutgoingWebhook) async -> DeliveryOutcome {
        state.withLock { state in
            state.sent.append(message)
            return state.answer
        }
    }
}

@Suite("DeliveryService: webhooks and their outbox")
struct DeliveryServiceTests {
    let clock = ManualClock()
    let transport = RecordingTransport()
    let store = InMemoryMetadataStore()
    let service: RegistryService
    var delivery: DeliveryService { service.delivery }

    init() {
        service = makeService(
            store: store,
            clock: clock,
            delivery: DeliverySettings(
                retention: .seconds(3_600),
                disableAfter: .seconds(7_200),
                firstRetry: .seconds(10),
                maxRetryInterval: .seconds(600)
            ),
            transport: transport
        )
    }

    func hook(_ name: String = "ci", actions: [String] = [], pattern: String? = nil) async throws -> Webhook {
        let new = NewWebhook(
            name: name,
            url: "https://hooks.example.com/\(name)",
            actions: actions,
            modelPattern: pattern
        )
        return try await delivery.createWebhook(new, actor: alice).webhook
    }

    /// Schedules, claims and sends what is due once; returns the messages' bodies as JSON objects.
    @discardableResult
    func dispatch() async throws -> [[String: Any]] {
        try await delivery.scheduleDeliveries()
        let claimed = try await delivery.claimDueDeliveries()
        var bodies: [[String: Any]] = []
        for item in claimed {
            let outcome = await transport.send(item.message)
            try await delivery.complete(item, outcome)
            bodies.append(try JSONSerialization.jsonObject(with: Data(item.message.body)) as? [String: Any] ?? [:])
        }
        return bodies
    }

    @Test("a new webhook shows its secret once, stores it sealed, and records itself without secret or query")
    func creation() async throws {
        let new = NewWebhook(name: "ci", url: "https://hooks.example.com/in?token=abc", actions: ["transition"])
        let (webhook, secret) = try await delivery.createWebhook(new, actor: alice)
        #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
        let sealed = try #require(try await store.read { try await $0.webhookSecret(id: webhook.id) })
        #expect(!String(decoding: sealed, as: UTF8.self).contains(secret.dropFirst(6)))
        let event = try #require(try await service.allEvents().last)
        #expect(event.action == "webhook.created" && event.subject == "webhook/ci")
        #expect(!event.payload.contains("whsec_") && !event.payload.contains("token=abc"))
        #expect(event.payload.contains("https://hooks.example.com/in"))
        #expect(try await delivery.webhooks(actor: alice).map(\.name) == ["ci"])
        #expect(try await delivery.webhook(webhook.id, actor: alice) == webhook)
    }

    @Test("bad webhooks are refused with a message and change nothing")
    func refusals() async throws {
        let before = try await service.allEvents().count
        let bad: [NewWebhook] = [
            NewWebhook(name: "a", url: "ftp://hooks.example.com/x"),
            NewWebhook(name: "a", url: "https://user:pw@hooks.example.com/x"),
            NewWebhook(name: "a", url: "http://169.254.169.254/latest/meta-data"),
            NewWebhook(name: "a", url: "http://[::ffff:169.254.169.254]/"),
            NewWebhook(name: "a", url: "http://localhost:8080/"),
            NewWebhook(name: "a", url: "http://10.1.2.3/"),
            NewWebhook(name: "a", url: "http://metadata.google.internal/"),
            NewWebhook(name: "bad name", url: "https://hooks.example.com/x"),
            NewWebhook(name: "a", url: "https://hooks.example.com/x", actions: ["not an action"]),
            NewWebhook(name: "a", url: "https://hooks.example.com/x", modelPattern: "a/b*"),
            NewWebhook(name: "a", url: "https://hooks.example.com/x", secret: "short"),
        ]
        for new in bad {
            let error = await expectRegistryError(.invalidArgument) {
                try await delivery.createWebhook(new, actor: alice)
            }
            #expect(error?.message.isEmpty == false, "\(new)")
        }
        _ = try await hook("a")
        await expectRegistryError(.alreadyExists) { try await hook("a") }
        #expect(try await service.allEvents().count == before + 1)
    }

    @Test("events after creation that match the filter are delivered with links; others are not")
    func scheduling() async throws {
        _ = try await service.catalog.createModel(name: "fraud-a", actor: alice)
        _ = try await hook(actions: ["version", "transition"], pattern: "fraud-*")
        try await service.publishVersion(modelName: "fraud-a", files: ["w": bytes("1")], actor: alice)
        _ = try await service.catalog.createModel(name: "churn", actor: alice)
        try await service.publishVersion(modelName: "churn", files: ["w": bytes("2")], actor: alice)
        let bodies = try await dispatch()
        #expect(bodies.map { $0["type"] as? String } == ["version.created"], "one head per model per round")
        let all = try await dispatch() + dispatch() + dispatch()
        #expect(all.map { $0["type"] as? String } == ["version.file_uploaded", "version.finalized"])
        let links = try #require(bodies.first?["links"] as? [String: String])
        #expect(links["version"] == "/api/v1/models/fraud-a/versions/1")
        #expect(links["model_card"] == "/api/v1/models/fraud-a/versions/1/card")
        let data = try #require(bodies.first?["data"] as? [String: Any])
        #expect(data["schema"] as? String == "cairn.event/1" && data["subject"] as? String == "model/fraud-a/version/1")
        #expect(transport.sent.map(\.messageID).allSatisfy { $0.hasPrefix("evt_") })
        #expect(try await dispatch().isEmpty)
    }

    @Test("one model's events go out in order; another model's do not wait for them")
    func orderPerModel() async throws {
        _ = try await hook(actions: ["model"])
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        _ = try await service.catalog.createModel(name: "b", actor: alice)
        _ = try await service.catalog.setModelTag(name: "a", key: "k", value: "1", actor: alice)
        transport.answer(DeliveryOutcome(statusCode: 503, latency: .milliseconds(1), responseExcerpt: "busy"))
        let first = try await dispatch()
        #expect(first.compactMap { ($0["data"] as? [String: Any])?["subject"] as? String } == ["model/a", "model/b"])
        // a's second event waits behind its first, which is waiting to be retried.
        #expect(try await dispatch().isEmpty)
        clock.advance(by: 11)
        transport.answer(DeliveryOutcome(statusCode: 200, latency: .milliseconds(1)))
        let retried = try await dispatch()
        #expect(retried.map { $0["type"] as? String } == ["model.created", "model.created"])
        #expect(try await dispatch().map { $0["type"] as? String } == ["model.tag_set"])
        let deliveries = try await delivery.deliveries(webhook: "ci", actor: alice)
        #expect(deliveries.allSatisfy { $0.state == .delivered })
        let a = try #require(deliveries.first { $0.attempts == 2 })
        let attempts = try await delivery.delivery(id: a.id, actor: alice).attempts
        #expect(attempts.map(\.statusCode) == [503, 200])
        #expect(attempts.first?.responseExcerpt == "busy" && attempts.first?.latencyMilliseconds == 1)
    }

    @Test("failures back off exponentially with jitter, give up after the retention, and disable the webhook")
    func retriesAndDisabling() async throws {
        _ = try await hook(actions: ["model"])
        transport.answer(DeliveryOutcome(statusCode: nil, latency: .seconds(1), error: "connection refused"))
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        try await dispatch()
        var waits: [TimeInterval] = []
        for _ in 0..<5 {
            let pending = try #require(try await delivery.deliveries(webhook: "ci", actor: alice).first)
            let wait = pending.nextAttemptAt.timeIntervalSince(clock.now())
            waits.append(wait)
            clock.set(pending.nextAttemptAt)
            try await dispatch()
        }
        // 10, 20, 40, 80, 160 s, each with up to half taken off.
        for (index, wait) in waits.enumerated() {
            let full = 10 * pow(2, Double(index))
            #expect(wait >= full / 2 - 0.01 && wait <= full + 0.01, "wait \(index + 1) was \(wait) s")
        }
        clock.advance(by: 3_600)
        try await dispatch()
        let given = try #require(try await delivery.deliveries(webhook: "ci", actor: alice).first)
        #expect(given.state == .failed && given.lastError == "connection refused")
        // Still failing after disableAfter: disabled, with the reason, recorded as the system's act.
        _ = try await service.catalog.createModel(name: "b", actor: alice)
        clock.advance(by: 3_600)
        try await dispatch()
        let disabled = try await delivery.webhook("ci", actor: alice)
        #expect(!disabled.enabled && disabled.disabledReason?.contains("connection refused") == true)
        let event = try #require(try await service.allEvents().last { $0.action == "webhook.disabled" })
        #expect(event.actor == Principal.system.name)
        // Nothing is sent while disabled; enabling clears the reason and sends what waited.
        _ = try await service.catalog.createModel(name: "c", actor: alice)
        let sentBefore = transport.sent.count
        try await dispatch()
        #expect(transport.sent.count == sentBefore)
        transport.answer(DeliveryOutcome(statusCode: 200, latency: .zero))
        let enabled = try await delivery.updateWebhook("ci", WebhookChanges(enabled: true), actor: alice).webhook
        #expect(enabled.enabled && enabled.disabledReason == nil && enabled.failingSince == nil)
        clock.advance(by: 700)
        let sent = try await dispatch() + dispatch()
        #expect(
            Set(sent.compactMap { ($0["data"] as? [String: Any])?["subject"] as? String }) == ["model/b", "model/c"]
        )
    }

    @Test("an MLflow-format webhook gets MLflow's events and payloads; a version is created when it is sealed")
    func mlflowFormat() async throws {
        let new = NewWebhook(
            name: "ml",
            url: "https://hooks.example.com/ml",
            actions: ["model_version.created", "model_version_tag.set"],
            secret: "your-secret-key",
            format: .mlflow
        )
        _ = try await delivery.createWebhook(new, actor: alice)
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        try await service.publishVersion(modelName: "fraud", files: ["w": bytes("1")], actor: alice)
        _ = try await service.catalog.setVersionTag(modelName: "fraud", number: 1, key: "k", value: "v", actor: alice)
        let bodies = try await dispatch() + dispatch() + dispatch()
        #expect(
            bodies.map { "\($0["entity"] ?? "").\($0["action"] ?? "")" } == [
                "model_version.created", "model_version_tag.set",
            ]
        )
        let data = try #require(bodies.first?["data"] as? [String: Any])
        #expect(data["name"] as? String == "fraud" && data["version"] as? String == "1")
        #expect(
            bodies.last?["data"] as? [String: String] == ["name": "fraud", "version": "1", "key": "k", "value": "v"]
        )
        #expect(transport.sent.allSatisfy { $0.format == .mlflow && $0.secret == "your-secret-key" })
        await expectRegistryError(.invalidArgument) {
            try await delivery.createWebhook(
                NewWebhook(name: "p", url: "https://hooks.example.com/p", actions: ["prompt.created"], format: .mlflow),
                actor: alice
            )
        }
        await expectRegistryError(.invalidArgument) {
            try await delivery.createWebhook(
                NewWebhook(name: "e", url: "https://hooks.example.com/e", actions: [], format: .mlflow),
                actor: alice
            )
        }
    }

    @Test("a host's deployment report is recorded as an event when its version changes, and listed per model")
    func deployments() async throws {
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        try await service.publishVersion(modelName: "fraud", files: ["w": bytes("1")], actor: alice)
        try await service.publishVersion(modelName: "fraud", files: ["w": bytes("2")], actor: alice)
        let viewer = Principal.testUser("serve-bot", Grant(.viewer, .model("fraud")))
        func report(_ host: String, _ number: Int) async throws -> Deployment {
            try await delivery.reportDeployment(
                modelName: "fraud",
                host: host,
                number: number,
                reference: "Production",
                directory: "/srv/fraud",
                actor: viewer
            )
        }
        let before = try await service.allEvents().count
        _ = try await report("serve-1", 1)
        _ = try await report("serve-1", 1)
        _ = try await report("serve-2", 1)
        _ = try await report("serve-1", 2)
        let synced = try await service.allEvents().dropFirst(before)
        #expect(synced.map(\.action) == ["deployment.synced", "deployment.synced", "deployment.synced"])
        #expect(synced.last?.subject == "model/fraud/deployment/serve-1")
        #expect(synced.last?.payload.contains("\"previous_version\":1") == true)
        let listed = try await delivery.deployments(modelName: "fraud", actor: viewer)
        #expect(listed.map { "\($0.host)=\($0.version)" } == ["serve-1=2", "serve-2=1"])
        #expect(listed.allSatisfy { $0.modelName == "fraud" && $0.reportedBy == "serve-bot" })
        await expectRegistryError(.notFound) { try await report("serve-1", 9) }
        await expectRegistryError(.invalidArgument) { try await report("bad host", 1) }
    }

    @Test("an idle outbox writes nothing: a dispatcher pass with nothing to send takes no write lock")
    func idleWritesNothing() async throws {
        let counted = ChangeCountingStore(InMemoryMetadataStore())
        let idle = makeService(store: counted, clock: clock, transport: transport)
        _ = try await idle.delivery.createWebhook(
            NewWebhook(name: "ci", url: "https://hooks.example.com/ci"),
            actor: alice
        )
        let before = counted.generation
        for _ in 0..<3 {
            try await idle.delivery.scheduleDeliveries()
            #expect(try await idle.delivery.claimDueDeliveries().isEmpty)
        }
        #expect(counted.generation == before, "an idle dispatcher would wake every watcher and itself, forever")
    }

    @Test("ended deliveries are pruned after the retention period; pending ones never are")
    func pruning() async throws {
        _ = try await hook(actions: ["model"])
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        try await dispatch()
        transport.answer(DeliveryOutcome(statusCode: 500, latency: .zero))
        _ = try await service.catalog.createModel(name: "b", actor: alice)
        try await dispatch()
        #expect(try await delivery.pruneDeliveries() == 0, "nothing is older than the retention yet")
        clock.advance(by: 3_601)
        #expect(try await delivery.pruneDeliveries(batchSize: 1) == 1, "the delivered one; b's is still pending")
        let left = try await delivery.deliveries(webhook: "ci", actor: alice)
        #expect(left.map(\.state) == [.pending])
    }

    @Test("a claimed delivery is leased: no second dispatcher takes it until the lease ends")
    func leases() async throws {
        _ = try await hook()
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        try await delivery.scheduleDeliveries()
        #expect(try await delivery.claimDueDeliveries().count == 1)
        #expect(try await delivery.claimDueDeliveries().isEmpty)
        clock.advance(by: 31)
        let again = try await delivery.claimDueDeliveries()
        #expect(again.count == 1)
        // The busy webhook is left out, so its deliveries are never sent twice at once by one dispatcher.
        clock.advance(by: 31)
        #expect(try await delivery.claimDueDeliveries(excluding: [again[0].webhook.id]).isEmpty)
    }

    @Test("redelivery schedules the same message again; a test ping is sent and recorded at once")
    func redeliveryAndPing() async throws {
        _ = try await hook(actions: ["model"])
        _ = try await service.catalog.createModel(name: "a", actor: alice)
        try await dispatch()
        let original = try #require(try await delivery.deliveries(webhook: "ci", actor: alice).first)
        let again = try await delivery.redeliver(deliveryID: original.id, actor: alice)
        #expect(again.messageID == original.messageID && again.state == .pending && again.id != original.id)
        let bodies = try await dispatch()
        #expect(bodies.map { $0["type"] as? String } == ["model.created"])
        #expect(transport.sent.map(\.messageID) == [original.messageID, original.messageID])
        let ping = try await delivery.testWebhook("ci", actor: alice)
        #expect(ping.delivery.state == .delivered && ping.attempt.statusCode == 204)
        let body =
            try JSONSerialization.jsonObject(with: Data(try #require(transport.sent.last).body)) as? [String: Any]
        #expect(body?["type"] as? String == "webhook.test")
        #expect(try await dispatch().isEmpty, "a ping is not scheduled again")
        // Rotating the secret changes what signs the next message.
        let rotated = try await delivery.updateWebhook("ci", WebhookChanges(rotateSecret: true), actor: alice)
        _ = try await delivery.testWebhook("ci", actor: alice)
        #expect(transport.sent.last?.secret == rotated.secret)
        try await delivery.deleteWebhook("ci", actor: alice)
        await expectRegistryError(.notFound) { try await delivery.webhook("ci", actor: alice) }
        await expectRegistryError(.notFound) { try await delivery.delivery(id: original.id, actor: alice) }
    }
}
