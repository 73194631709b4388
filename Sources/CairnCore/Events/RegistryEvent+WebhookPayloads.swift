import Foundation

extension RegistryEvent {
    /// A webhook as created or updated. The URL is recorded without query, credentials or fragment (a query may
    /// carry the receiver's own token); the secret never is, only whether it was replaced.
    public struct WebhookChanged: Hashable, Sendable, Codable {
        public var id: String
        public var name: String
        public var url: String
        public var actions: [String]
        public var modelPattern: String?
        public var enabled: Bool
        public var secretReplaced: Bool?

        public init(_ webhook: Webhook, secretReplaced: Bool? = nil) {
            self.id = webhook.id
            self.name = webhook.name
            self.url = WebhookRules.redacted(webhook.url)
            self.actions = webhook.actions
            self.modelPattern = webhook.modelPattern
            self.enabled = webhook.enabled
            self.secretReplaced = secretReplaced
        }
        enum CodingKeys: String, CodingKey {
            case id, name, url, actions, enabled
            case modelPattern = "model_pattern"
            case secretReplaced = "secret_replaced"
        }
    }

    /// Cairn disabled a webhook that kept failing.
    public struct WebhookDisabled: Hashable, Sendable, Codable {
        public var id: String
        public var reason: String
        public init(id: String, reason: String) {
            self.id = id
            self.reason = reason
        }
    }

    /// A serving host switched to a version (`cairn sync`).
    public struct DeploymentSynced: Hashable, Sendable, Codable {
        public var host: String
        public var version: Int
        public var previousVersion: Int?
        public var reference: String
        public init(host: String, version: Int, previousVersion: Int?, reference: String) {
            self.host = host
            self.version = version
            self.previousVersion = previousVersion
            self.reference = reference
        }
        enum CodingKeys: String, CodingKey {
            case host, version, reference
            case previousVersion = "previous_version"
        }
    }

    /// An admin scheduled a delivery's message again.
    public struct WebhookRedelivered: Hashable, Sendable, Codable {
        public var deliveryID: String
        public var originalID: String
        public var sequence: Int64
        public init(deliveryID: String, of originalID: String, sequence: Int64) {
            self.deliveryID = deliveryID
            self.originalID = originalID
            self.sequence = sequence
        }
        enum CodingKeys: String, CodingKey {
            case sequence
            case deliveryID = "delivery_id"
            case originalID = "original_id"
        }
    }
}
