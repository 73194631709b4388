import Foundation

/// Webhooks: their management by admins, and the durable outbox that delivers the event log to them (decision 0020).
///
/// The outbox is the event log itself plus a delivery-state table: each webhook keeps a cursor into the log; events
/// after it that match its filter become deliveries in the same transaction that moves the cursor, so nothing
/// committed is ever skipped, and a delivery leaves the table's `pending` state only on a 2xx or when its retention
/// ends. Its port reads and writes delivery rows and events, and nothing of the catalog, tracking or identity.
public struct DeliveryService: RegistryArea {
    /// The catalog is read for the MLflow format's payloads (a new version's tags and description).
    public typealias Reader = any DeliveryReader & EventLogReader & CatalogReader
    public typealias Transaction = any DeliveryTransaction & EventLogWriter & CatalogReader

    let core: ServiceCore
    let store: StorePort<Reader, Transaction>
    public let settings: DeliverySettings
    let secrets: any SecretSealer
    let transport: any WebhookTransport

    init(core: ServiceCore, settings: DeliverySettings, secrets: any SecretSealer, transport: any WebhookTransport) {
        self.core = core
        self.store = core.port(reader: { $0 }, transaction: { $0 })
        self.settings = settings
        self.secrets = secrets
        self.transport = transport
    }
}

/// How deliveries are retried and when a webhook is given up on.
public struct DeliverySettings: Sendable {
    /// How long a delivery is retried before it is marked failed (default 3 days).
    public var retention: Duration
    /// How long a webhook may fail every attempt before Cairn disables it (default 3 days).
    public var disableAfter: Duration
    /// The wait before the first retry; each further one doubles it, up to ``maxRetryInterval``, with jitter.
    public var firstRetry: Duration
    public var maxRetryInterval: Duration
    /// How long a dispatcher holds a delivery it is sending; another replica may take it after that. Longer than
    /// the transport's whole time-out.
    public var lease: Duration
    /// Which addresses webhook URLs may name (checked again at every connect).
    public var outbound: OutboundAddressPolicy

    public init(
        retention: Duration = .seconds(3 * 86_400),
        disableAfter: Duration = .seconds(3 * 86_400),
        firstRetry: Duration = .seconds(5),
        maxRetryInterval: Duration = .seconds(3_600),
        lease: Duration = .seconds(30),
        outbound: OutboundAddressPolicy = OutboundAddressPolicy()
    ) {
        self.retention = retention
        self.disableAfter = disableAfter
        self.firstRetry = firstRetry
        self.maxRetryInterval = maxRetryInterval
        self.lease = lease
        self.outbound = outbound
    }
}

/// What an admin gives to create a webhook.
public struct NewWebhook: Sendable, Hashable {
    public var name: String
    public var url: String
    public var description: String
    public var actions: [String]
    public var modelPattern: String?
    public var enabled: Bool
    /// The signing secret; `nil`: Cairn makes one (`whsec_` and 32 random bytes in base64).
    public var secret: String?
    /// ``WebhookFormat/mlflow`` for webhooks made through the MLflow API: `actions` are then MLflow event names.
    public var format: WebhookFormat

    public init(
        name: String,
        url: String,
        description: String = "",
        actions: [String] = [],
        modelPattern: String? = nil,
        enabled: Bool = true,
        secret: String? = nil,
        format: WebhookFormat = .cairn
    ) {
        self.format = format
        self.name = name
        self.url = url
        self.description = description
        self.actions = actions
        self.modelPattern = modelPattern
        self.enabled = enabled
        self.secret = secret
    }
}

/// Changes to a webhook; `nil` leaves a field as it is.
public struct WebhookChanges: Sendable, Hashable {
    public var name: String?
    public var url: String?
    public var description: String?
    public var actions: [String]?
    /// `.some(nil)` removes the pattern.
    public var modelPattern: String??
    /// Enabling clears why Cairn disabled it and its failing streak.
    public var enabled: Bool?
    /// Replaces the secret: with this one, or with a new random one when `rotateSecret` is set.
    public var secret: String?
    public var rotateSecret: Bool

    public init(
        name: String? = nil,
        url: String? = nil,
        description: String? = nil,
        actions: [String]? = nil,
        modelPattern: String?? = nil,
        enabled: Bool? = nil,
        secret: String? = nil,
        rotateSecret: Bool = false
    ) {
        self.name = name
        self.url = url
        self.description = description
        self.actions = actions
        self.modelPattern = modelPattern
        self.enabled = enabled
        self.secret = secret
        self.rotateSecret = rotateSecret
    }
}

extension DeliveryService {
    /// Creates a webhook that receives the events committed from now on. Returns it with its secret, which is shown
    /// this once.
    /// - Throws: `.invalidArgument`, `.alreadyExists`, `.permissionDenied`, `.failedPrecondition` (no sealing key).
    public func createWebhook(_ new: NewWebhook, actor: Principal) async throws -> (webhook: Webhook, secret: String) {
        try WebhookRules.validateName(new.name)
        try WebhookRules.validateURL(new.url, policy: settings.outbound)
        try validateDescription(new.description)
        try WebhookRules.validateFilter(actions: new.actions, modelPattern: new.modelPattern, format: new.format)
        let secret = try new.secret.map { try WebhookRules.validateSecret($0) } ?? WebhookRules.makeSecret()
        let permit = try await core.admit(.createWebhook, actor, model: nil, attempted: "create webhook '\(new.name)'")
        let sealed = try secrets.seal(secret)
        let now = clock.now()
        let webhook = try await store.write(permit) { tx in
            if try await tx.webhook(named: new.name) != nil {
                throw RegistryError(
                    .alreadyExists,
                    "A webhook named '\(new.name)' exists. Pick another name, or change it with `cairn webhooks update`."
                )
            }
            let webhook = Webhook(
                id: ids.next(),
                name: new.name,
                url: new.url,
                description: new.description,
                actions: new.actions,
                modelPattern: new.modelPattern,
                enabled: new.enabled,
                format: new.format,
                createdAt: now,
                createdBy: actor.name
            )
            try await tx.insertWebhook(webhook, sealedSecret: sealed)
            try await record(
                tx,
                actor: actor,
                .webhookCreated(.init(webhook)),
                subject: "webhook/\(webhook.name)",
                at: now
            )
            // It hears what is committed after its own creation.
            var created = webhook
            created.cursor = try await tx.lastEvent()?.sequence ?? 0
            try await tx.updateWebhook(created)
            return created
        }
        return (webhook, secret)
    }

    /// Every webhook, by name.
    public func webhooks(actor: Principal) async throws -> [Webhook] {
        let permit = try await core.admit(.webhooks, actor, model: nil, attempted: "list webhooks")
        return try await store.read(permit) { try await $0.webhooks() }
    }

    /// A webhook by id or name.
    /// - Throws: `.notFound`, `.permissionDenied`.
    public func webhook(_ idOrName: String, actor: Principal) async throws -> Webhook {
        let permit = try await core.admit(.webhook, actor, model: nil, attempted: "read webhook '\(idOrName)'")
        return try await store.read(permit) { try await requireWebhook($0, idOrName) }
    }

    /// Applies `changes`; returns the webhook, and its new secret when one was set or rotated.
    public func updateWebhook(_ idOrName: String, _ changes: WebhookChanges, actor: Principal) async throws
        -> (webhook: Webhook, secret: String?)
    {
        if let name = changes.name { try WebhookRules.validateName(name) }
        if let url = changes.url { try WebhookRules.validateURL(url, policy: settings.outbound) }
        if let description = changes.description { try validateDescription(description) }
        var secret: String?
        if let given = changes.secret {
            secret = try WebhookRules.validateSecret(given)
        } else if changes.rotateSecret {
            secret = WebhookRules.makeSecret()
        }
        let sealed = try secret.map { try secrets.seal($0) }
        let permit = try await core.admit(.updateWebhook, actor, model: nil, attempted: "update webhook '\(idOrName)'")
        let now = clock.now()
        let webhook = try await store.write(permit) { tx in
            var webhook = try await requireWebhook(tx, idOrName)
            try WebhookRules.validateFilter(
                actions: changes.actions ?? webhook.actions,
                modelPattern: changes.modelPattern ?? nil,
                format: webhook.format
            )
            if let name = changes.name, name != webhook.name {
                if try await tx.webhook(named: name) != nil {
                    throw RegistryError(.alreadyExists, "A webhook named '\(name)' exists. Pick another name.")
                }
                webhook.name = name
            }
            if let url = changes.url { webhook.url = url }
            if let description = changes.description { webhook.description = description }
            if let actions = changes.actions { webhook.actions = actions }
            if let pattern = changes.modelPattern { webhook.modelPattern = pattern }
            if let enabled = changes.enabled {
                if enabled, !webhook.enabled {
                    webhook.disabledReason = nil
                    webhook.failingSince = nil
                }
                webhook.enabled = enabled
            }
            webhook.updatedAt = now
            webhook.updatedBy = actor.name
            try await tx.updateWebhook(webhook)
            if let sealed { try await tx.replaceWebhookSecret(id: webhook.id, sealedSecret: sealed) }
            try await record(
                tx,
                actor: actor,
                .webhookUpdated(.init(webhook, secretReplaced: sealed != nil)),
                subject: "webhook/\(webhook.name)",
                at: now
            )
            return webhook
        }
        return (webhook, secret)
    }

    /// Deletes a webhook with its delivery record.
    public func deleteWebhook(_ idOrName: String, actor: Principal) async throws {
        let attempted = "delete webhook '\(idOrName)'"
        let permit = try await core.admit(.deleteWebhook, actor, model: nil, attempted: attempted)
        let now = clock.now()
        try await store.write(permit) { tx in
            let webhook = try await requireWebhook(tx, idOrName)
            try await tx.deleteWebhook(id: webhook.id)
            try await record(
                tx,
                actor: actor,
                .webhookDeleted(.init(id: webhook.id)),
                subject: "webhook/\(webhook.name)",
                at: now
            )
        }
    }

    /// A webhook's most recent deliveries (at most `limit`, 1 to 1000), newest first.
    public func deliveries(webhook idOrName: String, limit: Int = 100, actor: Principal) async throws
        -> [WebhookDelivery]
    {
        guard (1...1000).contains(limit) else { throw RegistryError.invalid("Use a limit from 1 to 1000.") }
        let permit = try await core.admit(.webhookDeliveries, actor, model: nil, attempted: "list deliveries")
        return try await store.read(permit) { reader in
            let webhook = try await requireWebhook(reader, idOrName)
            return try await reader.deliveries(webhookID: webhook.id, limit: limit)
        }
    }

    /// One delivery with every attempt at it.
    public func delivery(id: String, actor: Principal) async throws
        -> (delivery: WebhookDelivery, attempts: [DeliveryAttempt])
    {
        let permit = try await core.admit(.webhookDeliveries, actor, model: nil, attempted: "read delivery \(id)")
        return try await store.read(permit) { reader in
            let delivery = try await requireDelivery(reader, id)
            return (delivery, try await reader.attempts(deliveryID: id))
        }
    }

    /// Schedules the message of a delivery again, now, whatever became of it: a new delivery with the same message
    /// id (receivers that processed it can tell), ordered with the model's other deliveries by its sequence.
    public func redeliver(deliveryID: String, actor: Principal) async throws -> WebhookDelivery {
        let attempted = "redeliver \(deliveryID)"
        let permit = try await core.admit(.redeliverWebhook, actor, model: nil, attempted: attempted)
        let now = clock.now()
        return try await store.write(permit) { tx in
            let original = try await requireDelivery(tx, deliveryID)
            guard let webhook = try await tx.webhook(id: original.webhookID) else {
                throw RegistryError(.notFound, "The webhook of delivery \(deliveryID) was deleted.")
            }
            let again = WebhookDelivery(
                id: ids.next(),
                webhookID: original.webhookID,
                sequence: original.sequence,
                messageID: original.messageID,
                orderKey: original.orderKey,
                createdAt: now
            )
            try await tx.insertDelivery(again)
            try await record(
                tx,
                actor: actor,
                .webhookRedelivered(.init(deliveryID: again.id, of: original.id, sequence: original.sequence)),
                subject: "webhook/\(webhook.name)",
                at: now
            )
            return again
        }
    }

    /// Sends a `webhook.test` ping now, signed like every delivery, and records it as a delivery with its attempt.
    /// An MLflow-format webhook gets MLflow's example payload for `event` (default: its first event), as MLflow's
    /// `test_webhook` sends.
    public func testWebhook(_ idOrName: String, event: String? = nil, actor: Principal) async throws
        -> (delivery: WebhookDelivery, attempt: DeliveryAttempt)
    {
        if let event { try MLflowWebhookEvents.validate([event]) }
        let permit = try await core.admit(.testWebhook, actor, model: nil, attempted: "test webhook '\(idOrName)'")
        let (webhook, sealed) = try await store.read(permit) { reader in
            let webhook = try await requireWebhook(reader, idOrName)
            return (webhook, try await reader.webhookSecret(id: webhook.id))
        }
        let now = clock.now()
        let id = ids.next()
        let body =
            switch webhook.format {
            case .cairn: try WebhookBody.ping(webhook, at: now)
            case .mlflow: try MLflowWebhookEvents.example(event ?? webhook.actions.first ?? "", at: now)
            }
        let message = OutgoingWebhook(
            url: webhook.url,
            messageID: "ping_\(id)",
            timestamp: now,
            body: body,
            secret: try secrets.open(sealed ?? []),
            format: webhook.format
        )
        let outcome = await transport.send(message)
        var delivery = WebhookDelivery(
            id: id,
            webhookID: webhook.id,
            sequence: 0,
            messageID: message.messageID,
            orderKey: "ping/\(id)",
            createdAt: now
        )
        if webhook.format == .mlflow { delivery.body = body }
        let attempt = delivery.applying(outcome, at: now)
        delivery.state = outcome.succeeded ? .delivered : .failed
        let tried = delivery
        return try await store.write(permit) { tx in
            try await tx.insertDelivery(tried)
            try await tx.appendAttempt(attempt)
            return (tried, attempt)
        }
    }

    func requireWebhook(_ reader: any DeliveryReader, _ idOrName: String) async throws -> Webhook {
        if let webhook = try await reader.webhook(id: idOrName) { return webhook }
        if let webhook = try await reader.webhook(named: idOrName) { return webhook }
        throw RegistryError(
            .notFound,
            "No webhook has the id or name '\(idOrName.prefix(80))'. See `cairn webhooks list`."
        )
    }

    func requireDelivery(_ reader: any DeliveryReader, _ id: String) async throws -> WebhookDelivery {
        guard let delivery = try await reader.delivery(id: id) else {
            throw RegistryError(
                .notFound,
                "No delivery has the id '\(id.prefix(80))'. See `cairn webhooks deliveries WEBHOOK`."
            )
        }
        return delivery
    }
}

extension WebhookDelivery {
    /// Records `outcome` as the next attempt: counts it and keeps its status and error; returns the attempt row.
    mutating func applying(_ outcome: DeliveryOutcome, at now: Date) -> DeliveryAttempt {
        attempts += 1
        lastAttemptAt = now
        lastStatusCode = outcome.statusCode
        lastError = outcome.error
        leaseUntil = nil
        let (seconds, attoseconds) = outcome.latency.components
        return DeliveryAttempt(
            deliveryID: id,
            number: attempts,
            at: now,
            statusCode: outcome.statusCode,
            latencyMilliseconds: Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000),
            error: outcome.error,
            responseExcerpt: outcome.responseExcerpt
        )
    }
}
