import CairnCore
import Foundation

extension EnforcementCase {
    /// Policies, transition requests, model cards, rollback, history and the audit log.
    static let governance: [EnforcementCase] = [
        on("requestTransition(modelName:number:to:archiveExisting:comment:actor:)", .write, records: true) {
            _ = try await $0.requestTransition(
                modelName: "fraud",
                number: 1,
                to: .stage(.staging),
                archiveExisting: false,
                comment: "",
                actor: $1
            )
        },
        on("approveTransition(requestID:comment:actor:)", .approve, records: true, hides: true) {
            _ = try await $0.approveTransition(requestID: $2.requestID, comment: "ok", actor: $1)
        },
        on("rejectTransition(requestID:comment:actor:)", .approve, records: true, hides: true) {
            _ = try await $0.rejectTransition(requestID: $2.requestID, comment: "no", actor: $1)
        },
        on(
            "cancelTransition(requestID:comment:actor:)",
            .administer,
            records: true,
            hides: true,
            note: "not the requester"
        ) {
            _ = try await $0.cancelTransition(requestID: $2.requestID, comment: "", actor: $1)
        },
        on("transitionRequest(id:actor:)", .read, hides: true) {
            _ = try await $0.transitionRequest(id: $2.requestID, actor: $1)
        },
        on("transitionRequests(modelName:state:after:limit:actor:)", .read) {
            _ = try await $0.transitionRequests(modelName: "fraud", state: nil, after: nil, limit: 10, actor: $1)
        },
        global("transitionRequests(modelName:state:after:limit:actor:)", .read) {
            _ = try await $0.transitionRequests(modelName: nil, state: .pending, after: nil, limit: 10, actor: $1)
        },
        global("setPolicy(modelName:policy:actor:)", .administer, records: true) {
            _ = try await $0.setPolicy(modelName: "fraud", policy: Policy(), actor: $1)
        },
        global("setPolicy(modelName:policy:actor:)", .administer, records: true) {
            _ = try await $0.setPolicy(modelName: nil, policy: Policy(), actor: $1)
        },
        global("deletePolicy(modelName:actor:)", .administer, records: true) {
            try await $0.deletePolicy(modelName: "fraud", actor: $1)
        },
        on("policy(modelName:actor:)", .read) { _ = try await $0.policy(modelName: "fraud", actor: $1) },
        global("policy(modelName:actor:)", .read) { _ = try await $0.policy(modelName: nil, actor: $1) },
        on("modelCard(modelName:number:actor:)", .read) {
            _ = try await $0.modelCard(modelName: "fraud", number: 1, actor: $1)
        },
        on("setModelCard(modelName:number:card:expectedRevision:actor:)", .write) {
            let card = ModelCard(intendedUse: "fraud scoring")
            _ = try await $0.setModelCard(modelName: "fraud", number: 1, card: card, expectedRevision: 0, actor: $1)
        },
        on("rollback(modelName:reason:actor:)", .write, records: true) {
            _ = try await $0.rollback(modelName: "fraud", reason: "incident 42", actor: $1)
        }.refusingAnonymous,
        on("stageHistory(modelName:at:actor:)", .read) {
            _ = try await $0.stageHistory(modelName: "fraud", at: nil, actor: $1)
        },
        on("provenance(_:actor:)", .read) {
            _ = try await $0.provenance(try ModelURI(parsing: "models:/fraud/1"), actor: $1)
        },
        global("auditLog(_:afterSequence:limit:actor:)", .read) {
            _ = try await $0.auditLog(AuditLogQuery(modelName: "fraud"), afterSequence: 0, limit: 10, actor: $1)
        },
        global("chainHead(actor:)", .read) { _ = try await $0.chainHead(actor: $1) },
        global("verifyEventChain(against:batchSize:actor:)", .read) { _ = try await $0.verifyEventChain(actor: $1) },
    ]
}
