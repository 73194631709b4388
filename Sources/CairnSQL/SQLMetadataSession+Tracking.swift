import CairnCore

// TEMPORARY scaffolding while the tracking tables are implemented (issue 3); replaced wholesale.
extension SQLMetadataSession {
    public func experiment(id: String) async throws -> Experiment? { throw pendingTracking() }
    public func experiment(named name: String) async throws -> Experiment? { throw pendingTracking() }
    public func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment] { throw pendingTracking() }
    public func run(id: String) async throws -> Run? { throw pendingTracking() }
    public func runs(experimentIDs: [String], in stages: Set<LifecycleStage>) async throws -> [Run] {
        throw pendingTracking()
    }
    public func metricHistory(runID: String, key: String, limit: Int) async throws -> [MetricPoint] {
        throw pendingTracking()
    }
    public func loggedModel(id: String) async throws -> LoggedModel? { throw pendingTracking() }
    public func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel] { throw pendingTracking() }
    public func artifact(at path: String) async throws -> ArtifactEntry? { throw pendingTracking() }
    public func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry] { throw pendingTracking() }
    public func version(id: String) async throws -> ModelVersion? { throw pendingTracking() }
    public func versions(modelID: String?, runID: String?, limit: Int) async throws -> [ModelVersion] {
        throw pendingTracking()
    }
    public func allocateExperimentID() async throws -> String { throw pendingTracking() }
    public func insertExperiment(_ experiment: Experiment) async throws { throw pendingTracking() }
    public func updateExperiment(_ experiment: Experiment) async throws { throw pendingTracking() }
    public func replaceExperimentTags(experimentID: String, tags: [String: String]) async throws {
        throw pendingTracking()
    }
    public func insertRun(_ run: Run) async throws { throw pendingTracking() }
    public func updateRun(_ run: Run) async throws { throw pendingTracking() }
    public func putRunParams(runID: String, params: [String: String]) async throws { throw pendingTracking() }
    public func putRunTags(runID: String, tags: [String: String]) async throws { throw pendingTracking() }
    public func deleteRunTag(runID: String, key: String) async throws -> Bool { throw pendingTracking() }
    public func appendMetrics(runID: String, points: [MetricPoint]) async throws { throw pendingTracking() }
    public func addRunInputs(runID: String, inputs: [RunInput]) async throws { throw pendingTracking() }
    public func addRunOutputs(runID: String, outputs: [RunOutput]) async throws { throw pendingTracking() }
    public func insertLoggedModel(_ model: LoggedModel) async throws { throw pendingTracking() }
    public func updateLoggedModel(_ model: LoggedModel) async throws { throw pendingTracking() }
    public func putLoggedModelTags(modelID: String, tags: [String: String]) async throws { throw pendingTracking() }
    public func deleteLoggedModelTag(modelID: String, key: String) async throws -> Bool { throw pendingTracking() }
    public func putArtifact(_ entry: ArtifactEntry) async throws { throw pendingTracking() }
    public func deleteArtifacts(under prefix: String) async throws -> [ArtifactEntry] { throw pendingTracking() }
}

func pendingTracking() -> RegistryError {
    RegistryError(.unavailable, "Tracking storage is not wired up in this build yet.")
}
