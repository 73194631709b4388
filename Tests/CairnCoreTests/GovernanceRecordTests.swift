import CairnCore
import CairnTesting
import Foundation
import Testing

/// What governance leaves behind and reads back: rollback, stage history at a time, pre-upgrade events, provenance.
/// Uses the world and principals of ``GovernanceWorkflowTests``.
@Suite("Governance records")
struct GovernanceRecordTests {
    @Test("rollback restores the previous Production version in one step, with its reason recorded")
    func rollback() async throws {
        let world = try await GovernanceWorkflowTests.World.make()
        try await world.publish(["auc": 0.9])
        try await world.publish(["auc": 0.91])
        await expectRegistryError(.failedPrecondition) {
            try await world.service.governance.rollback(
                modelName: "fraud",
                reason: "bad",
                actor: GovernanceWorkflowTests.ed
            )
        }
        _ = try await world.request(1)
        _ = try await world.service.governance.requestTransition(
            modelName: "fraud",
            number: 2,
            to: .stage(.production),
            archiveExisting: true,
            comment: "",
            actor: GovernanceWorkflowTests.ed
        )
        await expectRegistryError(.invalidArgument) {
            try await world.service.governance.rollback(
                modelName: "fraud",
                reason: "  ",
                actor: GovernanceWorkflowTests.ed
            )
        }
        let outcome = try await world.service.governance.rollback(
            modelName: "fraud",
            reason: "incident 7: precision drop",
            actor: GovernanceWorkflowTests.ed
        )
        #expect(outcome.restored.number == 1 && outcome.archived == [2])
        #expect(try await world.stage(1) == .production)
        #expect(try await world.stage(2) == .archived)
        let event = try #require(try await world.events().last)
        #expect(event.action == "version.stage_changed" && event.payload.contains("incident 7: precision drop"))
        // Rolling back again goes back to version 2: the most recent other version to have been in Production.
        let again = try await world.service.governance.rollback(
            modelName: "fraud",
            reason: "false alarm",
            actor: GovernanceWorkflowTests.ed
        )
        #expect(again.restored.number == 2 && again.archived == [1])
    }

    @Test("history answers which version was in a stage at a time, across renames")
    func history() async throws {
        let world = try await GovernanceWorkflowTests.World.make()
        try await world.publish(["auc": 0.9])
        try await world.publish(["auc": 0.91])
        _ = try await world.request(1)
        let whileOne = world.clock.advance(by: 60)
        world.clock.advance(by: 1)
        _ = try await world.service.governance.requestTransition(
            modelName: "fraud",
            number: 2,
            to: .stage(.production),
            archiveExisting: true,
            comment: "",
            actor: GovernanceWorkflowTests.ed
        )
        let whileTwo = world.clock.advance(by: 60)
        _ = try await world.service.catalog.renameModel(name: "fraud", to: "fraud-v2", actor: alice)
        let then = try await world.service.governance.stageHistory(
            modelName: "fraud-v2",
            at: whileOne,
            actor: GovernanceWorkflowTests.ed
        )
        #expect(then.versions(in: .production) == [1] && then.changes.count == 1)
        let later = try await world.service.governance.stageHistory(
            modelName: "fraud-v2",
            at: whileTwo,
            actor: GovernanceWorkflowTests.ed
        )
        #expect(later.versions(in: .production) == [2] && later.versions(in: .archived) == [1])
        let before = try await world.service.governance.stageHistory(
            modelName: "fraud-v2",
            at: ManualClock.defaultStart,
            actor: GovernanceWorkflowTests.ed
        )
        #expect(before.versions(in: .production).isEmpty)
        let log = try await world.service.governance.auditLog(
            AuditLogQuery(modelName: "fraud-v2", versionNumber: 2, action: "version"),
            afterSequence: 0,
            limit: 100,
            actor: GovernanceWorkflowTests.ed
        )
        #expect(
            log.events.map(\.action) == [
                "version.created", "version.file_uploaded", "version.finalized", "version.stage_changed",
            ]
        )
        #expect(log.events.allSatisfy { $0.subject.hasPrefix("model/fraud/") }, "events keep the name of their time")
    }

    @Test("events written before events carried a model id still count for history, by the model's name")
    func legacyEvents() async throws {
        let world = try await GovernanceWorkflowTests.World.make()
        try await world.publish(["auc": 0.9])
        let legacy = try await world.store.write { tx in
            let event = EventChain.next(
                after: try await tx.lastEvent(),
                time: world.clock.advance(by: 1),
                actor: "old-admin",
                action: "version.stage_changed",
                subject: "model/fraud/version/1",
                payload: #"{"archived":[],"from":"None","to":"Production"}"#
            )
            try await tx.appendEvent(event)
            return event
        }
        #expect(legacy.modelID == nil)
        let history = try await world.service.governance.stageHistory(
            modelName: "fraud",
            at: nil,
            actor: GovernanceWorkflowTests.ed
        )
        #expect(history.versions(in: .production) == [1] && history.changes.first?.actor == "old-admin")
        let log = try await world.service.governance.auditLog(
            AuditLogQuery(modelName: "fraud", actor: "old-admin"),
            afterSequence: 0,
            limit: 10,
            actor: GovernanceWorkflowTests.ed
        )
        #expect(log.events == [legacy])
        #expect(try await world.service.governance.verifyEventChain(actor: GovernanceWorkflowTests.ed).broken == nil)
    }

    @Test("provenance: who approved, on what gate evidence, and what trained the version, in one call")
    func provenance() async throws {
        let world = try await GovernanceWorkflowTests.World.make()
        try await world.setPolicy(
            #"{"stages": {"Production": {"approvals": 1, "gates": {"metrics": ["auc >= 0.8"]}}}}"#
        )
        world.clock.advance(by: 1)
        _ = try await world.service.publishVersion(
            modelName: "fraud",
            files: ["model.bin": bytes("w")],
            NewVersion(
                lineage: VersionLineage(
                    runID: "run-1",
                    datasets: [DatasetReference(name: "tx-2026-03", digest: "sha256:feed")],
                    params: ["depth": "6"],
                    metrics: ["auc": 0.9]
                )
            ),
            actor: GovernanceWorkflowTests.ed
        )
        let request = try #require(try await world.request(1).request)
        _ = try await world.approve(request.id, by: GovernanceWorkflowTests.abe)
        let found = try await world.service.governance.provenance(
            try ModelURI(parsing: "models:/fraud/Production"),
            actor: GovernanceWorkflowTests.eve
        )
        #expect(found.version.number == 1 && found.version.lineage.runID == "run-1")
        #expect(
            found.version.lineage.datasets.first?.digest == "sha256:feed"
                && found.version.lineage.params == ["depth": "6"]
        )
        #expect(found.requests.count == 1 && found.requests[0].approvals.map(\.approver) == ["abe"])
        #expect(found.requests[0].gateResults.first?.observed["auc"] == "0.9")
        #expect(found.stageChanges.map(\.to) == [.production] && found.stageChanges[0].request == request.id)
    }
}
