import CairnCore
import Foundation

// The tracking half of the port (and the version lookups lineage needs), forwarded to `InMemoryState`.

extension InMemoryMetadataStore.Reader {
    func version(id: String) async throws -> ModelVersion? { state.version(id: id) }
    func versions(modelID: String?, runID: String?, limit: Int) async throws -> [ModelVersion] {
        state.versions(modelID: modelID, runID: runID, limit: limit)
    }
    func experiment(id: String) async throws -> Experiment? { state.experiment(id: id) }
    func experiment(named name: String) async throws -> Experiment? { state.experiment(named: name) }
    func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment] { state.experiments(in: stages) }
    func run(id: String) async throws -> Run? { state.run(id: id) }
    func runs(experimentIDs: [String], in stages: Set<LifecycleStage>, after position: RunPosition?, limit: Int)
        async throws -> [Run]
    {
        state.runs(experimentIDs: experimentIDs, in: stages, after: position, limit: limit)
    }
    func metricHistory(runID: String, key: String, offset: Int, limit: Int) async throws -> [MetricPoint] {
        state.metricHistory(runID: runID, key: key, offset: offset, limit: limit)
    }
    func loggedModel(id: String) async throws -> LoggedModel? { state.loggedModel(id: id) }
    func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel] {
        state.loggedModels(experimentIDs: experimentIDs)
    }
    func artifact(at path: String) async throws -> ArtifactEntry? { state.artifact(at: path) }
    func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry] {
        state.artifacts(under: prefix, limit: limit)
    }
}

extension InMemoryMetadataStore.Transaction {
    func version(id: String) async throws -> ModelVersion? { try await reader().version(id: id) }
    func versions(modelID: String?, runID: String?, limit: Int) async throws -> [ModelVersion] {
        try await reader().versions(modelID: modelID, runID: runID, limit: limit)
    }
    func experiment(id: String) async throws -> Experiment? { try await reader().experiment(id: id) }
    func experiment(named name: String) async throws -> Experiment? { try await reader().experiment(named: name) }
    func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment] {
        try await reader().experiments(in: stages)
    }
    func run(id: String) async throws -> Run? { try await reader().run(id: id) }
    func runs(experimentIDs: [String], in stages: Set<LifecycleStage>, after position: RunPosition?, limit: Int)
        async throws -> [Run]
    {
        try await reader().runs(experimentIDs: experimentIDs, in: stages, after: position, limit: limit)
    }
    func metricHistory(runID: String, key: String, offset: Int, limit: Int) async throws -> [MetricPoint] {
        try await reader().metricHistory(runID: runID, key: key, offset: offset, limit: limit)
    }
    func loggedModel(id: String) async throws -> LoggedModel? { try await reader().loggedModel(id: id) }
    func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel] {
        try await reader().loggedModels(experimentIDs: experimentIDs)
    }
    func artifact(at path: String) async throws -> ArtifactEntry? { try await reader().artifact(at: path) }
    func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry] {
        try await reader().artifacts(under: prefix, limit: limit)
    }

    func allocateExperimentID() async throws -> String { try await mutate { $0.allocateExperimentID() } }
    func insertExperiment(_ experiment: Experiment) async throws {
        try await mutate { try $0.insertExperiment(experiment) }
    }
    func updateExperiment(_ experiment: Experiment) async throws {
        try await mutate { try $0.updateExperiment(experiment) }
    }
    func replaceExperimentTags(experimentID: String, tags: [String: String]) async throws {
        try await mutate { try $0.replaceExperimentTags(experimentID: experimentID, tags: tags) }
    }
    func insertRun(_ run: Run) async throws { try await mutate { try $0.insertRun(run) } }
    func updateRun(_ run: Run) async throws { try await mutate { try $0.updateRun(run) } }
    func putRunParams(runID: String, params: [String: String]) async throws {
        try await mutate { try $0.putRunParams(runID: runID, params: params) }
    }
    func putRunTags(runID: String, tags: [String: String]) async throws {
        try await mutate { try $0.putRunTags(runID: runID, tags: tags) }
    }
    func deleteRunTag(runID: String, key: String) async throws -> Bool {
        try await mutate { try $0.deleteRunTag(runID: runID, key: key) }
    }
    func appendMetrics(runID: String, points: [MetricPoint]) async throws {
        try await mutate { try $0.appendMetrics(runID: runID, points: points) }
    }
    func addRunInputs(runID: String, inputs: [RunInput]) async throws {
        try await mutate { try $0.addRunInputs(runID: runID, inputs: inputs) }
    }
    func addRunModelInputs(runID: String, modelIDs: [String]) async throws {
        try await mutate { try $0.addRunModelInputs(runID: runID, modelIDs: modelIDs) }
    }

    func addRunOutputs(runID: String, outputs: [RunOutput]) async throws {
        try await mutate { try $0.addRunOutputs(runID: runID, outputs: outputs) }
    }
    func insertLoggedModel(_ model: LoggedModel) async throws { try await mutate { try $0.insertLoggedModel(model) } }
    func updateLoggedModel(_ model: LoggedModel) async throws { try await mutate { try $0.updateLoggedModel(model) } }
    func putLoggedModelTags(modelID: String, tags: [String: String]) async throws {
        try await mutate { try $0.putLoggedModelTags(modelID: modelID, tags: tags) }
    }
    func putLoggedModelParams(modelID: String, params: [String: String]) async throws {
        try await mutate { try $0.putLoggedModelParams(modelID: modelID, params: params) }
    }
    func deleteLoggedModelTag(modelID: String, key: String) async throws -> Bool {
        try await mutate { try $0.deleteLoggedModelTag(modelID: modelID, key: key) }
    }
    func putArtifact(_ entry: ArtifactEntry) async throws { try await mutate { $0.putArtifact(entry) } }
    func deleteArtifacts(under prefix: String) async throws -> [ArtifactEntry] {
        try await mutate { $0.deleteArtifacts(under: prefix) }
    }
}
