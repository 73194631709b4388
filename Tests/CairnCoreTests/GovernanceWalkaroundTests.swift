import CairnCore
import CairnTesting
import Foundation
import Testing

/// Governance from the attacker's side: each test tries a way around a policy and proves it fails (issue 10, point 2).
/// Uses the world and principals of ``GovernanceWorkflowTests``.
@Suite("Governance walk-arounds")
struct GovernanceWalkaroundTests {
    typealias Cast = GovernanceWorkflowTests
    static let guarded = #"{"stages": {"Production": {"approvals": 1}}}"#

    @Test("an editor cannot rename a guarded model to free its name for an unguarded twin")
    func renameOutFromUnderPolicy() async throws {
        let world = try await Cast.World.make()
        try await world.setPolicy(Self.guarded)
        try await world.publish(["auc": 0.9])

        let before = try await world.events().count
        let refused = await expectRegistryError(.permissionDenied) {
            try await world.service.catalog.renameModel(name: "fraud", to: "fraud-old", actor: Cast.ed)
        }
        #expect(refused?.message.contains("has its own policy") == true, "\(refused?.message ?? "")")
        let events = try await world.events()
        #expect(events.count == before + 1 && events.last?.action == "access.denied")
        // The name still belongs to the guarded model: no twin can take it, and promoting it still needs approval.
        await expectRegistryError(.alreadyExists) {
            try await world.service.catalog.createModel(name: "fraud", actor: Cast.ed)
        }
        #expect(try await world.request(1).applied == false)
        #expect(try await world.stage(1) == .none)

        // A model without its own policy is renamed by its editors as before; an admin may rename a guarded one.
        _ = try await world.service.catalog.createModel(name: "plain", actor: Cast.ed)
        _ = try await world.service.catalog.renameModel(name: "plain", to: "plain-2", actor: Cast.ed)
        let moved = try await world.service.catalog.renameModel(name: "fraud", to: "fraud-old", actor: alice)
        #expect(moved.name == "fraud-old")
        let policy = try await world.service.governance.policy(modelName: "fraud-old", actor: Cast.ed)
        #expect(policy.stored?.policy.rule(for: .stage(.production)) != nil, "the policy follows the model")
    }

    @Test("an anonymous caller cannot create, upload to, finalize or request on a guarded model")
    func anonymousRequesterFlow() async throws {
        let world = try await Cast.World.make()
        let anonymous = Principal.anonymous(.editor)
        // Unguarded, anonymous editors work as on a laptop MLflow server.
        let free = try await world.service.publishVersion(
            modelName: "fraud",
            files: ["m.bin": bytes("w")],
            actor: anonymous
        )
        let pending = try await world.service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: anonymous)

        try await world.setPolicy(Self.guarded)
        let before = try await world.events().count
        let create = await expectRegistryError(.unauthenticated) {
            try await world.service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: anonymous)
        }
        #expect(create?.message.contains("needs an account") == true, "\(create?.message ?? "")")
        await expectRegistryError(.unauthenticated) {
            try await world.service.upload(
                bytes("x"),
                modelName: "fraud",
                number: pending.number,
                path: "m.bin",
                actor: anonymous
            )
        }
        await expectRegistryError(.unauthenticated) {
            try await world.service.catalog.finalizeVersion(
                modelName: "fraud",
                number: pending.number,
                actor: anonymous
            )
        }
        await expectRegistryError(.unauthenticated) { try await world.request(free.number, by: anonymous) }
        await expectRegistryError(.unauthenticated) {
            try await world.service.governance.rollback(modelName: "fraud", reason: "incident", actor: anonymous)
        }
        #expect(try await world.events().count == before, "nothing was written")
        // So an approver cannot be the anonymous requester of what they approve: no request exists to approve.
        let requests = try await world.service.governance.transitionRequests(
            modelName: "fraud",
            state: nil,
            after: nil,
            limit: 10,
            actor: Cast.abe
        )
        #expect(requests.items.isEmpty)
        #expect(try await world.stage(free.number) == .none)

        // A default policy guards every model the same way.
        _ = try await world.service.catalog.createModel(name: "other", actor: Cast.ed)
        try await world.setPolicy(Self.guarded, model: nil)
        await expectRegistryError(.unauthenticated) {
            try await world.service.catalog.createVersion(modelName: "other", NewVersion(), actor: anonymous)
        }
    }

    @Test("rollback never restores a version someone pulled out of Production")
    func rollbackSkipsDemoted() async throws {
        let world = try await Cast.World.make()
        try await world.setPolicy(#"{"stages": {"Production": {"approvals": 0, "archive_existing": true}}}"#)
        for auc in [0.9, 0.91, 0.92] { try await world.publish(["auc": auc]) }
        #expect(try await world.request(1).applied)
        #expect(try await world.request(2).applied)  // archives 1
        // The admin pulls version 2 out of Production (say, it leaks data); then 3 is promoted.
        _ = try await world.service.governance.requestTransition(
            modelName: "fraud",
            number: 2,
            to: .stage(.archived),
            archiveExisting: false,
            comment: "pulled: leaks PII",
            actor: alice
        )
        #expect(try await world.request(3).applied)

        // Rolling back 3 skips the pulled version 2 and restores 1, which left Production only because 2 replaced it.
        let outcome = try await world.service.governance.rollback(
            modelName: "fraud",
            reason: "3 regressed",
            actor: Cast.ed
        )
        #expect(outcome.restored.number == 1 && outcome.archived == [3])
        #expect(try await world.stage(2) == .archived)

        // With only pulled versions behind it, there is nothing to roll back to, and the refusal says why.
        let world2 = try await Cast.World.make()
        try await world2.setPolicy(#"{"stages": {"Production": {"approvals": 0}}}"#)
        for auc in [0.9, 0.91] { try await world2.publish(["auc": auc]) }
        #expect(try await world2.request(1).applied)
        _ = try await world2.service.governance.requestTransition(
            modelName: "fraud",
            number: 1,
            to: .stage(.archived),
            archiveExisting: false,
            comment: "pulled",
            actor: alice
        )
        #expect(try await world2.request(2).applied)
        let refused = await expectRegistryError(.failedPrecondition) {
            try await world2.service.governance.rollback(modelName: "fraud", reason: "2 regressed", actor: Cast.ed)
        }
        #expect(
            refused?.message.contains("version 1 was moved out of it by alice") == true,
            "\(refused?.message ?? "")"
        )
        #expect(try await world2.stage(1) == .archived)
        #expect(try await world2.stage(2) == .production)
    }

    @Test("a metric logged to the run after sealing changes no gate verdict; a finished run takes no metrics")
    func frozenRunEvidence() async throws {
        let world = try await Cast.World.make()
        let run = try await world.run(auc: 0.5)
        func log(_ value: Double) async throws {
            let point = MetricPoint(key: "auc", value: value, timestamp: 2, step: 0)
            try await world.service.tracking.logBatch(
                runID: run.id,
                metrics: [point],
                params: [:],
                tags: [:],
                actor: Cast.ed
            )
        }
        world.clock.advance(by: 1)
        let sealed = try await world.service.publishVersion(
            modelName: "fraud",
            files: ["m.bin": bytes("w")],
            NewVersion(lineage: VersionLineage(runID: run.id)),
            actor: Cast.ed
        )
        #expect(sealed.lineage.runMetrics == ["auc": 0.5])
        #expect(
            try await world.service.catalog.version(modelName: "fraud", number: 1, actor: Cast.ed).lineage.runMetrics
                == ["auc": 0.5]
        )

        // The run is still running: a later, better metric is logged, but the version sealed 0.5.
        try await log(0.99)
        try await world.setPolicy(
            #"{"stages": {"Production": {"approvals": 0, "gates": {"metrics": ["auc >= 0.9"], "metrics_source": "run"}}}}"#
        )
        let blocked = await expectRegistryError(.failedPrecondition) { try await world.request(1) }
        #expect(blocked?.message.contains("auc 0.5") == true, "\(blocked?.message ?? "")")

        // Once finished, the run refuses metrics (resuming it is an explicit, visible step).
        _ = try await world.service.tracking.updateRun(
            id: run.id,
            status: .finished,
            endTime: 3,
            name: nil,
            actor: Cast.ed
        )
        let late = await expectRegistryError(.invalidArgument) { try await log(1.0) }
        #expect(late?.message.contains("FINISHED") == true)
        try await world.service.tracking.logBatch(
            runID: run.id,
            metrics: [],
            params: ["p": "1"],
            tags: ["t": "x"],
            actor: Cast.ed
        )
        #expect(try await world.service.tracking.run(id: run.id, actor: Cast.ed).metrics["auc"]?.value == 0.99)
        await expectRegistryError(.failedPrecondition) { try await world.request(1) }
        #expect(try await world.stage(1) == .none)
    }
}
