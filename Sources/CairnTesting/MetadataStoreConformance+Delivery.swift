import CairnCore
import Foundation
import Testing

extension MetadataStoreConformance {
    static func webhook(_ name: String, enabled: Bool = true, cursor: Int64 = 0) -> Webhook {
        Webhook(
            id: "w-\(name)",
            name: name,
            url: "https://hooks.example.com/\(name)",
            description: "to \(name)",
            actions: ["model", "version.stage_changed"],
            modelPattern: "fraud-*",
            enabled: enabled,
            cursor: cursor,
            createdAt: at(1),
            createdBy: "alice"
        )
    }

    static func delivery(
        _ id: String,
        webhook: String = "w-ci",
        sequence: Int64,
        key: String = "m1",
        due: Int64 = 10,
        state: WebhookDelivery.State = .pending
    ) -> WebhookDelivery {
        WebhookDelivery(
            id: id,
            webhookID: webhook,
            sequence: sequence,
            messageID: "evt_\(sequence)",
            orderKey: key,
            state: state,
            createdAt: at(5),
            nextAttemptAt: at(due)
        )
    }

    static let deliveryCases: [MetadataStoreConformanceCase] = [
        .init("a deployment is one row per model and host, replaced by each report, gone with its model") { store in
            try await store.write { try await $0.insertModel(model("fraud")) }
            @Sendable func report(_ host: String, _ version: Int, at ms: Int64) -> Deployment {
                Deployment(
                    modelID: "m-fraud",
                    modelName: "",
                    host: host,
                    version: version,
                    reference: "Production",
                    directory: "/srv/\(host)",
                    syncedAt: at(ms),
                    reportedBy: "agent"
                )
            }
            for item in [report("b-host", 1, at: 5), report("a-host", 2, at: 6), report("b-host", 3, at: 7)] {
                try await store.write { try await $0.putDeployment(item) }
            }
            let listed = try await store.read { try await $0.deployments(modelID: "m-fraud") }
            #expect(listed == [report("a-host", 2, at: 6), report("b-host", 3, at: 7)])
            #expect(try await store.read { try await $0.deployment(modelID: "m-fraud", host: "b-host") }?.version == 3)
            await expectCode(.notFound) {
                try await store.write {
                    var ghost = report("x", 1, at: 1)
                    ghost.modelID = "m-ghost"
                    try await $0.putDeployment(ghost)
                }
            }
            try await store.write { try await $0.deleteModel(id: "m-fraud") }
            #expect(try await store.read { try await $0.deployments(modelID: "m-fraud") }.isEmpty)
        },
        .init("a webhook reads back by id and exact name with its sealed secret; names are taken once") { store in
            var ci = webhook("ci")
            try await store.write { [ci] in try await $0.insertWebhook(ci, sealedSecret: [1, 2, 3]) }
            var audit = webhook("audit", enabled: false)
            audit.format = .mlflow
            try await store.write { [audit] in try await $0.insertWebhook(audit, sealedSecret: [9]) }
            #expect(try await store.read { try await $0.webhook(named: "audit") } == audit)
            #expect(try await store.read { try await $0.webhook(id: "w-ci") } == ci)
            #expect(try await store.read { try await $0.webhook(named: "ci") } == ci)
            #expect(try await store.read { try await $0.webhook(named: "CI") } == nil)
            #expect(try await store.read { try await $0.webhooks() }.map(\.name) == ["audit", "ci"])
            #expect(try await store.read { try await $0.webhookSecret(id: "w-ci") } == [1, 2, 3])
            await expectCode(.alreadyExists) {
                try await store.write { try await $0.insertWebhook(webhook("ci"), sealedSecret: []) }
            }
            ci.cursor = 42
            ci.enabled = false
            ci.disabledReason = "kept failing"
            ci.failingSince = at(30)
            ci.modelPattern = nil
            ci.actions = []
            ci.updatedAt = at(40)
            try await store.write { [ci] in try await $0.updateWebhook(ci) }
            try await store.write { try await $0.replaceWebhookSecret(id: "w-ci", sealedSecret: [7]) }
            #expect(try await store.read { try await $0.webhook(id: "w-ci") } == ci)
            #expect(try await store.read { try await $0.webhookSecret(id: "w-ci") } == [7])
            await expectCode(.notFound) { try await store.write { try await $0.updateWebhook(webhook("ghost")) } }
            await expectCode(.notFound) {
                try await store.write { try await $0.replaceWebhookSecret(id: "w-ghost", sealedSecret: []) }
            }
        },
        .init("deliveries and their attempts read back; deleting a webhook deletes them") { store in
            try await store.write { try await $0.insertWebhook(webhook("ci"), sealedSecret: [1]) }
            var first = delivery("d1", sequence: 3)
            try await store.write { [first] in try await $0.insertDelivery(first) }
            try await store.write { try await $0.insertDelivery(delivery("d2", sequence: 4)) }
            await expectCode(.alreadyExists) { try await store.write { [first] in try await $0.insertDelivery(first) } }
            await expectCode(.notFound) {
                try await store.write { try await $0.insertDelivery(delivery("d9", webhook: "w-ghost", sequence: 1)) }
            }
            let attempt = DeliveryAttempt(
                deliveryID: "d1",
                number: 1,
                at: at(11),
                statusCode: 503,
                latencyMilliseconds: 12,
                error: nil,
                responseExcerpt: "busy"
            )
            let refused = DeliveryAttempt(
                deliveryID: "d1",
                number: 2,
                at: at(12),
                statusCode: nil,
                latencyMilliseconds: 1,
                error: "connection refused",
                responseExcerpt: ""
            )
            try await store.write { try await $0.appendAttempt(attempt) }
            try await store.write { try await $0.appendAttempt(refused) }
            await expectCode(.alreadyExists) { try await store.write { try await $0.appendAttempt(attempt) } }
            first.attempts = 2
            first.lastAttemptAt = at(12)
            first.lastError = "connection refused"
            first.nextAttemptAt = at(50)
            first.leaseUntil = at(20)
            first.body = Array(#"{"entity":"model_version","action":"created"}"#.utf8)
            try await store.write { [first] in try await $0.updateDelivery(first) }
            #expect(try await store.read { try await $0.delivery(id: "d1") } == first)
            #expect(try await store.read { try await $0.attempts(deliveryID: "d1") } == [attempt, refused])
            #expect(try await store.read { try await $0.deliveries(webhookID: "w-ci", limit: 10) }.count == 2)
            await expectCode(.notFound) {
                try await store.write { try await $0.updateDelivery(delivery("ghost", sequence: 1)) }
            }
            try await store.write { try await $0.deleteWebhook(id: "w-ci") }
            #expect(try await store.read { try await $0.delivery(id: "d1") } == nil)
            #expect(try await store.read { try await $0.attempts(deliveryID: "d1") }.isEmpty)
            #expect(try await store.read { try await $0.webhook(id: "w-ci") } == nil)
        },
        .init("pruning deletes ended deliveries created before a time, with their attempts; never pending ones") {
            store in
            try await store.write { try await $0.insertWebhook(webhook("ci"), sealedSecret: [1]) }
            let rows = [
                delivery("old-done", sequence: 1, state: .delivered),
                delivery("old-failed", sequence: 2, state: .failed),
                delivery("old-pending", sequence: 3),
            ]
            for row in rows { try await store.write { try await $0.insertDelivery(row) } }
            var recent = delivery("new-done", sequence: 4, state: .delivered)
            recent.createdAt = at(100)
            try await store.write { [recent] in try await $0.insertDelivery(recent) }
            let attempt = DeliveryAttempt(
                deliveryID: "old-done",
                number: 1,
                at: at(6),
                statusCode: 200,
                latencyMilliseconds: 1,
                error: nil,
                responseExcerpt: ""
            )
            try await store.write { try await $0.appendAttempt(attempt) }
            #expect(
                try await store.write { try await $0.deleteFinishedDeliveries(createdBefore: at(50), limit: 1) } == 1
            )
            #expect(
                try await store.write { try await $0.deleteFinishedDeliveries(createdBefore: at(50), limit: 10) } == 1
            )
            let left = try await store.read { try await $0.deliveries(webhookID: "w-ci", limit: 10) }.map(\.id)
            #expect(Set(left) == ["old-pending", "new-done"])
            #expect(try await store.read { try await $0.attempts(deliveryID: "old-done") }.isEmpty)
        },
        .init("due deliveries are the first pending one per webhook and key, due, unleased, of enabled webhooks") {
            store in
            try await store.write { try await $0.insertWebhook(webhook("ci"), sealedSecret: [1]) }
            try await store.write { try await $0.insertWebhook(webhook("off", enabled: false), sealedSecret: [1]) }
            let rows = [
                delivery("a-done", sequence: 1, state: .delivered),
                delivery("a-2", sequence: 2),
                delivery("a-3", sequence: 3),
                delivery("b-5", sequence: 5, key: "m2", due: 500),
                delivery("c-6", sequence: 6, key: "m3"),
                delivery("x-4", webhook: "w-off", sequence: 4),
            ]
            for row in rows { try await store.write { try await $0.insertDelivery(row) } }
            func due(_ ms: Int64) async throws -> [String] {
                try await store.read { try await $0.dueDeliveries(at: at(ms), limit: 10) }.map(\.id)
            }
            #expect(try await due(100) == ["a-2", "c-6"])
            #expect(try await due(600) == ["a-2", "b-5", "c-6"])
            #expect(try await store.read { try await $0.dueDeliveries(at: at(600), limit: 1) }.map(\.id) == ["a-2"])
            var leased = rows[1]
            leased.leaseUntil = at(700)
            try await store.write { [leased] in try await $0.updateDelivery(leased) }
            #expect(try await due(600) == ["b-5", "c-6"], "a leased head holds its queue")
            #expect(try await due(700) == ["a-2", "b-5", "c-6"], "a lease that ran out frees it")
            leased.state = .failed
            leased.leaseUntil = nil
            try await store.write { [leased] in try await $0.updateDelivery(leased) }
            #expect(try await due(700) == ["a-3", "b-5", "c-6"])
        },
    ]
}
