import Foundation

/// An admin-managed subscription: the events that match its filter are POSTed, signed, to its URL (decision 0020).
///
/// Its secret is not part of the value: the store keeps it sealed (``SecretSealer``), and it is shown once, when the
/// webhook is created or its secret rotated.
public struct Webhook: Hashable, Sendable {
    public var id: String
    /// Unique, chosen by the admin: what lists and messages show.
    public var name: String
    /// `http` or `https`; every connection is checked at connect time against ``OutboundAddressPolicy``.
    public var url: String
    public var description: String
    /// Actions or dotted families (`version.stage_changed`, `transition`); empty: every action. For the
    /// ``WebhookFormat/mlflow`` format, MLflow's event names (`model_version.created`).
    public var actions: [String]
    /// A glob over model names (`fraud-*`; `*` any run of characters, `?` one); `nil`: events of every model and
    /// those about no model.
    public var modelPattern: String?
    public var enabled: Bool
    /// Why Cairn disabled it (it kept failing), `nil` when enabled or disabled by an admin.
    public var disabledReason: String?
    /// Since when every attempt failed; `nil` after any success. Drives auto-disabling.
    public var failingSince: Date?
    /// The last event sequence examined for it: the outbox's cursor. Events after it are still to be scheduled.
    public var cursor: Int64
    /// How its deliveries look: Cairn's, or MLflow's for webhooks made through the MLflow API.
    public var format: WebhookFormat
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date
    public var updatedBy: String

    public init(
        id: String,
        name: String,
        url: String,
        description: String = "",
        actions: [String] = [],
        modelPattern: String? = nil,
        enabled: Bool = true,
        disabledReason: String? = nil,
        failingSince: Date? = nil,
        cursor: Int64 = 0,
        format: WebhookFormat = .cairn,
        createdAt: Date,
        createdBy: String,
        updatedAt: Date? = nil,
        updatedBy: String? = nil
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
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
        self.updatedBy = updatedBy ?? createdBy
    }

    /// Whether the webhook subscribes to `event`, whose model (when it is about one) is named `modelName`.
    public func wants(_ event: AuditEvent, modelName: String?) -> Bool {
        switch format {
        case .cairn:
            if !actions.isEmpty, !actions.contains(where: { event.action == $0 || event.action.hasPrefix($0 + ".") }) {
                return false
            }
        case .mlflow:
            if MLflowWebhookEvents.event(for: event, in: actions) == nil { return false }
        }
        guard let modelPattern else { return true }
        guard let modelName else { return false }
        return LikePattern.matches(
            Array(modelName.unicodeScalars),
            Array(modelPattern.unicodeScalars),
            anyRun: "*",
            oneCharacter: "?"
        )
    }
}

/// One event (or a test ping) to deliver to one webhook, and where its delivery stands.
public struct WebhookDelivery: Hashable, Sendable {
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// Not yet answered with a 2xx; attempted again at ``WebhookDelivery/nextAttemptAt``.
        case pending
        /// A receiver answered 2xx.
        case delivered
        /// Given up: no 2xx within the retention period (or the webhook was deleted meanwhile).
        case failed
    }

    public var id: String
    public var webhookID: String
    /// The event's sequence; 0 for a test ping.
    public var sequence: Int64
    /// The message id receivers see (`webhook-id`): the same on every retry and redelivery of one event, so a
    /// receiver can drop what it already processed.
    public var messageID: String
    /// What orders deliveries: one model's events reach a webhook in sequence order; different models' do not wait
    /// for each other. The model's id, `-` for events about no model, `ping/ID` for pings.
    public var orderKey: String
    public var state: State
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var lastAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    /// A dispatcher holds it until then (so two replicas never send it at once); `nil`: free.
    public var leaseUntil: Date?
    /// The body as built when it was scheduled, for formats whose body reads the catalog (``WebhookFormat/mlflow``);
    /// `nil`: built from the event at each send (Cairn's format, deterministic).
    public var body: [UInt8]?

    public init(
        id: String,
        webhookID: String,
        sequence: Int64,
        messageID: String,
        orderKey: String,
        state: State = .pending,
        attempts: Int = 0,
        createdAt: Date,
        nextAttemptAt: Date? = nil,
        lastAttemptAt: Date? = nil,
        lastStatusCode: Int? = nil,
        lastError: String? = nil,
        leaseUntil: Date? = nil,
        body: [UInt8]? = nil
    ) {
        self.id = id
        self.webhookID = webhookID
        self.sequence = sequence
        self.messageID = messageID
        self.orderKey = orderKey
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.leaseUntil = leaseUntil
        self.body = body
    }
}

/// One try at delivering: what the receiver answered, or why nothing was answered.
public struct DeliveryAttempt: Hashable, Sendable {
    public var deliveryID: String
    /// 1, 2, 3… per delivery.
    public var number: Int
    public var at: Date
    /// The receiver's status; `nil` when no response came (refused address, time-out, connection error).
    public var statusCode: Int?
    public var latencyMilliseconds: Int
    public var error: String?
    /// The start of the response body (at most ``DeliveryOutcome/excerptLimit`` bytes, as text).
    public var responseExcerpt: String

    public init(
        deliveryID: String,
        number: Int,
        at: Date,
        statusCode: Int?,
        latencyMilliseconds: Int,
        error: String?,
        responseExcerpt: String
    ) {
        self.deliveryID = deliveryID
        self.number = number
        self.at = at
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
        self.responseExcerpt = responseExcerpt
    }

    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}
