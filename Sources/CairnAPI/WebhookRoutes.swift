import CairnCore
import CairnHTTP
import CairnWire
import Hummingbird

/// `/api/v1/webhooks…` and `/api/v1/deliveries…`: admin-managed webhooks, their delivery record, redelivery and
/// test pings. Secrets appear only in the answers to creation and to a secret's replacement.
enum WebhookRoutes {
    static let webhook = "/api/v1/webhooks/{webhook}"
    static let delivery = "/api/v1/deliveries/{delivery}"

    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .post,
            path: "/api/v1/webhooks",
            operationID: "createWebhook",
            summary: "Create a webhook: the events matching its filter, committed from now on, are POSTed signed to "
                + "its URL. The answer holds its secret, shown this once.",
            requestBody: "CreateWebhookRequest",
            success: (201, "WebhookWithSecret"),
            errors: [400, 409, 413, 415],
            rule: .requires(.administer),
            handler: create
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/webhooks",
            operationID: "listWebhooks",
            summary: "List every webhook, by name.",
            success: (200, "WebhookList"),
            errors: [],
            rule: .requires(.administer),
            handler: list
        ),
        Endpoint(
            method: .get,
            path: webhook,
            operationID: "getWebhook",
            summary: "Get a webhook by id or name (never its secret).",
            success: (200, "Webhook"),
            errors: [404],
            rule: .requires(.administer),
            handler: get
        ),
        Endpoint(
            method: .patch,
            path: webhook,
            operationID: "updateWebhook",
            summary: "Change a webhook's URL, filter, description or enabled flag, or replace its secret (the answer "
                + "then holds the new one). Enabling clears an automatic disabling.",
            requestBody: "UpdateWebhookRequest",
            success: (200, "WebhookWithSecret"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.administer),
            handler: update
        ),
        Endpoint(
            method: .delete,
            path: webhook,
            operationID: "deleteWebhook",
            summary: "Delete a webhook with its delivery record.",
            success: (204, nil),
            errors: [404],
            rule: .requires(.administer),
            handler: delete
        ),
        Endpoint(
            method: .post,
            path: webhook + "/test",
            operationID: "testWebhook",
            summary: "Send a signed webhook.test ping now and answer the attempt's outcome.",
            success: (200, "Delivery"),
            errors: [404],
            rule: .requires(.administer),
            handler: test
        ),
        Endpoint(
            method: .get,
            path: webhook + "/deliveries",
            operationID: "listDeliveries",
            summary: "A webhook's most recent deliveries, newest first.",
            query: [.init(name: "limit", description: "At most this many, 1 to 1000 (default 100).", type: "integer")],
            success: (200, "DeliveryList"),
            errors: [400, 404],
            rule: .requires(.administer),
            handler: deliveries
        ),
        Endpoint(
            method: .get,
            path: delivery,
            operationID: "getDelivery",
            summary: "A delivery with every attempt: time, status code, latency, error and the start of the response.",
            success: (200, "Delivery"),
            errors: [404],
            rule: .requires(.administer),
            handler: getDelivery
        ),
        Endpoint(
            method: .post,
            path: delivery + "/redeliver",
            operationID: "redeliver",
            summary: "Schedule a delivery's message again, now, with the same webhook-id.",
            success: (202, "Delivery"),
            errors: [404],
            rule: .requires(.administer),
            handler: redeliver
        ),
    ]

    static func create(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(CreateWebhookRequest.self, from: request)
        let new = NewWebhook(
            name: body.name,
            url: body.url,
            description: body.description ?? "",
            actions: body.actions ?? [],
            modelPattern: body.modelPattern,
            enabled: body.enabled ?? true,
            secret: body.secret
        )
        let (webhook, secret) = try await service.delivery.createWebhook(new, actor: context.principal)
        var response = JSONResponse.make(
            WebhookWithSecretDTO(webhook: dto(webhook), secret: secret),
            status: .created
        )
        response.headers[.location] = "/api/v1/webhooks/\(webhook.id)"
        return response
    }

    static func list(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let webhooks = try await service.delivery.webhooks(actor: context.principal)
        return JSONResponse.make(WebhookListDTO(webhooks: webhooks.map(dto)))
    }

    static func get(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let webhook = try await service.delivery.webhook(try context.pathParameter("webhook"), actor: context.principal)
        return JSONResponse.make(dto(webhook))
    }

    static func update(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(UpdateWebhookRequest.self, from: request)
        let changes = WebhookChanges(
            url: body.url,
            description: body.description,
            actions: body.actions,
            modelPattern: body.modelPattern.map { $0.isEmpty ? nil : $0 },
            enabled: body.enabled,
            secret: body.secret,
            rotateSecret: body.rotateSecret ?? false
        )
        let (webhook, secret) = try await service.delivery.updateWebhook(
            try context.pathParameter("webhook"),
            changes,
            actor: context.principal
        )
        return JSONResponse.make(WebhookWithSecretDTO(webhook: dto(webhook), secret: secret))
    }

    static func delete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        try await service.delivery.deleteWebhook(try context.pathParameter("webhook"), actor: context.principal)
        return JSONResponse.noContent()
    }

    static func test(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (delivery, attempt) = try await service.delivery.testWebhook(
            try context.pathParameter("webhook"),
            actor: context.principal
        )
        return JSONResponse.make(dto(delivery, attempts: [attempt]))
    }

    static func deliveries(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let limit = try QueryValue.int(request.uri.queryParameters["limit"], name: "limit") ?? 100
        let deliveries = try await service.delivery.deliveries(
            webhook: try context.pathParameter("webhook"),
            limit: limit,
            actor: context.principal
        )
        return JSONResponse.make(DeliveryListDTO(deliveries: deliveries.map { dto($0) }))
    }

    static func getDelivery(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let (delivery, attempts) = try await service.delivery.delivery(
            id: try context.pathParameter("delivery"),
            actor: context.principal
        )
        return JSONResponse.make(dto(delivery, attempts: attempts))
    }

    static func redeliver(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let again = try await service.delivery.redeliver(
            deliveryID: try context.pathParameter("delivery"),
            actor: context.principal
        )
        return JSONResponse.make(dto(again), status: .accepted)
    }

    static func dto(_ webhook: Webhook) -> WebhookDTO {
        WebhookDTO(
            id: webhook.id,
            name: webhook.name,
            url: webhook.url,
            description: webhook.description,
            actions: webhook.actions,
            modelPattern: webhook.modelPattern,
            enabled: webhook.enabled,
            disabledReason: webhook.disabledReason,
            failingSince: webhook.failingSince,
            cursor: webhook.cursor,
            format: webhook.format.rawValue,
            createdBy: webhook.createdBy,
            createdAt: webhook.createdAt,
            updatedBy: webhook.updatedBy,
            updatedAt: webhook.updatedAt
        )
    }

    static func dto(_ delivery: WebhookDelivery, attempts: [DeliveryAttempt]? = nil) -> DeliveryDTO {
        DeliveryDTO(
            id: delivery.id,
            webhookId: delivery.webhookID,
            sequence: delivery.sequence,
            messageId: delivery.messageID,
            state: delivery.state.rawValue,
            attempts: delivery.attempts,
            createdAt: delivery.createdAt,
            nextAttemptAt: delivery.state == .pending ? delivery.nextAttemptAt : nil,
            lastAttemptAt: delivery.lastAttemptAt,
            lastStatusCode: delivery.lastStatusCode,
            lastError: delivery.lastError,
            attemptLog: attempts?.map {
                DeliveryAttemptDTO(
                    number: $0.number,
                    at: $0.at,
                    statusCode: $0.statusCode,
                    latencyMs: $0.latencyMilliseconds,
                    error: $0.error,
                    responseExcerpt: $0.responseExcerpt
                )
            }
        )
    }
}
