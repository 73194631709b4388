import CairnCore
import CairnSQLite
import CairnTesting
import Foundation

/// The scenario behind `Fixtures/events-before-catalogue.sqlite`: every kind of event the registry recorded before
/// the typed event catalogue (issue 12), written through the service onto SQLite on disk. The fixture was produced by
/// this scenario at commit fb1c7aa (`CAIRN_WRITE_EVENT_FIXTURE=path swift test --filter writeFixture`), so a test can
/// prove that a chain written by the old code still verifies and still reads after the change.
enum EventLogFixture {
    static let admin = Principal.testUser("alice", Grant(.admin))
    static let editor = Principal.testUser("ed", Grant(.editor))
    static let approver = Principal.testUser("abe", Grant(.approver))
    static let reader = Principal.testUser("rita", Grant(.viewer))

    /// Runs the scenario against `service` (whose clock is `clock`).
    static func write(_ service: RegistryService, clock: ManualClock) async throws {
        func tick() { clock.advance(by: 1) }
        // Identity.
        _ = try await service.identity.bootstrapAdmin(name: "root")
        tick()
        _ = try await service.identity.createAccount(name: "ed", kind: .user, actor: admin)
        _ = try await service.identity.createAccount(name: "ci-bot", kind: .serviceAccount, actor: admin)
        try await service.identity.setPassword(accountName: "ed", password: "correct horse battery", actor: admin)
        _ = try await service.identity.grant(Grant(.editor, .modelPrefix("fraud")), to: "ed", actor: admin)
        _ = try await service.identity.revoke(Grant(.editor, .modelPrefix("fraud")), from: "ed", actor: admin)
        let token = try await service.identity.createToken(
            accountName: "ci-bot",
            description: "deploys",
            expiresAt: clock.now().addingTimeInterval(86_400),
            actor: admin
        )
        _ = try await service.identity.revokeToken(id: token.token.id, actor: admin)
        _ = try await service.identity.disableAccount(name: "ci-bot", actor: admin)
        _ = try await service.identity.enableAccount(name: "ci-bot", actor: admin)
        tick()

        // Catalogue.
        _ = try await service.catalog.createModel(
            name: "fraud",
            description: "card fraud",
            tags: ["team": "risk"],
            actor: admin
        )
        _ = try await service.catalog.updateModel(name: "fraud", description: "card fraud, EU", actor: admin)
        _ = try await service.catalog.setModelTag(name: "fraud", key: "tier", value: "1", actor: admin)
        _ = try await service.catalog.deleteModelTag(name: "fraud", key: "tier", actor: admin)
        tick()
        let v1 = try await service.publishVersion(
            modelName: "fraud",
            files: ["model.bin": Array("weights one".utf8), "conf/params.json": Array("{}".utf8)],
            NewVersion(
                description: "first",
                tags: ["k": "v"],
                lineage: VersionLineage(source: "s3://bucket/a", runID: "run-a", metrics: ["auc": 0.91])
            ),
            actor: admin
        )
        _ = try await service.catalog.updateVersion(
            modelName: "fraud",
            number: v1.number,
            description: "first!",
            actor: admin
        )
        _ = try await service.catalog.setVersionTag(modelName: "fraud", number: 1, key: "q", value: "a/b", actor: admin)
        _ = try await service.catalog.deleteVersionTag(modelName: "fraud", number: 1, key: "q", actor: admin)
        _ = try await service.governance.setModelCard(
            modelName: "fraud",
            number: 1,
            card: try ModelCard(
                document: Array(#"{"intended_use": "EU card payments", "limitations": "not for US"}"#.utf8)
            ),
            expectedRevision: nil,
            actor: admin
        )
        tick()
        _ = try await service.governance.transitionStage(
            modelName: "fraud",
            number: 1,
            to: .production,
            archiveExisting: false,
            actor: admin
        )
        _ = try await service.governance.setAlias(modelName: "fraud", alias: "champion", number: 1, actor: admin)
        tick()

        // Governance: a policy, a request that waits for approval, approvals, a blocked move, rejection, cancel.
        _ = try await service.governance.setPolicy(
            modelName: "fraud",
            policy: try Policy(
                document: Array(
                    #"{"stages": {"Production": {"approvals": 1, "gates": {"metrics": ["auc >= 0.9"]}}, "Staging": {"approvals": 0, "gates": {"metrics": ["auc >= 0.95"]}}}}"#
                        .utf8
                )
            ),
            actor: admin
        )
        _ = try await service.governance.setPolicy(
            modelName: nil,
            policy: try Policy(document: Array(#"{"stages": {"Production": {"approvals": 1}}}"#.utf8)),
            actor: admin
        )
        tick()
        let v2 = try await service.publishVersion(
            modelName: "fraud",
            files: ["model.bin": Array("weights two".utf8)],
            NewVersion(lineage: VersionLineage(runID: "run-b", metrics: ["auc": 0.93])),
            actor: editor
        )
        let waiting = try await service.governance.requestTransition(
            modelName: "fraud",
            number: v2.number,
            to: .stage(.production),
            archiveExisting: true,
            comment: "beats v1",
            actor: editor
        )
        tick()
        if let id = waiting.request?.id {
            _ = try await service.governance.approveTransition(requestID: id, comment: "lgtm", actor: approver)
        }
        tick()
        // Staging needs auc >= 0.95: refused, and recorded as blocked.
        _ = try? await service.governance.requestTransition(
            modelName: "fraud",
            number: v2.number,
            to: .stage(.staging),
            archiveExisting: false,
            comment: "try staging",
            actor: editor
        )
        let v3 = try await service.publishVersion(
            modelName: "fraud",
            files: ["model.bin": Array("weights three".utf8)],
            NewVersion(lineage: VersionLineage(metrics: ["auc": 0.92])),
            actor: editor
        )
        for (comment, close) in [("no", true), ("never mind", false)] {
            let outcome = try await service.governance.requestTransition(
                modelName: "fraud",
                number: v3.number,
                to: .stage(.production),
                archiveExisting: false,
                comment: comment,
                actor: editor
            )
            guard let id = outcome.request?.id else { continue }
            if close {
                _ = try await service.governance.rejectTransition(requestID: id, comment: comment, actor: approver)
            } else {
                _ = try await service.governance.cancelTransition(requestID: id, comment: comment, actor: editor)
            }
        }
        tick()
        _ = try await service.governance.rollback(modelName: "fraud", reason: "incident 42", actor: admin)
        try await service.governance.deletePolicy(modelName: nil, actor: admin)
        // A denial.
        _ = try? await service.authorize(reader, .delete, model: "fraud", attempted: "delete model 'fraud'")
        tick()

        // A version registered from a source, one deleted, one expired, one model renamed and one deleted.
        _ = try await service.catalog.createModel(name: "churn", actor: admin)
        _ = try await service.catalog.registerVersion(
            modelName: "churn",
            source: "s3://bucket/churn",
            runID: nil,
            runLink: nil,
            description: "",
            tags: [:],
            actor: admin
        )
        _ = try await service.catalog.createVersion(modelName: "churn", NewVersion(), actor: admin)
        try await service.catalog.deleteVersion(modelName: "churn", number: 2, actor: admin)
        _ = try await service.catalog.createVersion(modelName: "churn", NewVersion(), actor: admin)
        _ = try await service.governance.setAlias(modelName: "churn", alias: "next", number: 1, actor: admin)
        try await service.governance.deleteAlias(modelName: "churn", alias: "next", actor: admin)
        clock.advance(by: 7200)
        _ = try await service.catalog.expireStalePendingVersions(olderThanSeconds: 3600)
        _ = try await service.catalog.renameModel(name: "churn", to: "churn-eu", actor: admin)
        _ = try await service.catalog.createModel(name: "scratch", actor: admin)
        try await service.catalog.deleteModel(name: "scratch", actor: admin)
        tick()

        // Tracking.
        try await service.tracking.bootstrapTracking()
        let experiment = try await service.tracking.createExperiment(name: "fraud-exp", tags: ["a": "b"], actor: admin)
        _ = try await service.tracking.renameExperiment(id: experiment.id, to: "fraud-experiments", actor: admin)
        try await service.tracking.setExperimentTag(id: experiment.id, key: "owner", value: "risk", actor: admin)
        try await service.tracking.deleteExperimentTag(id: experiment.id, key: "owner", actor: admin)
        let run = try await service.tracking.createRun(
            experimentID: experiment.id,
            name: "train",
            userID: "alice",
            startTime: 1,
            tags: [:],
            actor: admin
        )
        _ = try await service.tracking.updateRun(id: run.id, status: .finished, endTime: 2, name: nil, actor: admin)
        try await service.tracking.deleteRun(id: run.id, actor: admin)
        try await service.tracking.restoreRun(id: run.id, actor: admin)
        _ = try await service.putArtifact(
            Array("x".utf8),
            at: "\(experiment.id)/\(run.id)/artifacts/x.txt",
            actor: admin
        )
        try await service.tracking.deleteArtifacts(path: "\(experiment.id)/\(run.id)/artifacts/x.txt", actor: admin)
        let logged = try await service.tracking.createLoggedModel(
            experimentID: experiment.id,
            name: "m",
            sourceRunID: run.id,
            modelType: "sklearn",
            params: [:],
            tags: [:],
            actor: admin
        )
        _ = try await service.tracking.finalizeLoggedModel(id: logged.id, status: .ready, actor: admin)
        try await service.tracking.deleteLoggedModel(id: logged.id, actor: admin)
        let scratch = try await service.tracking.createExperiment(name: "scratch", tags: [:], actor: admin)
        try await service.tracking.deleteExperiment(id: scratch.id, actor: admin)
        try await service.tracking.restoreExperiment(id: scratch.id, actor: admin)
    }

    /// Writes the scenario to a new SQLite database at `path`.
    static func writeDatabase(at path: String) async throws {
        let store = try await SQLiteMetadataStore.open(path: path)
        do {
            let clock = ManualClock()
            try await write(makeService(store: store, clock: clock), clock: clock)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    }
}
