/// JSON Schemas of the webhook bodies (`CairnWire/WebhookDTOs.swift`).
extension OpenAPISchemas {
    static var webhooks: [String: Any] {
        let strings = array(string)
        let nullableString: [String: Any] = ["type": ["string", "null"]]
        let nullableInteger: [String: Any] = ["type": ["integer", "null"]]
        let webhook = object(
            [
                "id": string, "name": string, "url": string, "description": string, "actions": strings,
                "model_pattern": nullableString, "enabled": ["type": "boolean"], "disabled_reason": nullableString,
                "failing_since": nullableTimestamp, "cursor": ["type": "integer"],
                "format": ["type": "string", "enum": ["cairn", "mlflow"]], "created_by": string,
                "created_at": timestamp, "updated_by": string, "updated_at": timestamp,
            ],
            required: ["id", "name", "url", "description", "actions", "enabled", "cursor", "format", "created_at"]
        )
        let attempt = object(
            [
                "number": ["type": "integer"], "at": timestamp, "status_code": nullableInteger,
                "latency_ms": ["type": "integer"], "error": nullableString, "response_excerpt": string,
            ],
            required: ["number", "at", "latency_ms", "response_excerpt"]
        )
        let delivery = object(
            [
                "id": string, "webhook_id": string, "sequence": ["type": "integer"], "message_id": string,
                "state": ["type": "string", "enum": ["pending", "delivered", "failed"]],
                "attempts": ["type": "integer"], "created_at": timestamp, "next_attempt_at": nullableTimestamp,
                "last_attempt_at": nullableTimestamp, "last_status_code": nullableInteger, "last_error": nullableString,
                "attempt_log": array(ref("DeliveryAttempt")),
            ],
            required: ["id", "webhook_id", "sequence", "message_id", "state", "attempts", "created_at"]
        )
        return [
            "Webhook": webhook,
            "WebhookList": object(["webhooks": array(ref("Webhook"))], required: ["webhooks"]),
            "WebhookWithSecret": object(
                ["webhook": ref("Webhook"), "secret": nullableString],
                required: ["webhook"]
            ),
            "CreateWebhookRequest": object(
                [
                    "name": string, "url": string, "description": string, "actions": strings, "model_pattern": string,
                    "enabled": ["type": "boolean"], "secret": string,
                ],
                required: ["name", "url"]
            ),
            "UpdateWebhookRequest": object(
                [
                    "url": string, "description": string, "actions": strings, "model_pattern": string,
                    "enabled": ["type": "boolean"], "secret": string, "rotate_secret": ["type": "boolean"],
                ]
            ),
            "DeliveryAttempt": attempt,
            "Delivery": delivery,
            "DeliveryList": object(["deliveries": array(ref("Delivery"))], required: ["deliveries"]),
            "ReportDeploymentRequest": object(
                ["version": ["type": "integer"], "reference": string, "directory": string],
                required: ["version", "reference"]
            ),
            "Deployment": object(
                [
                    "model": string, "host": string, "version": ["type": "integer"], "reference": string,
                    "directory": string, "synced_at": timestamp, "reported_by": string,
                ],
                required: ["model", "host", "version", "reference", "directory", "synced_at", "reported_by"]
            ),
            "DeploymentList": object(["deployments": array(ref("Deployment"))], required: ["deployments"]),
        ]
    }
}
