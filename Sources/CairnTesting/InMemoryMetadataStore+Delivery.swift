import CairnCore
import Foundation

/// The webhook tables of the in-memory store, as values.
struct DeliveryTables: Sendable {
    /// By id.
    var webhooks: [String: Webhook] = [:]
    /// Sealed secrets by webhook id.
    var secrets: [String: [UInt8]] = [:]
    /// By id.
    var deliveries: [String: WebhookDelivery] = [:]
    /// By delivery id, in order.
    var attempts: [String: [DeliveryAttempt]] = [:]
    /// Insertion order of deliveries, for "newest first".
    var order: [String: Int] = [:]
    var inserted = 0
    /// By model id, then host.
    var deployments: [String: [String: Deployment]] = [:]
}

extension InMemoryState {
    func webhook(named name: String) -> Webhook? { delivery.webhooks.values.first { same($0.name, name) } }

    func dueDeliveries(at now: Date, limit: Int) -> [WebhookDelivery] {
        let pending = delivery.deliveries.values.filter { $0.state == .pending }
        var heads: [String: WebhookDelivery] = [:]
        for item in pending {
            let key = item.webhookID + "\u{0}" + item.orderKey
            if let head = heads[key], (head.sequence, head.id) <= (item.sequence, item.id) { continue }
            heads[key] = item
        }
        return heads.values
            .filter { item in
                delivery.webhooks[item.webhookID]?.enabled == true && item.nextAttemptAt <= now
                    && (item.leaseUntil.map { $0 <= now } ?? true)
            }
            .sorted { ($0.sequence, $0.id) < ($1.sequence, $1.id) }
            .prefix(limit).map { $0 }
    }

    static func millisecondPrecise(_ webhook: Webhook) -> Webhook {
        var webhook = webhook
        webhook.createdAt = millis(webhook.createdAt)
        webhook.updatedAt = millis(webhook.updatedAt)
        webhook.failingSince = webhook.failingSince.map(millis)
        return webhook
    }

    static func millisecondPrecise(_ item: WebhookDelivery) -> WebhookDelivery {
        var item = item
        item.createdAt = millis(item.createdAt)
        item.nextAttemptAt = millis(item.nextAttemptAt)
        item.lastAttemptAt = item.lastAttemptAt.map(millis)
        item.leaseUntil = item.leaseUntil.map(millis)
        return item
    }

    func requireWebhook(_ id: String) throws {
        guard delivery.webhooks[id] != nil else {
            throw RegistryError(.notFound, "No webhook has the id \(id); it may have been deleted.")
        }
    }
}

extension InMemoryMetadataStore.Reader {
    func webhook(id: String) async throws -> Webhook? { state.delivery.webhooks[id] }
    func webhook(named name: String) async throws -> Webhook? { state.webhook(named: name) }
    func webhooks() async throws -> [Webhook] {
        state.delivery.webhooks.values.sorted { precedes(Array($0.name.utf8), Array($1.name.utf8)) }
    }
    func webhookSecret(id: String) async throws -> [UInt8]? { state.delivery.secrets[id] }
    func delivery(id: String) async throws -> WebhookDelivery? { state.delivery.deliveries[id] }
    func deliveries(webhookID: String, limit: Int) async throws -> [WebhookDelivery] {
        let order = state.delivery.order
        return state.delivery.deliveries.values.filter { $0.webhookID == webhookID }
            .sorted { (order[$0.id] ?? 0) > (order[$1.id] ?? 0) }
            .prefix(limit).map { $0 }
    }
    func attempts(deliveryID: String) async throws -> [DeliveryAttempt] { state.delivery.attempts[deliveryID] ?? [] }
    func dueDeliveries(at now: Date, limit: Int) async throws -> [WebhookDelivery] {
        state.dueDeliveries(at: now, limit: limit)
    }
    func deployment(modelID: String, host: String) async throws -> Deployment? {
        state.delivery.deployments[modelID]?[host]
    }
    func deployments(modelID: String) async throws -> [Deployment] {
        (state.delivery.deployments[modelID] ?? [:]).values.sorted {
            precedes(Array($0.host.utf8), Array($1.host.utf8))
        }
    }
}

extension InMemoryMetadataStore.Transaction {
    func webhook(id: String) async throws -> Webhook? { try await reader().webhook(id: id) }
    func webhook(named name: String) async throws -> Webhook? { try await reader().webhook(named: name) }
    func webhooks() async throws -> [Webhook] { try await reader().webhooks() }
    func webhookSecret(id: String) async throws -> [UInt8]? { try await reader().webhookSecret(id: id) }
    func delivery(id: String) async throws -> WebhookDelivery? { try await reader().delivery(id: id) }
    func deliveries(webhookID: String, limit: Int) async throws -> [WebhookDelivery] {
        try await reader().deliveries(webhookID: webhookID, limit: limit)
    }
    func attempts(deliveryID: String) async throws -> [DeliveryAttempt] {
        try await reader().attempts(deliveryID: deliveryID)
    }
    func dueDeliveries(at now: Date, limit: Int) async throws -> [WebhookDelivery] {
        try await reader().dueDeliveries(at: now, limit: limit)
    }
    func deployment(modelID: String, host: String) async throws -> Deployment? {
        try await reader().deployment(modelID: modelID, host: host)
    }
    func deployments(modelID: String) async throws -> [Deployment] { try await reader().deployments(modelID: modelID) }
    func deleteFinishedDeliveries(createdBefore date: Date, limit: Int) async throws -> Int {
        try await mutate { state in
            let ended = state.delivery.deliveries.values
                .filter { $0.state != .pending && $0.createdAt < date }
                .sorted { $0.createdAt < $1.createdAt }
                .prefix(limit)
            for item in ended {
                state.delivery.deliveries[item.id] = nil
                state.delivery.attempts[item.id] = nil
                state.delivery.order[item.id] = nil
            }
            return ended.count
        }
    }
    func putDeployment(_ deployment: Deployment) async throws {
        try await mutate { state in
            guard state.models[deployment.modelID] != nil else {
                throw RegistryError(.notFound, "No model has the id \(deployment.modelID).")
            }
            var stored = deployment
            stored.modelName = ""
            stored.syncedAt = millis(stored.syncedAt)
            state.delivery.deployments[deployment.modelID, default: [:]][deployment.host] = stored
        }
    }

    func insertWebhook(_ webhook: Webhook, sealedSecret: [UInt8]) async throws {
        try await mutate { state in
            if state.delivery.webhooks[webhook.id] != nil || state.webhook(named: webhook.name) != nil {
                throw RegistryError(.alreadyExists, "A webhook named '\(webhook.name)' (or with its id) exists.")
            }
            state.delivery.webhooks[webhook.id] = InMemoryState.millisecondPrecise(webhook)
            state.delivery.secrets[webhook.id] = sealedSecret
        }
    }
    func updateWebhook(_ webhook: Webhook) async throws {
        try await mutate { state in
            try state.requireWebhook(webhook.id)
            if let other = state.webhook(named: webhook.name), other.id != webhook.id {
                throw RegistryError(.alreadyExists, "A webhook named '\(webhook.name)' exists.")
            }
            state.delivery.webhooks[webhook.id] = InMemoryState.millisecondPrecise(webhook)
        }
    }
    func replaceWebhookSecret(id: String, sealedSecret: [UInt8]) async throws {
        try await mutate { state in
            try state.requireWebhook(id)
            state.delivery.secrets[id] = sealedSecret
        }
    }
    func deleteWebhook(id: String) async throws {
        try await mutate { state in
            state.delivery.webhooks[id] = nil
            state.delivery.secrets[id] = nil
            for (deliveryID, item) in state.delivery.deliveries where item.webhookID == id {
                state.delivery.deliveries[deliveryID] = nil
                state.delivery.attempts[deliveryID] = nil
                state.delivery.order[deliveryID] = nil
            }
        }
    }
    func insertDelivery(_ item: WebhookDelivery) async throws {
        try await mutate { state in
            try state.requireWebhook(item.webhookID)
            if state.delivery.deliveries[item.id] != nil {
                throw RegistryError(.alreadyExists, "A delivery with the id \(item.id) exists.")
            }
            state.delivery.deliveries[item.id] = InMemoryState.millisecondPrecise(item)
            state.delivery.inserted += 1
            state.delivery.order[item.id] = state.delivery.inserted
        }
    }
    func updateDelivery(_ item: WebhookDelivery) async throws {
        try await mutate { state in
            guard state.delivery.deliveries[item.id] != nil else {
                throw RegistryError(.notFound, "No delivery has the id \(item.id).")
            }
            try state.requireWebhook(item.webhookID)
            state.delivery.deliveries[item.id] = InMemoryState.millisecondPrecise(item)
        }
    }
    func appendAttempt(_ attempt: DeliveryAttempt) async throws {
        try await mutate { state in
            guard state.delivery.deliveries[attempt.deliveryID] != nil else {
                throw RegistryError(.notFound, "No delivery has the id \(attempt.deliveryID).")
            }
            if state.delivery.attempts[attempt.deliveryID, default: []].contains(where: { $0.number == attempt.number })
            {
                throw RegistryError(.alreadyExists, "Attempt \(attempt.number) of \(attempt.deliveryID) exists.")
            }
            var attempt = attempt
            attempt.at = millis(attempt.at)
            state.delivery.attempts[attempt.deliveryID, default: []].append(attempt)
        }
    }
}
