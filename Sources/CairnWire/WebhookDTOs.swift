import Foundation

/// A webhook as the native API shows it: never its secret.
public struct WebhookDTO: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var url: String
    public var description: String
    /// Actions or families it receives; empty: every action.
    public var actions: [String]
    public var modelPattern: String?
    public var enabled: Bool
    public var disabledReason: String?
    public var failingSince: Date?
    /// The last event sequence scheduled for it.
    public var cursor: Int64
    /// `cairn` (Standard Webhooks) or `mlflow` (made through the MLflow API; `actions` are MLflow event names).
    public var format: String
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date

    public init(
        id: String,
        name: String,
        url: String,
        description: String,
        actions: [String],
        modelPattern: String?,
        enabled: Bool,
        disabledReason: String?,
        failingSince: Date?,
        cursor: Int64,
        format: String,
        createdBy: String,
        createdAt: Date,
        updatedBy: String,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.url = url
        self.description = description
        self.actions = actions
        self.modelPattern = modelPattern
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.failingSince = failingSince
        self.cursor = cursor
        self.format = format
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

/// `POST /api/v1/webhooks`.
public struct CreateWebhookRequest: Codable, Sendable, Hashable {
    public var name: String
    public var url: String
    public var description: String?
    public var actions: [String]?
    public var modelPattern: String?
    public var enabled: Bool?
    /// Optional: Cairn makes one (`whsec_…`) when absent.
    public var secret: String?

    public init(
        name: String,
        url: String,
        description: String? = nil,
        actions: [String]? = nil,
        modelPattern: String? = nil,
        enabled: Bool? = nil,
        secret: String? = nil
    ) {
        self.name = name
        self.url = url
        self.description = description
        self.actions = actions
        self.modelPattern = modelPattern
        self.enabled = enabled
        self.secret = secret
    }
}

/// `PATCH /api/v1/webhooks/{webhook}`: absent fields stay; `model_pattern: ""` removes the pattern.
public struct UpdateWebhookRequest: Codable, Sendable, Hashable {
    public var url: String?
    public var description: String?
    public var actions: [String]?
    public var modelPattern: String?
    public var enabled: Bool?
    public var secret: String?
    public var rotateSecret: Bool?

    public init(
        url: String? = nil,
        description: String? = nil,
        actions: [String]? = nil,
        modelPattern: String? = nil,
        enabled: Bool? = nil,
        secret: String? = nil,
        rotateSecret: Bool? = nil
    ) {
        self.url = url
        self.description = description
        self.actions = actions
        self.modelPattern = modelPattern
        self.enabled = enabled
        self.secret = secret
        self.rotateSecret = rotateSecret
    }
}

/// A webhook with its secret: the answer to creation and to a secret's replacement, the only times it is shown.
public struct WebhookWithSecretDTO: Codable, Sendable, Hashable {
    public var webhook: WebhookDTO
    /// Verify `webhook-signature` with it (Standard Webhooks). Store it now: it is not shown again.
    public var secret: String?
    public init(webhook: WebhookDTO, secret: String?) {
        self.webhook = webhook
        self.secret = secret
    }
}

public struct WebhookListDTO: Codable, Sendable, Hashable {
    public var webhooks: [WebhookDTO]
    public init(webhooks: [WebhookDTO]) { self.webhooks = webhooks }
}

public struct DeliveryAttemptDTO: Codable, Sendable, Hashable {
    public var number: Int
    public var at: Date
    public var statusCode: Int?
    public var latencyMs: Int
    public var error: String?
    public var responseExcerpt: String
    public init(number: Int, at: Date, statusCode: Int?, latencyMs: Int, error: String?, responseExcerpt: String) {
        self.number = number
        self.at = at
        self.statusCode = statusCode
        self.latencyMs = latencyMs
        self.error = error
        self.responseExcerpt = responseExcerpt
    }
}

public struct DeliveryDTO: Codable, Sendable, Hashable {
    public var id: String
    public var webhookId: String
    /// The event's sequence; 0 for a test ping.
    public var sequence: Int64
    public var messageId: String
    /// `pending`, `delivered` or `failed`.
    public var state: String
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    /// Every attempt, first first (in single-delivery answers).
    public var attemptLog: [DeliveryAttemptDTO]?

    public init(
        id: String,
        webhookId: String,
        sequence: Int64,
        messageId: String,
        state: String,
        attempts: Int,
        createdAt: Date,
        nextAttemptAt: Date?,
        lastAttemptAt: Date?,
        lastStatusCode: Int?,
        lastError: String?,
        attemptLog: [DeliveryAttemptDTO]? = nil
    ) {
        self.id = id
        self.webhookId = webhookId
        self.sequence = sequence
        self.messageId = messageId
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.attemptLog = attemptLog
    }
}

public struct DeliveryListDTO: Codable, Sendable, Hashable {
    public var deliveries: [DeliveryDTO]
    public init(deliveries: [DeliveryDTO]) { self.deliveries = deliveries }
}

/// `PUT /api/v1/models/{name}/deployments/{host}`: what a serving host now serves.
public struct ReportDeploymentRequest: Codable, Sendable, Hashable {
    public var version: Int
    /// What the host follows: `Production`, `@champion`, `latest` or a number.
    public var reference: String
    public var directory: String?
    public init(version: Int, reference: String, directory: String? = nil) {
        self.version = version
        self.reference = reference
        self.directory = directory
    }
}

/// One serving host's deployment of a model.
public struct DeploymentDTO: Codable, Sendable, Hashable {
    public var model: String
    public var host: String
    public var version: Int
    public var reference: String
    public var directory: String
    public var syncedAt: Date
    public var reportedBy: String
    public init(
        model: String,
        host: String,
        version: Int,
        reference: String,
        directory: String,
        syncedAt: Date,
        reportedBy: String
    ) {
        self.model = model
        self.host = host
        self.version = version
        self.reference = reference
        self.directory = directory
        self.syncedAt = syncedAt
        self.reportedBy = reportedBy
    }
}

public struct DeploymentListDTO: Codable, Sendable, Hashable {
    public var deployments: [DeploymentDTO]
    public init(deployments: [DeploymentDTO]) { self.deployments = deployments }
}
