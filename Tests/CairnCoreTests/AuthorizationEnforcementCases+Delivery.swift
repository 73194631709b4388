import CairnCore
import CairnTesting

extension EnforcementCase {
    /// Webhooks: administration throughout, every refusal recorded.
    static let delivery: [EnforcementCase] = [
        global(.createWebhook, .administer, records: true) {
            _ = try await $0.delivery.createWebhook(
                NewWebhook(name: "hook-2", url: "https://hooks.example.com/2"),
                actor: $1
            )
        },
        global(.webhooks, .administer, records: true) { _ = try await $0.delivery.webhooks(actor: $1) },
        global(.webhook, .administer, records: true) { _ = try await $0.delivery.webhook("hook", actor: $1) },
        global(.updateWebhook, .administer, records: true) {
            _ = try await $0.delivery.updateWebhook("hook", WebhookChanges(description: "d"), actor: $1)
        },
        global(.deleteWebhook, .administer, records: true) { try await $0.delivery.deleteWebhook("hook", actor: $1) },
        global(.testWebhook, .administer, records: true) { _ = try await $0.delivery.testWebhook("hook", actor: $1) },
        global(.webhookDeliveries, .administer, records: true) {
            _ = try await $0.delivery.deliveries(webhook: "hook", actor: $1)
        },
        global(.webhookDeliveries, .administer, records: true) {
            _ = try await $0.delivery.delivery(id: $2.deliveryID, actor: $1)
        },
        global(.redeliverWebhook, .administer, records: true) {
            _ = try await $0.delivery.redeliver(deliveryID: $2.deliveryID, actor: $1)
        },
        on(.reportDeployment, .read) {
            _ = try await $0.delivery.reportDeployment(
                modelName: "fraud",
                host: "serve-1",
                number: 1,
                reference: "Production",
                directory: "/srv/fraud",
                actor: $1
            )
        },
        on(.deployments, .read) { _ = try await $0.delivery.deployments(modelName: "fraud", actor: $1) },
    ]
}
