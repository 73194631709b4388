import CairnCore
import CairnHTTP
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The records governance keeps: model cards, stage history, provenance and the audit log (with chain verification).
enum RecordRoutes {
    static let model = GovernanceRoutes.model

    static let endpoints: [Endpoint] = [
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
                guard let head = try await service.governance.chainHead(actor: context.principal) else {
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

    static func card(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number) = (try context.pathParameter("name"), try context.versionParameter())
        let stored = try await service.governance.modelCard(modelName: name, number: number, actor: context.principal)
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
        let stored = try await service.governance.setModelCard(
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
        let history = try await service.governance.stageHistory(
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
        let found = try await service.governance.provenance(
            try ModelURI(parsing: String(text)),
            actor: context.principal
        )
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
        let page = try await service.governance.auditLog(
            filter,
            afterSequence: Int64(try QueryValue.int(query["after"], name: "after") ?? 0),
            limit: limit,
            actor: context.principal
        )
        return JSONResponse.make(AuditLogDTO(events: page.events.map(WireMapping.event), nextAfter: page.nextAfter))
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
        let result = try await service.governance.verifyEventChain(against: head, actor: context.principal)
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
