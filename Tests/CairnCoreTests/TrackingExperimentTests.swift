import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Tracking: experiments")
struct TrackingExperimentTests {
    let clock = ManualClock()
    let service: RegistryService

    init() async throws {
        service = makeService(clock: clock)
        try await service.tracking.bootstrapTracking()
    }

    @Test("bootstrap creates the Default experiment 0 once")
    func bootstrap() async throws {
        try await service.tracking.bootstrapTracking()
        let defaultExperiment = try await service.tracking.experiment(id: "0", actor: alice)
        #expect(defaultExperiment.name == "Default")
        #expect(defaultExperiment.artifactLocation == "mlflow-artifacts:/0")
        #expect(try await service.allEvents().map(\.action) == ["experiment.created"])
    }

    @Test("experiments get ids 1, 2… and MLflow's artifact location")
    func create() async throws {
        let first = try await service.tracking.createExperiment(name: "fraud", tags: ["team": "risk"], actor: alice)
        let second = try await service.tracking.createExperiment(name: "churn", actor: alice)
        #expect(first.id == "1")
        #expect(second.id == "2")
        #expect(first.artifactLocation == "mlflow-artifacts:/1")
        #expect(try await service.tracking.experiment(named: "fraud", actor: alice).tags == ["team": "risk"])
        #expect(first.createdAt == clock.now())
    }

    @Test("a taken name, also by a deleted experiment, is refused")
    func duplicateName() async throws {
        let experiment = try await service.tracking.createExperiment(name: "fraud", actor: alice)
        await expectRegistryError(.alreadyExists) {
            try await service.tracking.createExperiment(name: "fraud", actor: bob)
        }
        try await service.tracking.deleteExperiment(id: experiment.id, actor: alice)
        let error = await expectRegistryError(.alreadyExists) {
            try await service.tracking.createExperiment(name: "fraud", actor: bob)
        }
        #expect(error?.message.contains("restore") == true)
    }

    @Test("bad names and tags are invalid arguments")
    func validation() async throws {
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.createExperiment(name: "  ", actor: alice)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.createExperiment(name: "x", tags: ["bad\u{1}key": "v"], actor: alice)
        }
    }

    @Test("missing experiments are not found, with MLflow's messages")
    func notFound() async throws {
        let byID = await expectRegistryError(.notFound) {
            try await service.tracking.experiment(id: "999", actor: alice)
        }
        #expect(byID?.message.hasPrefix("No experiment with id=999") == true)
        let byName = await expectRegistryError(.notFound) {
            try await service.tracking.experiment(named: "nope", actor: alice)
        }
        #expect(byName?.message.hasPrefix("Could not find experiment with name 'nope'") == true)
    }

    @Test("rename, tags, delete and restore each record one event")
    func lifecycle() async throws {
        let experiment = try await service.tracking.createExperiment(name: "fraud", actor: alice)
        clock.advance(by: 1)
        let renamed = try await service.tracking.renameExperiment(id: experiment.id, to: "fraud-v2", actor: bob)
        #expect(renamed.name == "fraud-v2")
        #expect(renamed.updatedAt == clock.now())
        try await service.tracking.setExperimentTag(id: experiment.id, key: "k", value: "v", actor: bob)
        #expect(try await service.tracking.experiment(id: "1", actor: alice).tags == ["k": "v"])
        try await service.tracking.deleteExperimentTag(id: experiment.id, key: "k", actor: bob)
        await expectRegistryError(.notFound) {
            try await service.tracking.deleteExperimentTag(id: experiment.id, key: "k", actor: bob)
        }
        try await service.tracking.deleteExperiment(id: experiment.id, actor: carol)
        try await service.tracking.deleteExperiment(id: experiment.id, actor: carol)
        #expect(try await service.tracking.experiment(id: "1", actor: alice).lifecycleStage == .deleted)
        await expectRegistryError(.failedPrecondition) {
            try await service.tracking.renameExperiment(id: experiment.id, to: "again", actor: bob)
        }
        try await service.tracking.restoreExperiment(id: experiment.id, actor: carol)
        #expect(try await service.tracking.experiment(id: "1", actor: alice).lifecycleStage == .active)
        let actions = try await service.allEvents().map(\.action)
        #expect(
            actions == [
                "experiment.created", "experiment.created", "experiment.renamed", "experiment.tag_set",
                "experiment.tag_deleted", "experiment.deleted", "experiment.restored",
            ]
        )
        #expect(try await service.allEvents().last?.subject == "experiment/1")
    }

    @Test("the Default experiment cannot be deleted")
    func defaultIsPermanent() async throws {
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.deleteExperiment(id: "0", actor: alice)
        }
    }

    @Test("renaming onto a taken name is refused")
    func renameCollision() async throws {
        _ = try await service.tracking.createExperiment(name: "a", actor: alice)
        _ = try await service.tracking.createExperiment(name: "b", actor: alice)
        await expectRegistryError(.alreadyExists) {
            try await service.tracking.renameExperiment(id: "2", to: "a", actor: bob)
        }
    }

    @Test("search filters by stage and name, sorts and pages")
    func search() async throws {
        for name in ["alpha", "beta", "gamma"] {
            clock.advance(by: 1)
            _ = try await service.tracking.createExperiment(name: name, actor: alice)
        }
        try await service.tracking.deleteExperiment(id: "2", actor: alice)
        let active = try await service.tracking.searchExperiments(
            stages: [.active],
            clauses: [],
            order: [],
            pageToken: nil,
            limit: 100,
            actor: alice
        )
        #expect(active.items.map(\.name) == ["gamma", "alpha", "Default"])
        let all = try await service.tracking.searchExperiments(
            stages: [],
            clauses: [],
            order: [],
            pageToken: nil,
            limit: 100,
            actor: alice
        )
        #expect(all.items.count == 4)
        let like = try await service.tracking.searchExperiments(
            stages: [],
            clauses: [SearchClause(field: .attribute("name"), op: .like, value: .string("%a"))],
            order: [SearchOrder(field: .attribute("name"))],
            pageToken: nil,
            limit: 1,
            actor: alice
        )
        #expect(like.items.map(\.name) == ["alpha"])
        let next = try await service.tracking.searchExperiments(
            stages: [],
            clauses: [SearchClause(field: .attribute("name"), op: .like, value: .string("%a"))],
            order: [SearchOrder(field: .attribute("name"))],
            pageToken: like.nextPageToken,
            limit: 1,
            actor: alice
        )
        #expect(next.items.map(\.name) == ["beta"])
        let error = await expectRegistryError(.invalidArgument) {
            try await service.tracking.searchExperiments(
                stages: [],
                clauses: [SearchClause(field: .attribute("owner"), op: .equal, value: .string("x"))],
                order: [],
                pageToken: nil,
                limit: 10,
                actor: alice
            )
        }
        #expect(error?.message.contains("creation_time, experiment_id, last_update_time, name") == true)
    }
}
