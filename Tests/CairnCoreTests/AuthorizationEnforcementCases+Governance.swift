import CairnCore
import Foundation

extension EnforcementCase {
    /// Policies, transition requests, model cards, rollback, history and the audit log.
    static let governance: [EnforcementCase] = [
        on(.requestTransition, .write, records: true) {
            _ = try await $0.governance.requestTransition(
                modelName: "fraud",
                number: 1,
                to: .stage(.staging),
                archiveExisting: false,
                comment: "",
                actor: $1
            )
        },
        on(.approveTransition, .approve, records: true, hides: true) {
            _ = try await $0.governance.approveTransition(requestID: $2.requestID, comment: "ok", actor: $1)
        },
        on(.rejectTransition, .approve, records: true, hides: true) {
            _ = try await $0.governance.rejectTransition(requestID: $2.requestID, comment: "no", actor: $1)
        },
        on(
            .cancelTransition,
            .administer,
            records: true,
            hides: true,
            note: "not the requester"
        ) {
            _ = try await $0.governance.cancelTransition(requestID: $2.requestID, comment: "", actor: $1)
        },
        on(.transitionRequest, .read, hides: true) {
            _ = try await $0.governance.transitionRequest(id: $2.requestID, actor: $1)
        },
        on(.transitionRequests, .read) {
            _ = try await $0.governance.transitionRequests(
                modelName: "fraud",
                state: nil,
                after: nil,
                limit: 10,
                actor: $1
            )
        },
        global(.transitionRequests, .read) {
            _ = try await $0.governance.transitionRequests(
                modelName: nil,
                state: .pending,
                after: nil,
                limit: 10,
                actor: $1
            )
        },
        global(.setPolicy, .administer, records: true) {
            _ = try await $0.governance.setPolicy(modelName: "fraud", policy: Policy(), actor: $1)
        },
        global(.setPolicy, .administer, records: true) {
            _ = try await $0.governance.setPolicy(modelName: nil, policy: Policy(), actor: $1)
        },
        global(.deletePolicy, .administer, records: true) {
            try await $0.governance.deletePolicy(modelName: "fraud", actor: $1)
        },
        on(.policy, .read) { _ = try await $0.governance.policy(modelName: "fraud", actor: $1) },
        global(.policy, .read) { _ = try await $0.governance.policy(modelName: nil, actor: $1) },
        on(.modelCard, .read) {
            _ = try await $0.governance.modelCard(modelName: "fraud", number: 1, actor: $1)
        },
        on(.setModelCard, .write) {
            let card = ModelCard(intendedUse: "fraud scoring")
            _ = try await $0.governance.setModelCard(
                modelName: "fraud",
                number: 1,
                card: card,
                expectedRevision: 0,
                actor: $1
            )
        },
        on(.rollback, .write, records: true) {
            _ = try await $0.governance.rollback(modelName: "fraud", reason: "incident 42", actor: $1)
        }.refusingAnonymous,
        on(.stageHistory, .read) {
            _ = try await $0.governance.stageHistory(modelName: "fraud", at: nil, actor: $1)
        },
        on(.provenance, .read) {
            _ = try await $0.governance.provenance(try ModelURI(parsing: "models:/fraud/1"), actor: $1)
        },
        global(.auditLog, .read) {
            _ = try await $0.governance.auditLog(
                AuditLogQuery(modelName: "fraud"),
                afterSequence: 0,
                limit: 10,
                actor: $1
            )
        },
        on(.watchEvents, .read) {
            _ = try await $0.governance.watchEvents(
                EventFilter(modelName: "fraud"),
                afterSequence: 0,
                limit: 10,
                actor: $1
            )
        },
        global(.watchEvents, .read) {
            _ = try await $0.governance.watchEvents(EventFilter(), afterSequence: 0, limit: 10, actor: $1)
        },
        global(.chainHead, .read) { _ = try await $0.governance.chainHead(actor: $1) },
        global(.verifyEventChain, .read) { _ = try await $0.governance.verifyEventChain(actor: $1) },
    ]
}
