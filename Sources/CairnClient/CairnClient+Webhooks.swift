import CairnWire
import Foundation
import NIOHTTP1

/// Webhooks (`/api/v1/webhooks…`, `/api/v1/deliveries…`): admin-managed. Every delivery is signed the Standard
/// Webhooks way with the webhook's secret, which only creation and a secret's replacement answer.
extension CairnClient {
    /// `POST /api/v1/webhooks`. Throws `ALREADY_EXISTS` if the name is taken, `INVALID_ARGUMENT` for a URL Cairn
    /// will not call.
    public func createWebhook(_ request: CreateWebhookRequest) async throws -> WebhookWithSecretDTO {
        try await send(.POST, APIPath("webhooks"), body: request)
    }

    /// `GET /api/v1/webhooks`.
    public func webhooks() async throws -> WebhookListDTO {
        try await send(.GET, APIPath("webhooks"))
    }

    /// `GET /api/v1/webhooks/{webhook}`, by id or name.
    public func webhook(_ idOrName: String) async throws -> WebhookDTO {
        try await send(.GET, APIPath("webhooks", idOrName))
    }

    /// `PATCH /api/v1/webhooks/{webhook}`.
    public func updateWebhook(_ idOrName: String, _ request: UpdateWebhookRequest) async throws
        -> WebhookWithSecretDTO
    {
        try await send(.PATCH, APIPath("webhooks", idOrName), body: request)
    }

    /// `DELETE /api/v1/webhooks/{webhook}`.
    public func deleteWebhook(_ idOrName: String) async throws {
        try await sendRaw(.DELETE, APIPath("webhooks", idOrName))
    }

    /// `POST /api/v1/webhooks/{webhook}/test`: a signed `webhook.test` ping, sent now; answers its attempt.
    public func testWebhook(_ idOrName: String) async throws -> DeliveryDTO {
        try await send(.POST, APIPath("webhooks", idOrName, "test"))
    }

    /// `GET /api/v1/webhooks/{webhook}/deliveries`: the most recent, newest first.
    public func deliveries(webhook idOrName: String, limit: Int = 100) async throws -> DeliveryListDTO {
        try await send(.GET, APIPath("webhooks", idOrName, "deliveries").query("limit", String(limit)))
    }

    /// `GET /api/v1/deliveries/{delivery}`: with every attempt.
    public func delivery(_ id: String) async throws -> DeliveryDTO {
        try await send(.GET, APIPath("deliveries", id))
    }

    /// `POST /api/v1/deliveries/{delivery}/redeliver`: the same message, scheduled again now.
    public func redeliver(_ id: String) async throws -> DeliveryDTO {
        try await send(.POST, APIPath("deliveries", id, "redeliver"))
    }
}

/// Deployments: what serving hosts report (`cairn sync` does after each switch).
extension CairnClient {
    /// `PUT /api/v1/models/{name}/deployments/{host}`.
    @discardableResult
    public func reportDeployment(model: String, host: String, _ request: ReportDeploymentRequest) async throws
        -> DeploymentDTO
    {
        try await send(.PUT, APIPath("models", model, "deployments", host), body: request)
    }

    /// `GET /api/v1/models/{name}/deployments`: which host serves which version.
    public func deployments(model: String) async throws -> DeploymentListDTO {
        try await send(.GET, APIPath("models", model, "deployments"))
    }
}
