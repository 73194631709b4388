import Foundation

/// Reads of webhooks and their delivery state: the outbox beside the event log.
public protocol DeliveryReader: Sendable {
    func webhook(id: String) async throws -> Webhook?
    func webhook(named name: String) async throws -> Webhook?
    /// Every webhook, by name.
    func webhooks() async throws -> [Webhook]
    /// The sealed secret (``SecretSealer``) of a webhook.
    func webhookSecret(id: String) async throws -> [UInt8]?
    func delivery(id: String) async throws -> WebhookDelivery?
    /// A webhook's most recent deliveries, newest first.
    func deliveries(webhookID: String, limit: Int) async throws -> [WebhookDelivery]
    /// A delivery's attempts, first first.
    func attempts(deliveryID: String) async throws -> [DeliveryAttempt]
    /// Pending deliveries of enabled webhooks that may be sent at `now`: due, not leased, and the first pending one of
    /// their webhook and order key (lowest sequence), so one model's events go out in order. Lowest sequence first.
    func dueDeliveries(at now: Date, limit: Int) async throws -> [WebhookDelivery]
    /// The deployment a host last reported for a model.
    func deployment(modelID: String, host: String) async throws -> Deployment?
    /// Every host's deployment of a model, by host name.
    func deployments(modelID: String) async throws -> [Deployment]
}

/// Changes to webhooks and their delivery state.
public protocol DeliveryTransaction: DeliveryReader {
    /// - Throws: `.alreadyExists` when the name is taken.
    func insertWebhook(_ webhook: Webhook, sealedSecret: [UInt8]) async throws
    func updateWebhook(_ webhook: Webhook) async throws
    func replaceWebhookSecret(id: String, sealedSecret: [UInt8]) async throws
    /// Deletes the webhook with its deliveries and attempts.
    func deleteWebhook(id: String) async throws
    func insertDelivery(_ delivery: WebhookDelivery) async throws
    func updateDelivery(_ delivery: WebhookDelivery) async throws
    func appendAttempt(_ attempt: DeliveryAttempt) async throws
    /// Inserts or replaces the (model, host) deployment.
    func putDeployment(_ deployment: Deployment) async throws
    /// Deletes up to `limit` delivered or failed deliveries created before `date`, with their attempts; returns how
    /// many. Pending ones are never deleted.
    func deleteFinishedDeliveries(createdBefore date: Date, limit: Int) async throws -> Int
}

/// Seals secrets that must be used again, not only compared (webhook signing keys): encrypted under a key the
/// server holds, never stored in the clear (production: `AESGCMSecretSealer` in CairnCredentials).
public protocol SecretSealer: Sendable {
    func seal(_ secret: String) throws -> [UInt8]
    /// - Throws: when the bytes were not sealed with this sealer's key (or were altered).
    func open(_ sealed: [UInt8]) throws -> String
}

/// A sealer that refuses: a service built without one manages no webhooks.
public struct NoSecretSealer: SecretSealer {
    public init() {}
    public func seal(_ secret: String) throws -> [UInt8] { throw Self.refusal }
    public func open(_ sealed: [UInt8]) throws -> String { throw Self.refusal }
    static let refusal = RegistryError(
        .failedPrecondition,
        "This server has no key to seal webhook secrets with. Run it with `cairn serve`, which keeps one in its data "
            + "directory, or set CAIRN_SECRET_KEY."
    )
}

/// One signed POST to make.
public struct OutgoingWebhook: Sendable {
    public var url: String
    /// `webhook-id`: the same on every retry of one message.
    public var messageID: String
    /// `webhook-timestamp`: when this attempt was made.
    public var timestamp: Date
    /// The JSON body, signed as it is sent.
    public var body: [UInt8]
    /// The signing secret: `whsec_` and base64 of the key bytes, or (an admin's own, MLflow's) its UTF-8 bytes.
    public var secret: String
    /// Which headers carry the id, timestamp and signature (Standard Webhooks', or MLflow's).
    public var format: WebhookFormat

    public init(
        url: String,
        messageID: String,
        timestamp: Date,
        body: [UInt8],
        secret: String,
        format: WebhookFormat = .cairn
    ) {
        self.url = url
        self.messageID = messageID
        self.timestamp = timestamp
        self.body = body
        self.secret = secret
        self.format = format
    }
}

/// What one attempt came to.
public struct DeliveryOutcome: Sendable, Hashable {
    public var statusCode: Int?
    public var latency: Duration
    public var error: String?
    public var responseExcerpt: String
    /// The most of a response body read and kept.
    public static let excerptLimit = 1024

    public init(statusCode: Int?, latency: Duration, error: String? = nil, responseExcerpt: String = "") {
        self.statusCode = statusCode
        self.latency = latency
        self.error = error
        self.responseExcerpt = responseExcerpt
    }

    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// Sends webhook POSTs (production: `CairnWebhooks.WebhookHTTPTransport`, which signs, checks every address it
/// connects to, follows no redirect and bounds every read and wait). Never throws: a failure is an outcome.
public protocol WebhookTransport: Sendable {
    func send(_ message: OutgoingWebhook) async -> DeliveryOutcome
}

/// A transport that sends nothing: a service built without one delivers nothing and says why.
public struct NoWebhookTransport: WebhookTransport {
    public init() {}
    public func send(_ message: OutgoingWebhook) async -> DeliveryOutcome {
        DeliveryOutcome(statusCode: nil, latency: .zero, error: "this server sends no webhooks")
    }
}
