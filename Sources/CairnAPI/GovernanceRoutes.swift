import CairnCore
import CairnHTTP
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Governance: policies, promotions, transition requests and rollback (the records they leave are in
/// ``RecordRoutes``). Every decision is the core's; these handlers only translate.
enum GovernanceRoutes {
    static let model = "/api/v1/models/{name}"
    static let request = "/api/v1/requests/{id}"

    static let endpoints: [Endpoint] = policyEndpoints + requestEndpoints

    static let policyEndpoints: [Endpoint] = [
        Endpoint(
            method: .get,
            path: "/api/v1/policies/default",
            operationID: "getDefaultPolicy",
            summary: "The registry-wide default policy (applies to every model without one of its own).",
            success: (200, "Policy"),
            errors: [],
            rule: .requires(.read),
            handler: { _, context, service in try await policy(nil, context, service) }
        ),
        Endpoint(
            method: .put,
            path: "/api/v1/policies/default",
            operationID: "setDefaultPolicy",
            summary: "Set the default policy. The body is the policy document (see `cairn policy set`).",
            requestBody: "PolicyDocument",
            success: (200, "Policy"),
            errors: [400, 413, 415],
            rule: .requires(.administer),
            handler: { request, context, service in try await setPolicy(nil, request, context, service) }
        ),
        Endpoint(
            method: .delete,
            path: "/api/v1/policies/default",
            operationID: "deleteDefaultPolicy",
            summary: "Remove the default policy: models without their own become ungoverned.",
            success: (204, nil),
            errors: [404],
            rule: .requires(.administer),
            handler: { _, context, service in
                try await service.governance.deletePolicy(modelName: nil, actor: context.principal)
                return JSONResponse.noContent()
            }
        ),
        Endpoint(
            method: .get,
            path: model + "/policy",
            operationID: "getModelPolicy",
            summary: "The policy governing a model: its own, else the default (`source` says which).",
            success: (200, "Policy"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: { _, context, service in try await policy(try context.pathParameter("name"), context, service) }
        ),
        Endpoint(
            method: .put,
            path: model + "/policy",
            operationID: "setModelPolicy",
            summary: "Set a model's own policy (it replaces the default entirely). The body is the policy document.",
            requestBody: "PolicyDocument",
            success: (200, "Policy"),
            errors: [400, 404, 413, 415],
            rule: .requires(.administer),
            handler: { request, context, service in
                try await setPolicy(try context.pathParameter("name"), request, context, service)
            }
        ),
        Endpoint(
            method: .delete,
            path: model + "/policy",
            operationID: "deleteModelPolicy",
            summary: "Remove a model's own policy; the default applies again.",
            success: (204, nil),
            errors: [400, 404],
            rule: .requires(.administer),
            handler: { _, context, service in
                try await service.governance.deletePolicy(
                    modelName: try context.pathParameter("name"),
                    actor: context.principal
                )
                return JSONResponse.noContent()
            }
        ),
    ]

    static let requestEndpoints: [Endpoint] = [
        Endpoint(
            method: .post,
            path: model + "/versions/{version}/promote",
            operationID: "promoteVersion",
            summary: "Move a version into a stage or point an alias at it. Applied at once (200) unless a policy "
                + "guards the target: then a transition request is created (202) and applied once approved.",
            requestBody: "PromoteRequest",
            success: (200, "TransitionOutcome"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.write),
            handler: promote
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/requests",
            operationID: "listRequests",
            summary: "Transition requests, newest first, optionally of one model and in one state.",
            query: [
                .init(name: "model", description: "Only this model's requests."),
                .init(name: "state", description: "pending, approved, rejected, cancelled or superseded."),
                .init(name: "page_token", description: "The previous page's next_page_token."),
                .init(name: "limit", description: "At most this many, 1 to 1000 (default 100).", type: "integer"),
            ],
            success: (200, "TransitionRequestList"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: listRequests
        ),
        Endpoint(
            method: .get,
            path: request,
            operationID: "getRequest",
            summary: "One transition request with its gate results and decisions.",
            success: (200, "TransitionRequest"),
            errors: [404],
            rule: .requires(.read),
            handler: { _, context, service in
                let found = try await service.governance.transitionRequest(
                    id: try context.pathParameter("id"),
                    actor: context.principal
                )
                return JSONResponse.make(WireMapping.request(found))
            }
        ),
        Endpoint(
            method: .post,
            path: request + "/approve",
            operationID: "approveRequest",
            summary: "Approve a pending request; the last approval needed re-checks the gates and applies it.",
            requestBody: "DecisionRequest",
            success: (200, "TransitionOutcome"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.approve),
            handler: approve
        ),
        Endpoint(
            method: .post,
            path: request + "/reject",
            operationID: "rejectRequest",
            summary: "Reject a pending request, saying why.",
            requestBody: "DecisionRequest",
            success: (200, "TransitionRequest"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.approve),
            handler: { request, context, service in
                let body = try await JSONResponse.decode(DecisionRequest.self, from: request)
                let rejected = try await service.governance.rejectTransition(
                    requestID: try context.pathParameter("id"),
                    comment: body.comment ?? "",
                    actor: context.principal
                )
                return JSONResponse.make(WireMapping.request(rejected))
            }
        ),
        Endpoint(
            method: .post,
            path: request + "/cancel",
            operationID: "cancelRequest",
            summary: "Withdraw a pending request (its requester, or an admin).",
            requestBody: "DecisionRequest",
            success: (200, "TransitionRequest"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.write),
            handler: { request, context, service in
                let body = try await JSONResponse.decode(DecisionRequest.self, from: request)
                let cancelled = try await service.governance.cancelTransition(
                    requestID: try context.pathParameter("id"),
                    comment: body.comment ?? "",
                    actor: context.principal
                )
                return JSONResponse.make(WireMapping.request(cancelled))
            }
        ),
        Endpoint(
            method: .post,
            path: model + "/rollback",
            operationID: "rollback",
            summary: "Re-promote the previous Production version and archive the current one, recording why.",
            requestBody: "RollbackRequest",
            success: (200, "Rollback"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.write),
            handler: rollback
        ),
    ]

    // MARK: Handlers

    static func policy(_ name: String?, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let effective = try await service.governance.policy(modelName: name, actor: context.principal)
        return JSONResponse.make(WireMapping.policy(effective, model: name))
    }

    static func setPolicy(
        _ name: String?,
        _ request: Request,
        _ context: CairnRequestContext,
        _ service: RegistryService
    ) async throws -> Response {
        let document = try await JSONResponse.decode(DocumentValue.self, from: request)
        let stored = try await service.governance.setPolicy(
            modelName: name,
            policy: try Policy(document),
            actor: context.principal
        )
        let source: EffectivePolicy.Source = name == nil ? .default : .model
        return JSONResponse.make(WireMapping.policy(EffectivePolicy(source: source, stored: stored), model: name))
    }

    static func promote(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(PromoteRequest.self, from: request)
        let target: TransitionTarget
        switch (body.stage, body.alias) {
        case (let stage?, nil):
            guard let parsed = Stage(caseInsensitive: stage) else {
                throw RegistryError(
                    .invalidArgument,
                    "'\(stage.prefix(40))' is not a stage; use None, Staging, Production or Archived."
                )
            }
            target = .stage(parsed)
        case (nil, let alias?):
            target = .alias(alias)
        default:
            throw RegistryError(.invalidArgument, "Give exactly one of `stage` and `alias`.")
        }
        let outcome = try await service.governance.requestTransition(
            modelName: try context.pathParameter("name"),
            number: try context.versionParameter(),
            to: target,
            archiveExisting: body.archiveExisting ?? false,
            comment: body.comment ?? "",
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.outcome(outcome), status: outcome.applied ? .ok : .accepted)
    }

    static func approve(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(DecisionRequest.self, from: request)
        let outcome = try await service.governance.approveTransition(
            requestID: try context.pathParameter("id"),
            comment: body.comment ?? "",
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.outcome(outcome))
    }

    static func listRequests(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        let query = request.uri.queryParameters
        let limit = try QueryValue.int(query["limit"], name: "limit") ?? 100
        let state = try query["state"].map { try TransitionRequest.State(parsing: String($0)) }
        let model = query["model"].map(String.init)
        let page = try await service.governance.transitionRequests(
            modelName: model,
            state: state,
            after: try query["page_token"].map { try RequestCursor(token: String($0)) },
            limit: limit,
            actor: context.principal
        )
        return JSONResponse.make(
            TransitionRequestListDTO(requests: page.items.map(WireMapping.request), nextPageToken: page.nextPageToken)
        )
    }

    static func rollback(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(RollbackRequest.self, from: request)
        let outcome = try await service.governance.rollback(
            modelName: try context.pathParameter("name"),
            reason: body.reason,
            actor: context.principal
        )
        return JSONResponse.make(
            RollbackDTO(restored: WireMapping.version(outcome.restored), archived: outcome.archived)
        )
    }
}
