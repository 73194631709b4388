import CairnCore
import CairnHTTP
import Foundation
import Hummingbird

/// `webhooks*` (MLflow 3.3+): what `MlflowClient().create_webhook(…)` and friends call. Served from the same outbox as
/// Cairn's own webhooks (decision 0020); webhooks made here deliver in MLflow's format (`{entity, action, timestamp,
/// data}` with the `X-MLflow-*` headers). Admins only, like every webhook.
enum MLflowWebhookRoutes {
    static let base = "/api/2.0/mlflow/webhooks"

    static let routes: [MLflowRoute] = [
        MLflowRoute(.post, "webhooks", .requires(.administer), create),
        MLflowRoute(.get, "webhooks", .requires(.administer), list),
        MLflowRoute(.get, base + "/:webhook_id", .requires(.administer), raw: get),
        MLflowRoute(.patch, base + "/:webhook_id", .requires(.administer), raw: update),
        MLflowRoute(.delete, base + "/:webhook_id", .requires(.administer), raw: delete),
        MLflowRoute(.post, base + "/:webhook_id/test", .requires(.administer), raw: test),
    ]

    static func create(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        // MLflow lets a webhook go unsigned; Cairn signs everything, with a random key of the core's making when none
        // was given (receivers that check nothing ignore the header).
        let (webhook, _) = try await service.delivery.createWebhook(
            NewWebhook(
                name: try input.required("name"),
                url: try input.required("url"),
                description: try input.string("description") ?? "",
                actions: try events(input),
                enabled: try status(input) ?? true,
                secret: try input.string("secret"),
                format: .mlflow
            ),
            actor: context.principal
        )
        return MLflowResponse.wrap("webhook", .object(entity(webhook)))
    }

    static func list(_ input: MLflowInput, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let limit = try input.limit(default: 100, max: 1000)
        let after = try input.pageToken().map { token -> String in
            guard let data = Data(base64Encoded: token), let name = String(data: data, encoding: .utf8) else {
                throw RegistryError(.invalidArgument, "page_token is not a token this server gave out.")
            }
            return name
        }
        let all = try await service.delivery.webhooks(actor: context.principal).filter { $0.format == .mlflow }
        let rest =
            after.map { name in all.filter { !$0.name.utf8.lexicographicallyPrecedes(name.utf8) && $0.name != name } }
            ?? all
        let page = Array(rest.prefix(limit))
        var object = JSONObject()
        object.set("webhooks", list: page.map { JSONValue.object(entity($0)) })
        if rest.count > limit, let last = page.last {
            object.set("next_page_token", Data(last.name.utf8).base64EncodedString())
        }
        return MLflowResponse.json(object)
    }

    static func get(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let webhook = try await mlflowWebhook(context, service)
        return MLflowResponse.wrap("webhook", .object(entity(webhook)))
    }

    static func update(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let input = try await MLflowInput.read(request)
        let events = try input.objects("events").isEmpty ? nil : try Self.events(input)
        let (webhook, _) = try await service.delivery.updateWebhook(
            try await mlflowWebhook(context, service).id,
            WebhookChanges(
                name: try input.string("name"),
                url: try input.string("url"),
                description: try input.string("description"),
                actions: events,
                enabled: try status(input),
                secret: try input.string("secret")
            ),
            actor: context.principal
        )
        return MLflowResponse.wrap("webhook", .object(entity(webhook)))
    }

    static func delete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        try await service.delivery.deleteWebhook(try await mlflowWebhook(context, service).id, actor: context.principal)
        return MLflowResponse.json(JSONObject())
    }

    /// `{"result": {success, response_status, response_body, error_message}}`: MLflow's example payload for the
    /// event asked for (or the webhook's first), sent now.
    static func test(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let input = try await MLflowInput.read(request)
        let event = try input.object("event").map(eventName)
        let (_, attempt) = try await service.delivery.testWebhook(
            try await mlflowWebhook(context, service).id,
            event: event,
            actor: context.principal
        )
        var result = JSONObject()
        result.set("success", .bool(attempt.statusCode.map { $0 < 400 } ?? false))
        result.set("response_status", attempt.statusCode.map { Int64($0) })
        result.set("response_body", attempt.statusCode == nil ? nil : attempt.responseExcerpt)
        result.set("error_message", attempt.statusCode == nil ? "Failed to test webhook: \(attempt.error ?? "")" : nil)
        return MLflowResponse.wrap("result", .object(result))
    }

    /// The webhook as MLflow's `Webhook` message (never its secret).
    static func entity(_ webhook: Webhook) -> JSONObject {
        var object = JSONObject()
        object.set("webhook_id", webhook.id)
        object.set("name", webhook.name)
        object.set("description", webhook.description)
        object.set("url", webhook.url)
        object.set(
            "events",
            list: webhook.actions.map { name in
                let parts = name.split(separator: ".", maxSplits: 1).map { $0.uppercased() }
                var event = JSONObject()
                event.set("entity", parts.first)
                event.set("action", parts.count > 1 ? parts[1] : nil)
                return .object(event)
            }
        )
        object.set("status", webhook.enabled ? "ACTIVE" : "DISABLED")
        object.set("creation_timestamp", Int64((webhook.createdAt.timeIntervalSince1970 * 1000).rounded()))
        object.set("last_updated_timestamp", Int64((webhook.updatedAt.timeIntervalSince1970 * 1000).rounded()))
        return object
    }

    /// The webhook the path names, if it was made through this API: Cairn's own webhooks (other events, another
    /// format) are not MLflow webhooks, and are managed with `cairn webhooks`.
    static func mlflowWebhook(_ context: CairnRequestContext, _ service: RegistryService) async throws -> Webhook {
        let id = try MLflowLoggedModelRoutes.parameter("webhook_id", context)
        let webhook = try await service.delivery.webhook(id, actor: context.principal)
        guard webhook.format == .mlflow else {
            throw RegistryError(
                .notFound,
                "Webhook '\(id.prefix(80))' is a Cairn webhook, not an MLflow one; manage it with `cairn webhooks`."
            )
        }
        return webhook
    }

    /// `events: [{entity, action}]` (enum names, `MODEL_VERSION`/`CREATED`) as `entity.action` names.
    static func events(_ input: MLflowInput) throws -> [String] {
        try input.objects("events").map(eventName)
    }

    static func eventName(_ event: MLflowInput) throws -> String {
        "\(try event.required("entity").lowercased()).\(try event.required("action").lowercased())"
    }

    static func status(_ input: MLflowInput) throws -> Bool? {
        switch try input.string("status") {
        case nil: return nil
        case "ACTIVE": return true
        case "DISABLED": return false
        case let other?:
            throw RegistryError(.invalidArgument, "status '\(other.prefix(40))' is not ACTIVE or DISABLED.")
        }
    }
}
