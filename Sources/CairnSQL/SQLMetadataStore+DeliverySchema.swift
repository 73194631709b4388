extension SQLMetadataStore {
    /// Migration 9: webhooks and their outbox (issue 13, decision 0020).
    ///
    ///     webhooks             id PK, name UNIQUE (code points), url, description, actions_json, model_pattern,
    ///                          enabled (0/1), disabled_reason, failing_since, cursor (the last event sequence
    ///                          scheduled), format (cairn or mlflow), sealed_secret (base64 of the AES-GCM box),
    ///                          created/updated by/at
    ///     webhook_deliveries   id PK, webhook_id → webhooks, sequence (0: a ping), message_id, order_key, state,
    ///                          attempts, created_at, next_attempt_at, last_attempt_at, last_status, last_error,
    ///                          lease_until, body (the MLflow format's, built when scheduled; NULL otherwise)
    ///                          index (webhook_id, order_key, state, sequence): the head of each ordered queue
    ///                          index (state, next_attempt_at): what is due
    ///                          index (webhook_id, created_at): listing, newest first
    ///     delivery_attempts    (delivery_id → webhook_deliveries, number) PK, at, status, latency_ms, error,
    ///                          response_excerpt
    ///     deployments          (model_id → models, host) PK, version, reference, directory, synced_at, reported_by:
    ///                          what each serving host last reported (`cairn sync`)
    static let deliveryMigration = SQLMigration(version: 9, name: "webhooks, deliveries, attempts, deployments") {
        dialect in
        let int64 = dialect.int64Type
        let key = dialect.binaryTextType
        return [
            """
            CREATE TABLE webhooks (
                id TEXT PRIMARY KEY,
                name \(key) NOT NULL UNIQUE,
                url TEXT NOT NULL,
                description TEXT NOT NULL,
                actions_json TEXT NOT NULL,
                model_pattern TEXT,
                enabled \(int64) NOT NULL,
                disabled_reason TEXT,
                failing_since \(int64),
                cursor \(int64) NOT NULL,
                format TEXT NOT NULL,
                sealed_secret TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at \(int64) NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at \(int64) NOT NULL
            )
            """,
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
                sequence \(int64) NOT NULL,
                message_id TEXT NOT NULL,
                order_key TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts \(int64) NOT NULL,
                created_at \(int64) NOT NULL,
                next_attempt_at \(int64) NOT NULL,
                last_attempt_at \(int64),
                last_status \(int64),
                last_error TEXT,
                lease_until \(int64),
                body TEXT
            )
            """,
            "CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, order_key, state, sequence)",
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_listing ON webhook_deliveries (webhook_id, created_at)",
            """
            CREATE TABLE delivery_attempts (
                delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
                number \(int64) NOT NULL,
                at \(int64) NOT NULL,
                status \(int64),
                latency_ms \(int64) NOT NULL,
                error TEXT,
                response_excerpt TEXT NOT NULL,
                PRIMARY KEY (delivery_id, number)
            )
            """,
            """
            CREATE TABLE deployments (
                model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
                host \(key) NOT NULL,
                version \(int64) NOT NULL,
                reference TEXT NOT NULL,
                directory TEXT NOT NULL,
                synced_at \(int64) NOT NULL,
                reported_by TEXT NOT NULL,
                PRIMARY KEY (model_id, host)
            )
            """,
        ]
    }
}
