import CairnCore
import Foundation

extension SQLMetadataSession {
    // MARK: Reading webhooks and deliveries

    static let webhookColumns = """
        w.id, w.name, w.url, w.description, w.actions_json, w.model_pattern, w.enabled, w.disabled_reason, \
        w.failing_since, w.cursor, w.format, w.created_by, w.created_at, w.updated_by, w.updated_at
        """
    static let deliveryColumns = """
        d.id, d.webhook_id, d.sequence, d.message_id, d.order_key, d.state, d.attempts, d.created_at, \
        d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.lease_until, d.body
        """

    public func webhook(id: String) async throws -> Webhook? {
        try await webhooks(where: "w.id = ?", [.text(id)]).first
    }

    public func webhook(named name: String) async throws -> Webhook? {
        try await webhooks(where: "w.name = ?", [.text(name)]).first
    }

    public func webhooks() async throws -> [Webhook] { try await webhooks(where: "1 = 1", []) }

    private func webhooks(where condition: String, _ binds: [SQLValue]) async throws -> [Webhook] {
        try await run("SELECT \(Self.webhookColumns) FROM webhooks w WHERE \(condition) ORDER BY w.name", binds)
            .map { try webhook(from: $0) }
    }

    private func webhook(from row: SQLRow) throws -> Webhook {
        let formatText = try row.text("format")
        guard let format = WebhookFormat(rawValue: formatText) else {
            throw SQLRow.mismatch("format", "holds '\(formatText)'")
        }
        return Webhook(
            id: try row.text("id"),
            name: try row.text("name"),
            url: try row.text("url"),
            description: try row.text("description"),
            actions: try json.decode([String].self, try row.text("actions_json"), column: "actions_json"),
            modelPattern: try row.optionalText("model_pattern"),
            enabled: try row.int64("enabled") != 0,
            disabledReason: try row.optionalText("disabled_reason"),
            failingSince: try row.optionalInt64("failing_since").map(SQLTime.date(millis:)),
            cursor: try row.int64("cursor"),
            format: format,
            createdAt: try row.date("created_at"),
            createdBy: try row.text("created_by"),
            updatedAt: try row.date("updated_at"),
            updatedBy: try row.text("updated_by")
        )
    }

    public func webhookSecret(id: String) async throws -> [UInt8]? {
        guard let text = try await run("SELECT sealed_secret FROM webhooks WHERE id = ?", [.text(id)]).first else {
            return nil
        }
        guard let data = Data(base64Encoded: try text.text("sealed_secret")) else {
            throw SQLRow.mismatch("sealed_secret", "is not base64")
        }
        return Array(data)
    }

    public func delivery(id: String) async throws -> WebhookDelivery? {
        try await run("SELECT \(Self.deliveryColumns) FROM webhook_deliveries d WHERE d.id = ?", [.text(id)])
            .map(Self.delivery).first
    }

    public func deliveries(webhookID: String, limit: Int) async throws -> [WebhookDelivery] {
        try await run(
            """
            SELECT \(Self.deliveryColumns) FROM webhook_deliveries d WHERE d.webhook_id = ?
            ORDER BY d.created_at DESC, d.sequence DESC, d.id DESC LIMIT ?
            """,
            [.text(webhookID), .int(limit)]
        ).map(Self.delivery)
    }

    public func attempts(deliveryID: String) async throws -> [DeliveryAttempt] {
        try await run(
            """
            SELECT delivery_id, number, at, status, latency_ms, error, response_excerpt FROM delivery_attempts
            WHERE delivery_id = ? ORDER BY number
            """,
            [.text(deliveryID)]
        ).map { row in
            DeliveryAttempt(
                deliveryID: try row.text("delivery_id"),
                number: try row.int("number"),
                at: try row.date("at"),
                statusCode: try row.optionalInt64("status").map { Int($0) },
                latencyMilliseconds: try row.int("latency_ms"),
                error: try row.optionalText("error"),
                responseExcerpt: try row.text("response_excerpt")
            )
        }
    }

    public func dueDeliveries(at now: Date, limit: Int) async throws -> [WebhookDelivery] {
        // The head of each (webhook, order key) queue: no pending delivery of it comes before.
        try await run(
            """
            SELECT \(Self.deliveryColumns) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE d.state = 'pending' AND w.enabled = 1 AND d.next_attempt_at <= ?
              AND (d.lease_until IS NULL OR d.lease_until <= ?)
              AND NOT EXISTS (
                SELECT 1 FROM webhook_deliveries e
                WHERE e.webhook_id = d.webhook_id AND e.order_key = d.order_key AND e.state = 'pending'
                  AND (e.sequence < d.sequence OR (e.sequence = d.sequence AND e.id < d.id))
              )
            ORDER BY d.sequence, d.id LIMIT ?
            """,
            [.millis(now), .millis(now), .int(limit)]
        ).map(Self.delivery)
    }

    static func delivery(_ row: SQLRow) throws -> WebhookDelivery {
        let stateText = try row.text("state")
        guard let state = WebhookDelivery.State(rawValue: stateText) else {
            throw SQLRow.mismatch("state", "holds '\(stateText)'")
        }
        return WebhookDelivery(
            id: try row.text("id"),
            webhookID: try row.text("webhook_id"),
            sequence: try row.int64("sequence"),
            messageID: try row.text("message_id"),
            orderKey: try row.text("order_key"),
            state: state,
            attempts: try row.int("attempts"),
            createdAt: try row.date("created_at"),
            nextAttemptAt: try row.date("next_attempt_at"),
            lastAttemptAt: try row.optionalInt64("last_attempt_at").map(SQLTime.date(millis:)),
            lastStatusCode: try row.optionalInt64("last_status").map { Int($0) },
            lastError: try row.optionalText("last_error"),
            leaseUntil: try row.optionalInt64("lease_until").map(SQLTime.date(millis:)),
            body: try row.optionalText("body").map { Array($0.utf8) }
        )
    }

    public func deployment(modelID: String, host: String) async throws -> Deployment? {
        try await deployments(where: "model_id = ? AND host = ?", [.text(modelID), .text(host)]).first
    }

    public func deployments(modelID: String) async throws -> [Deployment] {
        try await deployments(where: "model_id = ?", [.text(modelID)])
    }

    private func deployments(where condition: String, _ binds: [SQLValue]) async throws -> [Deployment] {
        try await run(
            """
            SELECT model_id, host, version, reference, directory, synced_at, reported_by FROM deployments
            WHERE \(condition) ORDER BY host
            """,
            binds
        ).map { row in
            Deployment(
                modelID: try row.text("model_id"),
                modelName: "",
                host: try row.text("host"),
                version: try row.int("version"),
                reference: try row.text("reference"),
                directory: try row.text("directory"),
                syncedAt: try row.date("synced_at"),
                reportedBy: try row.text("reported_by")
            )
        }
    }

    public func putDeployment(_ deployment: Deployment) async throws {
        _ = try await run(
            """
            INSERT INTO deployments (model_id, host, version, reference, directory, synced_at, reported_by)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_id, host) DO UPDATE SET version = excluded.version, reference = excluded.reference,
                directory = excluded.directory, synced_at = excluded.synced_at, reported_by = excluded.reported_by
            """,
            [
                .text(deployment.modelID), .text(deployment.host), .int(deployment.version),
                .text(deployment.reference),
                .text(deployment.directory), .millis(deployment.syncedAt), .text(deployment.reportedBy),
            ],
            onMissingParent: RegistryError(.notFound, "No model has the id \(deployment.modelID).")
        )
    }

    // MARK: Writing webhooks and deliveries

    public func deleteFinishedDeliveries(createdBefore date: Date, limit: Int) async throws -> Int {
        let ids = try await run(
            """
            SELECT id FROM webhook_deliveries WHERE state IN ('delivered', 'failed') AND created_at < ?
            ORDER BY created_at LIMIT ?
            """,
            [.millis(date), .int(limit)]
        ).map { try $0.text("id") }
        guard !ids.isEmpty else { return 0 }
        let binds = ids.map { SQLValue.text($0) }
        let list = Self.placeholders(ids.count)
        _ = try await run("DELETE FROM delivery_attempts WHERE delivery_id IN (\(list))", binds)
        _ = try await run("DELETE FROM webhook_deliveries WHERE id IN (\(list))", binds)
        return ids.count
    }

    public func insertWebhook(_ webhook: Webhook, sealedSecret: [UInt8]) async throws {
        _ = try await run(
            """
            INSERT INTO webhooks (id, name, url, description, actions_json, model_pattern, enabled, disabled_reason,
                failing_since, cursor, format, sealed_secret, created_by, created_at, updated_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(webhook.id), .text(webhook.name), .text(webhook.url), .text(webhook.description),
                .text(try json.encode(webhook.actions)), .text(webhook.modelPattern), .int(webhook.enabled ? 1 : 0),
                .text(webhook.disabledReason), webhook.failingSince.map(SQLValue.millis) ?? .null,
                .integer(webhook.cursor), .text(webhook.format.rawValue),
                .text(Data(sealedSecret).base64EncodedString()),
                .text(webhook.createdBy),
                .millis(webhook.createdAt), .text(webhook.updatedBy), .millis(webhook.updatedAt),
            ],
            onUnique: RegistryError(.alreadyExists, "A webhook named '\(webhook.name)' (or with its id) exists.")
        )
    }

    public func updateWebhook(_ webhook: Webhook) async throws {
        let rows = try await run(
            """
            UPDATE webhooks SET name = ?, url = ?, description = ?, actions_json = ?, model_pattern = ?, enabled = ?,
                disabled_reason = ?, failing_since = ?, cursor = ?, updated_by = ?, updated_at = ?
            WHERE id = ? RETURNING id
            """,
            [
                .text(webhook.name), .text(webhook.url), .text(webhook.description),
                .text(try json.encode(webhook.actions)), .text(webhook.modelPattern), .int(webhook.enabled ? 1 : 0),
                .text(webhook.disabledReason), webhook.failingSince.map(SQLValue.millis) ?? .null,
                .integer(webhook.cursor), .text(webhook.updatedBy), .millis(webhook.updatedAt), .text(webhook.id),
            ],
            onUnique: RegistryError(.alreadyExists, "A webhook named '\(webhook.name)' exists.")
        )
        if rows.isEmpty { throw Self.webhookNotFound(webhook.id) }
    }

    public func replaceWebhookSecret(id: String, sealedSecret: [UInt8]) async throws {
        let rows = try await run(
            "UPDATE webhooks SET sealed_secret = ? WHERE id = ? RETURNING id",
            [.text(Data(sealedSecret).base64EncodedString()), .text(id)]
        )
        if rows.isEmpty { throw Self.webhookNotFound(id) }
    }

    static func webhookNotFound(_ id: String) -> RegistryError {
        RegistryError(.notFound, "No webhook has the id \(id); it may have been deleted.")
    }

    public func deleteWebhook(id: String) async throws {
        _ = try await run(
            """
            DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = ?)
            """,
            [.text(id)]
        )
        _ = try await run("DELETE FROM webhook_deliveries WHERE webhook_id = ?", [.text(id)])
        _ = try await run("DELETE FROM webhooks WHERE id = ?", [.text(id)])
    }

    public func insertDelivery(_ delivery: WebhookDelivery) async throws {
        _ = try await run(
            """
            INSERT INTO webhook_deliveries (id, webhook_id, sequence, message_id, order_key, state, attempts,
                created_at, next_attempt_at, last_attempt_at, last_status, last_error, lease_until, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            Self.binds(delivery, leadingID: true),
            onUnique: RegistryError(.alreadyExists, "A delivery with the id \(delivery.id) exists."),
            onMissingParent: Self.webhookNotFound(delivery.webhookID)
        )
    }

    public func updateDelivery(_ delivery: WebhookDelivery) async throws {
        let rows = try await run(
            """
            UPDATE webhook_deliveries SET webhook_id = ?, sequence = ?, message_id = ?, order_key = ?, state = ?,
                attempts = ?, created_at = ?, next_attempt_at = ?, last_attempt_at = ?, last_status = ?,
                last_error = ?, lease_until = ?, body = ?
            WHERE id = ? RETURNING id
            """,
            Self.binds(delivery, leadingID: false) + [.text(delivery.id)]
        )
        if rows.isEmpty { throw RegistryError(.notFound, "No delivery has the id \(delivery.id).") }
    }

    private static func binds(_ delivery: WebhookDelivery, leadingID: Bool) -> [SQLValue] {
        (leadingID ? [.text(delivery.id)] : []) + [
            .text(delivery.webhookID), .integer(delivery.sequence), .text(delivery.messageID),
            .text(delivery.orderKey), .text(delivery.state.rawValue), .int(delivery.attempts),
            .millis(delivery.createdAt), .millis(delivery.nextAttemptAt),
            delivery.lastAttemptAt.map(SQLValue.millis) ?? .null, delivery.lastStatusCode.map(SQLValue.int) ?? .null,
            .text(delivery.lastError), delivery.leaseUntil.map(SQLValue.millis) ?? .null,
            .text(delivery.body.map { String(decoding: $0, as: UTF8.self) }),
        ]
    }

    public func appendAttempt(_ attempt: DeliveryAttempt) async throws {
        _ = try await run(
            """
            INSERT INTO delivery_attempts (delivery_id, number, at, status, latency_ms, error, response_excerpt)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(attempt.deliveryID), .int(attempt.number), .millis(attempt.at),
                attempt.statusCode.map(SQLValue.int) ?? .null, .int(attempt.latencyMilliseconds), .text(attempt.error),
                .text(attempt.responseExcerpt),
            ],
            onUnique: RegistryError(.alreadyExists, "Attempt \(attempt.number) of \(attempt.deliveryID) exists."),
            onMissingParent: RegistryError(.notFound, "No delivery has the id \(attempt.deliveryID).")
        )
    }
}
