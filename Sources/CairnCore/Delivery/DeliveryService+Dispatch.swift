import Foundation
import Synchronization

/// A delivery a dispatcher holds (leased) and is about to send.
public struct ClaimedDelivery: Sendable {
    public var delivery: WebhookDelivery
    public var webhook: Webhook
    public var message: OutgoingWebhook
}

extension DeliveryService {
    /// The most events one scheduling pass examines per webhook.
    static let scheduleBatch = 500

    /// Moves every enabled webhook's cursor over the events committed since, turning those it wants into pending
    /// deliveries in the same transaction (so a crash between the two cannot lose or double one). Returns how many
    /// deliveries were created. A disabled webhook's cursor waits: what happens while it is off is delivered once it
    /// is enabled again.
    @discardableResult
    public func scheduleDeliveries() async throws -> Int {
        let permit = core.admitUnguarded(.dispatchWebhooks)
        let (head, webhooks) = try await store.read(permit) { reader in
            (try await reader.lastEvent()?.sequence ?? 0, try await reader.webhooks())
        }
        var created = 0
        for webhook in webhooks where webhook.enabled && webhook.cursor < head {
            created += try await store.write(permit) { tx in
                // Read again inside the transaction: another replica may have moved the cursor meanwhile.
                guard var current = try await tx.webhook(id: webhook.id), current.enabled else { return 0 }
                let events = try await tx.events(afterSequence: current.cursor, limit: Self.scheduleBatch)
                guard let last = events.last else { return 0 }
                let now = clock.now()
                var count = 0
                for event in events {
                    let modelName = WebhookBody.modelName(inSubject: event.subject)
                    guard current.wants(event, modelName: modelName) else { continue }
                    try await tx.insertDelivery(
                        WebhookDelivery(
                            id: ids.next(),
                            webhookID: current.id,
                            sequence: event.sequence,
                            messageID: "evt_\(event.sequence)",
                            orderKey: event.modelID ?? modelName.map { "model/\($0)" } ?? "-",
                            createdAt: now,
                            body: try await mlflowBody(current, event, tx)
                        )
                    )
                    count += 1
                }
                current.cursor = last.sequence
                try await tx.updateWebhook(current)
                return count
            }
        }
        return created
    }

    /// The MLflow-format body of `event` for `webhook`, built now (it reads the version's tags and description as
    /// they are at the event); `nil` for Cairn's format, built from the event at each send.
    func mlflowBody(_ webhook: Webhook, _ event: AuditEvent, _ reader: any CatalogReader) async throws -> [UInt8]? {
        guard webhook.format == .mlflow, let name = MLflowWebhookEvents.event(for: event, in: webhook.actions) else {
            return nil
        }
        var version: ModelVersion?
        let parts = event.subject.split(separator: "/")
        if name == "model_version.created", let modelID = event.modelID, parts.count >= 4, let number = Int(parts[3]) {
            version = try await reader.version(modelID: modelID, number: number)
        }
        return try MLflowWebhookEvents.body(name, event: event, version: version)
    }

    /// Leases up to `limit` deliveries that are due, leaving out those of `busy` webhooks (being sent to already),
    /// and builds their signed messages.
    public func claimDueDeliveries(limit: Int = 64, excluding busy: Set<String> = []) async throws -> [ClaimedDelivery]
    {
        let permit = core.admitUnguarded(.dispatchWebhooks)
        let now = clock.now()
        // Looked for outside a write first: an idle outbox takes no write lock (and wakes no watcher).
        let due = try await store.read(permit) { try await $0.dueDeliveries(at: now, limit: limit * 4) }
        guard due.contains(where: { !busy.contains($0.webhookID) }) else { return [] }
        let claimed = try await store.write(permit) { tx in
            var claimed: [(WebhookDelivery, Webhook, [UInt8], AuditEvent?)] = []
            var webhooks: [String: Webhook] = [:]
            for var delivery in try await tx.dueDeliveries(at: now, limit: limit * 4)
            where !busy.contains(delivery.webhookID) {
                if claimed.count == limit { break }
                if webhooks[delivery.webhookID] == nil {
                    webhooks[delivery.webhookID] = try await tx.webhook(id: delivery.webhookID)
                }
                guard let webhook = webhooks[delivery.webhookID],
                    let sealed = try await tx.webhookSecret(id: webhook.id)
                else { continue }
                let event =
                    delivery.sequence > 0
                    ? try await tx.events(afterSequence: delivery.sequence - 1, limit: 1).first : nil
                delivery.leaseUntil = now.addingTimeInterval(Self.seconds(settings.lease))
                try await tx.updateDelivery(delivery)
                claimed.append((delivery, webhook, sealed, event))
            }
            return claimed
        }
        return try claimed.map { delivery, webhook, sealed, event in
            let body = try delivery.body ?? event.map(WebhookBody.event) ?? WebhookBody.ping(webhook, at: now)
            return ClaimedDelivery(
                delivery: delivery,
                webhook: webhook,
                message: OutgoingWebhook(
                    url: webhook.url,
                    messageID: delivery.messageID,
                    timestamp: clock.now(),
                    body: body,
                    secret: try secrets.open(sealed),
                    format: webhook.format
                )
            )
        }
    }

    /// Records an attempt's outcome: delivered on a 2xx; otherwise retried after an exponential, jittered wait, or
    /// marked failed once the retention period is over. A webhook whose every attempt failed for
    /// ``DeliverySettings/disableAfter`` is disabled, with the reason, and that is recorded as `webhook.disabled`.
    public func complete(_ claimed: ClaimedDelivery, _ outcome: DeliveryOutcome) async throws {
        let permit = core.admitUnguarded(.dispatchWebhooks)
        let now = clock.now()
        try await store.write(permit) { tx in
            // Deleted meanwhile (with its webhook): nothing to record.
            guard var delivery = try await tx.delivery(id: claimed.delivery.id),
                var webhook = try await tx.webhook(id: delivery.webhookID)
            else { return }
            let attempt = delivery.applying(outcome, at: now)
            try await tx.appendAttempt(attempt)
            if outcome.succeeded {
                delivery.state = .delivered
                if webhook.failingSince != nil {
                    webhook.failingSince = nil
                    try await tx.updateWebhook(webhook)
                }
            } else {
                if now >= delivery.createdAt.addingTimeInterval(Self.seconds(settings.retention)) {
                    delivery.state = .failed
                } else {
                    delivery.nextAttemptAt = now.addingTimeInterval(retryInterval(after: delivery.attempts))
                }
                let since = webhook.failingSince ?? now
                webhook.failingSince = since
                if webhook.enabled, now >= since.addingTimeInterval(Self.seconds(settings.disableAfter)) {
                    webhook.enabled = false
                    let last = outcome.statusCode.map { "HTTP \($0)" } ?? outcome.error ?? "no answer"
                    webhook.disabledReason =
                        "Every delivery failed from \(WebhookBody.iso8601(since)) to \(WebhookBody.iso8601(now)) "
                        + "(last: \(last)). Fix the receiver, then enable it: "
                        + "`cairn webhooks update \(webhook.name) --enable`."
                    try await record(
                        tx,
                        actor: .system,
                        .webhookDisabled(.init(id: webhook.id, reason: webhook.disabledReason ?? "")),
                        subject: "webhook/\(webhook.name)",
                        at: now
                    )
                }
                try await tx.updateWebhook(webhook)
            }
            try await tx.updateDelivery(delivery)
        }
    }

    /// Deletes the record of deliveries that ended (delivered or failed) longer ago than the retention period, in
    /// batches, so the outbox does not grow with traffic; pending deliveries are kept however old. Returns how many.
    @discardableResult
    public func pruneDeliveries(batchSize: Int = 1000) async throws -> Int {
        let permit = core.admitUnguarded(.pruneDeliveries)
        let cutoff = clock.now().addingTimeInterval(-Self.seconds(settings.retention))
        var total = 0
        while true {
            let deleted = try await store.write(permit) {
                try await $0.deleteFinishedDeliveries(createdBefore: cutoff, limit: batchSize)
            }
            total += deleted
            if deleted < batchSize { return total }
        }
    }

    /// The wait before attempt `attempts + 1`: ``DeliverySettings/firstRetry`` doubled per attempt made, capped at
    /// ``DeliverySettings/maxRetryInterval``, of which a random half is taken off (so receivers coming back are not
    /// hit by every retry at once).
    func retryInterval(after attempts: Int) -> TimeInterval {
        let base = Self.seconds(settings.firstRetry) * pow(2, Double(max(0, min(attempts - 1, 30))))
        let capped = min(base, Self.seconds(settings.maxRetryInterval))
        return capped / 2 + Double.random(in: 0...(capped / 2))
    }

    /// Sends due deliveries until the task is cancelled: schedules new events, claims what is due, and sends each
    /// webhook's deliveries in order on a task of its own, so a slow receiver delays only itself. Wakes at each
    /// commit (`changes`), else every `idle`.
    public func runDispatcher(
        changes: (any ChangeSignal)?,
        idle: Duration = .milliseconds(500),
        onError: @escaping @Sendable (any Error) -> Void = { _ in }
    ) async {
        let busy = BusyWebhooks()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let seen = changes?.generation
                do {
                    try await scheduleDeliveries()
                    let claimed = try await claimDueDeliveries(excluding: busy.ids)
                    for (webhookID, items) in Dictionary(grouping: claimed, by: \.webhook.id) {
                        busy.insert(webhookID)
                        group.addTask {
                            defer { busy.remove(webhookID) }
                            for item in items.sorted(by: { $0.delivery.sequence < $1.delivery.sequence }) {
                                // Stopping: what is not sent keeps its lease until it runs out; then another
                                // dispatcher (or this one, restarted) sends it.
                                if Task.isCancelled { return }
                                let outcome = await transport.send(item.message)
                                // Stopped before any answer: not an attempt the receiver failed; the lease runs out
                                // and the delivery is sent again.
                                if Task.isCancelled, outcome.statusCode == nil { return }
                                // Recorded even while stopping (in a task the shutdown does not cancel), so an
                                // answered delivery is not sent again.
                                let recorded = Task { try await complete(item, outcome) }
                                do { try await recorded.value } catch { onError(error) }
                            }
                        }
                    }
                } catch {
                    onError(error)
                }
                if let changes, let seen {
                    await changes.waitForChange(after: seen, timeout: idle)
                } else {
                    try? await Task.sleep(for: idle)
                }
            }
        }
    }

    /// The webhooks a dispatcher is sending to.
    private final class BusyWebhooks: Sendable {
        private let state = Mutex<Set<String>>([])
        var ids: Set<String> { state.withLock { $0 } }
        func insert(_ id: String) { state.withLock { _ = $0.insert(id) } }
        func remove(_ id: String) { state.withLock { _ = $0.remove(id) } }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
