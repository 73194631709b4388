import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Tracking: runs")
struct TrackingRunTests {
    let clock = ManualClock()
    let service: RegistryService
    let experimentID: String

    init() async throws {
        service = makeService(clock: clock)
        try await service.tracking.bootstrapTracking()
        experimentID = try await service.tracking.createExperiment(name: "fraud", actor: alice).id
    }

    func newRun(_ name: String? = "rf", tags: [String: String] = [:], start: Int64? = nil) async throws -> Run {
        try await service.tracking.createRun(
            experimentID: experimentID,
            name: name,
            userID: "root",
            startTime: start,
            tags: tags,
            actor: alice
        )
    }

    @Test("a new run is RUNNING with a 32-hex id, MLflow's artifact URI and the mlflow.runName tag")
    func create() async throws {
        let run = try await newRun("rf-baseline", start: 42)
        #expect(run.id.utf8.count == 32)
        #expect(run.id.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(run.artifactURI == "mlflow-artifacts:/\(experimentID)/\(run.id)/artifacts")
        #expect(run.status == .running)
        #expect(run.startTime == 42)
        #expect(run.tags["mlflow.runName"] == "rf-baseline")
        #expect(try await service.tracking.run(id: run.id, actor: alice) == run)
    }

    @Test("a run without a name gets a generated adjective-noun-NNN name")
    func generatedName() async throws {
        for name in [nil, ""] as [String?] {
            let run = try await newRun(name)
            let parts = run.name.split(separator: "-")
            #expect(parts.count == 3, "\(run.name)")
            #expect(Int(parts.last ?? "") != nil)
            #expect(run.tags["mlflow.runName"] == run.name)
        }
        let tagged = try await newRun(nil, tags: ["mlflow.runName": "from-tag"])
        #expect(tagged.name == "from-tag")
        await expectRegistryError(.invalidArgument) { try await newRun("a", tags: ["mlflow.runName": "b"]) }
    }

    @Test("the start time defaults to now in Unix milliseconds")
    func defaultStart() async throws {
        let run = try await newRun()
        #expect(run.startTime == Int64((clock.now().timeIntervalSince1970 * 1000).rounded()))
    }

    @Test("runs need an active experiment")
    func needsActiveExperiment() async throws {
        await expectRegistryError(.notFound) {
            try await service.tracking.createRun(
                experimentID: "77",
                name: nil,
                userID: "u",
                startTime: nil,
                tags: [:],
                actor: alice
            )
        }
        try await service.tracking.deleteExperiment(id: experimentID, actor: alice)
        await expectRegistryError(.failedPrecondition) { try await newRun() }
    }

    @Test("update changes status, end time and name; a no-op records nothing")
    func update() async throws {
        let run = try await newRun()
        let updated = try await service.tracking.updateRun(
            id: run.id,
            status: .finished,
            endTime: 99,
            name: "renamed",
            actor: bob
        )
        #expect(updated.status == .finished)
        #expect(updated.endTime == 99)
        #expect(updated.name == "renamed")
        #expect(try await service.tracking.run(id: run.id, actor: alice).tags["mlflow.runName"] == "renamed")
        let before = try await service.allEvents().count
        _ = try await service.tracking.updateRun(id: run.id, status: .finished, endTime: nil, name: nil, actor: bob)
        #expect(try await service.allEvents().count == before)
        let resumed = try await service.tracking.updateRun(
            id: run.id,
            status: .running,
            endTime: nil,
            name: nil,
            actor: bob
        )
        #expect(resumed.status == .running)
    }

    @Test("delete and restore are soft and idempotent; a deleted run takes no updates")
    func deleteRestore() async throws {
        let run = try await newRun()
        try await service.tracking.deleteRun(id: run.id, actor: bob)
        try await service.tracking.deleteRun(id: run.id, actor: bob)
        #expect(try await service.tracking.run(id: run.id, actor: alice).lifecycleStage == .deleted)
        await expectRegistryError(.failedPrecondition) {
            try await service.tracking.updateRun(id: run.id, status: .failed, endTime: nil, name: nil, actor: bob)
        }
        await expectRegistryError(.failedPrecondition) {
            try await service.tracking.logBatch(runID: run.id, metrics: [], params: ["a": "1"], tags: [:], actor: bob)
        }
        try await service.tracking.restoreRun(id: run.id, actor: bob)
        #expect(try await service.tracking.run(id: run.id, actor: alice).lifecycleStage == .active)
        let runEvents = try await service.allEvents().filter { $0.subject == "run/\(run.id)" }.map(\.action)
        #expect(runEvents == ["run.created", "run.deleted", "run.restored"])
    }

    @Test("missing runs are not found")
    func missing() async throws {
        let error = await expectRegistryError(.notFound) { try await service.tracking.run(id: "0123", actor: alice) }
        #expect(error?.message.hasPrefix("Run with id=0123 not found") == true)
        await expectRegistryError(.notFound) {
            try await service.tracking.metricHistory(runID: "0123", key: "k", limit: 10, actor: alice)
        }
    }

    @Test("inputs are kept once per dataset; outputs need an existing logged model")
    func inputsAndOutputs() async throws {
        let run = try await newRun()
        let dataset = DatasetRecord(name: "train", digest: "52365d33", sourceType: "local", source: "{}")
        let input = RunInput(dataset: dataset, tags: [OrderedTag(key: "mlflow.data.context", value: "training")])
        try await service.tracking.logInputs(runID: run.id, inputs: [input], actor: alice)
        try await service.tracking.logInputs(runID: run.id, inputs: [input], actor: alice)
        #expect(try await service.tracking.run(id: run.id, actor: alice).inputs == [input])
        await expectRegistryError(.invalidArgument) {
            let bad = RunInput(dataset: DatasetRecord(name: "", digest: "d", sourceType: "s", source: "{}"))
            try await service.tracking.logInputs(runID: run.id, inputs: [bad], actor: alice)
        }
        await expectRegistryError(.notFound) {
            try await service.tracking.logOutputs(
                runID: run.id,
                outputs: [RunOutput(modelID: "m-missing")],
                actor: alice
            )
        }
        let model = try await service.tracking.createLoggedModel(
            experimentID: experimentID,
            name: "model",
            sourceRunID: run.id,
            modelType: "",
            params: [:],
            tags: [:],
            actor: alice
        )
        try await service.tracking.logOutputs(runID: run.id, outputs: [RunOutput(modelID: model.id)], actor: alice)
        try await service.tracking.logOutputs(runID: run.id, outputs: [RunOutput(modelID: model.id)], actor: alice)
        #expect(
            try await service.tracking.run(id: run.id, actor: alice).outputs == [RunOutput(modelID: model.id, step: 0)]
        )
    }

    @Test("deleting a run tag needs the tag to exist and records no event")
    func deleteTag() async throws {
        let run = try await newRun()
        try await service.tracking.logBatch(runID: run.id, metrics: [], params: [:], tags: ["k": "v"], actor: alice)
        let before = try await service.allEvents().count
        try await service.tracking.deleteRunTag(runID: run.id, key: "k", actor: alice)
        #expect(try await service.tracking.run(id: run.id, actor: alice).tags["k"] == nil)
        await expectRegistryError(.notFound) {
            try await service.tracking.deleteRunTag(runID: run.id, key: "k", actor: alice)
        }
        #expect(try await service.allEvents().count == before)
    }
}
