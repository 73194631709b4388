import CairnCore
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Governance: policies, promotions and transition requests, model cards, rollback, history, provenance and the
/// audit log. Every decision is the core's; these handlers only translate.
enum GovernanceRoutes {
    static let model = "/api/v1/models/{name}"
    static let request = "/api/v1/requests/{id}"

    static let endpoints: [Endpoint] = policyEndpoints + requestEndpoints + recordEndpoints

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
                try await service.deletePolicy(modelName: nil, actor: context.principal)
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
                try await service.deletePolicy(modelName: try context.pathParameter("name"), actor: context.principal)
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
                let found = try await service.transitionRequest(
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
                let rejected = try await service.rejectTransition(
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
                let cancelled = try await service.cancelTransition(
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

    static let recordEndpoints: [Endpoint] = [
        Endpoint(
            method: .get,
            path: model + "/versions/{version}/card",
            operationID: "getModelCard",
            summary: "A version's model card (revision 0 when none was written); `format=markdown` exports Markdown.",
            query: [.init(name: "format", description: "`json` (default) or `markdown`.")],
            success: (200, "ModelCard"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: card
        ),
        Endpoint(
            method: .put,
            path: model + "/versions/{version}/card",
            operationID: "setModelCard",
            summary: "Replace a version's model card (allowed after sealing; every edit is recorded).",
            requestBody: "SetModelCardRequest",
            success: (200, "ModelCard"),
            errors: [400, 404, 409, 413, 415],
            rule: .requires(.write),
            handler: setCard
        ),
        Endpoint(
            method: .get,
            path: model + "/history",
            operationID: "stageHistory",
            summary: "Which versions were in which stage at a time (now by default), with every stage change.",
            query: [.init(name: "at", description: "An ISO 8601 time, e.g. 2026-03-03T10:00:00Z.")],
            success: (200, "StageHistory"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: history
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/provenance",
            operationID: "provenance",
            summary: "For a models:/ URI: the version's lineage (run, datasets, params, metrics), its card, who "
                + "approved it on what gate evidence, and its stage changes.",
            query: [.init(name: "uri", description: "The models:/ URI, e.g. models:/fraud/Production.")],
            success: (200, "Provenance"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: provenance
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/audit/events",
            operationID: "auditLog",
            summary: "The event log filtered by model, version, actor, action (or family) and time.",
            query: [
                .init(name: "model", description: "A model's name (its history under earlier names included)."),
                .init(name: "version", description: "A version number (needs model).", type: "integer"),
                .init(name: "actor", description: "Exactly this principal."),
                .init(name: "action", description: "An action (transition.approved) or a family (transition)."),
                .init(name: "since", description: "At or after this ISO 8601 time."),
                .init(name: "until", description: "Before this ISO 8601 time."),
                .init(name: "after", description: "Only events with a higher sequence (paging).", type: "integer"),
                .init(name: "limit", description: "At most this many, 1 to 1000 (default 100).", type: "integer"),
            ],
            success: (200, "AuditLog"),
            errors: [400],
            rule: .requires(.read),
            handler: auditLog
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/audit/head",
            operationID: "chainHead",
            summary: "The newest entry of the event chain (sequence and hash), to sign and publish elsewhere.",
            success: (200, "ChainHead"),
            errors: [404],
            rule: .requires(.read),
            handler: { _, context, service in
                guard let head = try await service.chainHead(actor: context.principal) else {
                    throw RegistryError(.notFound, "The event log is empty; there is no head to export yet.")
                }
                return JSONResponse.make(WireMapping.head(head))
            }
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/audit/verify",
            operationID: "verifyAuditLog",
            summary: "Re-walk the event chain; report the first altered, deleted, inserted or reordered entry, and "
                + "with an exported head, a log truncated below it or rewritten since.",
            query: [
                .init(name: "head_sequence", description: "An exported head's sequence.", type: "integer"),
                .init(name: "head_hash", description: "That head's hash (64 hex digits)."),
            ],
            success: (200, "AuditVerification"),
            errors: [400],
            rule: .requires(.read),
            handler: verify
        ),
    ]

    // MARK: Handlers

    static func policy(_ name: String?, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let effective = try await service.policy(modelName: name, actor: context.principal)
        return JSONResponse.make(WireMapping.policy(effective, model: name))
    }

    static func setPolicy(
        _ name: String?,
        _ request: Request,
        _ context: CairnRequestContext,
        _ service: RegistryService
    ) async throws -> Response {
        let document = try await JSONResponse.decode(DocumentValue.self, from: request)
        let stored = try await service.setPolicy(
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
        let outcome = try await service.requestTransition(
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
        let outcome = try await service.approveTransition(
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
        let requests = try await service.transitionRequests(
            modelName: model,
            state: state,
            after: try query["page_token"].map { try RequestCursor(token: String($0)) },
            limit: limit,
            actor: context.principal
        )
        let next = requests.count == limit ? requests.last.map { RequestCursor(after: $0).token } : nil
        return JSONResponse.make(
            TransitionRequestListDTO(requests: requests.map(WireMapping.request), nextPageToken: next)
        )
    }

    static func rollback(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(RollbackRequest.self, from: request)
        let outcome = try await service.rollback(
            modelName: try context.pathParameter("name"),
            reason: body.reason,
            actor: context.principal
        )
        return JSONResponse.make(
            RollbackDTO(restored: WireMapping.version(outcome.restored), archived: outcome.archived)
        )
    }

    static func card(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number) = (try context.pathParameter("name"), try context.versionParameter())
        let stored = try await service.modelCard(modelName: name, number: number, actor: context.principal)
        switch request.uri.queryParameters["format"].map(String.init) ?? "json" {
        case "json":
            return JSONResponse.make(WireMapping.card(stored, model: name, version: number))
        case "markdown", "md":
            let text = stored.card.renderMarkdown(
                modelName: name,
                version: number,
                revision: stored.revision,
                updatedBy: stored.updatedBy,
                updatedAt: stored.updatedAt
            )
            let body = ByteBuffer(string: text)
            return Response(
                status: .ok,
                headers: [.contentType: "text/markdown; charset=utf-8", .contentLength: String(body.readableBytes)],
                body: .init(byteBuffer: body)
            )
        case let other:
            throw RegistryError(.invalidArgument, "'\(other.prefix(40))' is not a card format; use json or markdown.")
        }
    }

    static func setCard(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number) = (try context.pathParameter("name"), try context.versionParameter())
        let body = try await JSONResponse.decode(SetModelCardRequest.self, from: request)
        let stored = try await service.setModelCard(
            modelName: name,
            number: number,
            card: try ModelCard(body.card),
            expectedRevision: body.expectedRevision,
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.card(stored, model: name, version: number))
    }

    static func history(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let history = try await service.stageHistory(
            modelName: try context.pathParameter("name"),
            at: try QueryValue.time(request.uri.queryParameters["at"], name: "at"),
            actor: context.principal
        )
        return JSONResponse.make(WireMapping.history(history))
    }

    static func provenance(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService)
        async throws -> Response
    {
        guard let text = request.uri.queryParameters["uri"] else {
            throw RegistryError(.invalidArgument, "Pass the version as ?uri=models:/NAME/VERSION (or /STAGE, @ALIAS).")
        }
        let found = try await service.provenance(try ModelURI(parsing: String(text)), actor: context.principal)
        let version = found.version
        return JSONResponse.make(
            ProvenanceDTO(
                version: WireMapping.version(version),
                card: WireMapping.card(found.card, model: version.modelName, version: version.number),
                requests: found.requests.map(WireMapping.request),
                stageChanges: found.stageChanges.map(WireMapping.stageChange)
            )
        )
    }

    static func auditLog(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query[name[...]].map(String.init) }
        let limit = try QueryValue.int(query["limit"], name: "limit") ?? 100
        let filter = AuditLogQuery(
            modelName: text("model"),
            versionNumber: try QueryValue.int(query["version"], name: "version"),
            actor: text("actor"),
            action: text("action"),
            since: try QueryValue.time(query["since"], name: "since"),
            until: try QueryValue.time(query["until"], name: "until")
        )
        let events = try await service.auditLog(
            filter,
            afterSequence: Int64(try QueryValue.int(query["after"], name: "after") ?? 0),
            limit: limit,
            actor: context.principal
        )
        let next = events.count == limit ? events.last?.sequence : nil
        return JSONResponse.make(AuditLogDTO(events: events.map(WireMapping.event), nextAfter: next))
    }

    static func verify(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let query = request.uri.queryParameters
        var head: ChainHead?
        switch (try QueryValue.int(query["head_sequence"], name: "head_sequence"), query["head_hash"]) {
        case (nil, nil):
            head = nil
        case (let sequence?, let hash?):
            let hex = String(hash).lowercased()
            guard sequence >= 1, hex.utf8.count == 64,
                hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
            else {
                throw RegistryError(.invalidArgument, "head_sequence must be >= 1 and head_hash 64 hexadecimal digits.")
            }
            head = ChainHead(sequence: Int64(sequence), hash: hex, time: Date(timeIntervalSince1970: 0))
        default:
            throw RegistryError(.invalidArgument, "Give both head_sequence and head_hash, or neither.")
        }
        let result = try await service.verifyEventChain(against: head, actor: context.principal)
        return JSONResponse.make(WireMapping.verification(result))
    }
}

extension QueryValue {
    /// An ISO 8601 time (query values arrive percent-decoded) (`2026-03-03T10:00Z`, `2026-03-03T10:00:00.000Z`, or a date `2026-03-03` meaning its start in
    /// UTC).
    static func time(_ text: Substring?, name: String) throws -> Date? {
        guard let text else { return nil }
        let raw = String(text)
        guard let date = WireTime.parse(raw) else {
            throw RegistryError(
                .invalidArgument,
                "Query parameter '\(name)' must be an ISO 8601 time such as 2026-03-03T10:00:00Z (got '\(raw.prefix(40))')."
            )
        }
        return date
    }
}
