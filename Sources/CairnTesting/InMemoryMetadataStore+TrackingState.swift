import CairnCore
import Foundation

/// The tracking tables of the in-memory store, as values.
struct TrackingTables: Sendable {
    /// By id, with tags.
    var experiments: [String: Experiment] = [:]
    /// The last experiment id handed out by `allocateExperimentID` ("0" is the Default experiment's, never allocated).
    var lastExperimentID = 0
    /// By id, with params, tags, inputs and outputs; `metrics` is derived from `metrics` below on every read.
    var runs: [String: Run] = [:]
    /// Every logged point, in logging order, keyed by the run it was logged to.
    var metrics: [String: [MetricPoint]] = [:]
    /// By id, with params and tags; `metrics` is derived on every read.
    var loggedModels: [String: LoggedModel] = [:]
    /// By path.
    var artifacts: [String: ArtifactEntry] = [:]
}

// MARK: - Reads

extension InMemoryState {
    func experiment(id: String) -> Experiment? { tracking.experiments[id] }

    func experiment(named name: String) -> Experiment? {
        tracking.experiments.values.first { same($0.name, name) }
    }

    func experiments(in stages: Set<LifecycleStage>) -> [Experiment] {
        tracking.experiments.values.filter { stages.isEmpty || stages.contains($0.lifecycleStage) }
            .sorted { (Int($0.id) ?? .max, $0.id) < (Int($1.id) ?? .max, $1.id) }
    }

    func run(id: String) -> Run? { tracking.runs[id].map(loaded) }

    func runs(experimentIDs: [String], in stages: Set<LifecycleStage>, after position: RunPosition?, limit: Int)
        -> [Run]
    {
        let experiments = Set(experimentIDs)
        return tracking.runs.values
            .filter { experiments.contains($0.experimentID) && (stages.isEmpty || stages.contains($0.lifecycleStage)) }
            .filter { run in position.map { $0.isBefore(RunPosition(run)) } ?? true }
            .sorted { RunPosition($0).isBefore(RunPosition($1)) }
            .prefix(max(limit, 0))
            .map(loaded)
    }

    func metricHistory(runID: String, key: String, offset: Int, limit: Int) -> [MetricPoint] {
        let points = (tracking.metrics[runID] ?? []).enumerated().filter { same($0.element.key, key) }
        let sorted = points.sorted { a, b in
            (a.element.step, a.element.timestamp, a.offset) < (b.element.step, b.element.timestamp, b.offset)
        }
        return sorted.dropFirst(max(offset, 0)).prefix(max(limit, 0)).map(\.element)
    }

    func loggedModel(id: String) -> LoggedModel? { tracking.loggedModels[id].map(loaded) }

    func loggedModels(experimentIDs: [String]) -> [LoggedModel] {
        let experiments = Set(experimentIDs)
        return tracking.loggedModels.values
            .filter { experiments.contains($0.experimentID) && $0.lifecycleStage == .active }
            .sorted { a, b in
                a.createdAt != b.createdAt ? a.createdAt > b.createdAt : precedes(Array(a.id.utf8), Array(b.id.utf8))
            }
            .map(loaded)
    }

    func artifact(at path: String) -> ArtifactEntry? { tracking.artifacts[path] }

    func artifacts(under prefix: String, limit: Int) -> [ArtifactEntry] {
        tracking.artifacts.values.filter { isAtOrBelow($0.path, prefix) }
            .sorted { precedes(Array($0.path.utf8), Array($1.path.utf8)) }
            .prefix(max(limit, 0)).map { $0 }
    }

    /// The run with its latest point per metric key.
    private func loaded(_ run: Run) -> Run {
        var run = run
        run.metrics = [:]
        for point in tracking.metrics[run.id] ?? [] {
            if let current = run.metrics[point.key], !point.isNewer(than: current) { continue }
            run.metrics[point.key] = point
        }
        return run
    }

    /// The logged model with its latest point per metric key and dataset among the points logged with its id.
    private func loaded(_ model: LoggedModel) -> LoggedModel {
        var model = model
        model.metrics = MetricPoint.latestPerKeyAndDataset(
            Array(tracking.metrics.values.joined().filter { $0.modelID == model.id })
        )
        return model
    }
}

/// Whether `path` is the directory `prefix` itself or below it (`""` is the root, above everything).
func isAtOrBelow(_ path: String, _ prefix: String) -> Bool {
    prefix.isEmpty || same(path, prefix) || path.utf8.starts(with: (prefix + "/").utf8)
}

// MARK: - Writes

extension InMemoryState {
    /// Greater than every id handed out before and every numeric id in use.
    mutating func allocateExperimentID() -> String {
        let used = tracking.experiments.keys.compactMap { Int($0) }.max() ?? 0
        tracking.lastExperimentID = max(tracking.lastExperimentID, used) + 1
        return String(tracking.lastExperimentID)
    }

    mutating func insertExperiment(_ experiment: Experiment) throws {
        if tracking.experiments[experiment.id] != nil || self.experiment(named: experiment.name) != nil {
            throw RegistryError(
                .alreadyExists,
                "Experiment '\(experiment.name)' (or the id \(experiment.id)) already exists. Choose another name."
            )
        }
        var experiment = experiment
        experiment.createdAt = millis(experiment.createdAt)
        experiment.updatedAt = millis(experiment.updatedAt)
        tracking.experiments[experiment.id] = experiment
    }

    mutating func updateExperiment(_ experiment: Experiment) throws {
        guard var stored = tracking.experiments[experiment.id] else { throw Self.missing("experiment", experiment.id) }
        if let other = self.experiment(named: experiment.name), other.id != experiment.id {
            throw RegistryError(
                .alreadyExists,
                "Cannot rename the experiment to '\(experiment.name)': that name is taken. Choose another name."
            )
        }
        stored.name = experiment.name
        stored.lifecycleStage = experiment.lifecycleStage
        stored.updatedAt = millis(experiment.updatedAt)
        tracking.experiments[experiment.id] = stored
    }

    mutating func replaceExperimentTags(experimentID: String, tags: [String: String]) throws {
        guard tracking.experiments[experimentID] != nil else { throw Self.missing("experiment", experimentID) }
        tracking.experiments[experimentID]!.tags = tags
    }

    mutating func insertRun(_ run: Run) throws {
        guard tracking.experiments[run.experimentID] != nil else { throw Self.missing("experiment", run.experimentID) }
        if tracking.runs[run.id] != nil {
            throw RegistryError(.alreadyExists, "A run with the id \(run.id) already exists.")
        }
        // Only the run, its tags and params: metrics, inputs and outputs have their own writes.
        var stored = run
        stored.metrics = [:]
        stored.inputs = []
        stored.modelInputs = []
        stored.outputs = []
        tracking.runs[run.id] = stored
    }

    mutating func updateRun(_ run: Run) throws {
        try requireRun(run.id)
        tracking.runs[run.id]!.name = run.name
        tracking.runs[run.id]!.status = run.status
        tracking.runs[run.id]!.endTime = run.endTime
        tracking.runs[run.id]!.lifecycleStage = run.lifecycleStage
    }

    mutating func putRunParams(runID: String, params: [String: String]) throws {
        try requireRun(runID)
        for (key, value) in params where tracking.runs[runID]!.params[key] == nil {
            tracking.runs[runID]!.params[key] = value
        }
    }

    mutating func putRunTags(runID: String, tags: [String: String]) throws {
        try requireRun(runID)
        tracking.runs[runID]!.tags.merge(tags) { _, new in new }
    }

    mutating func deleteRunTag(runID: String, key: String) throws -> Bool {
        try requireRun(runID)
        return tracking.runs[runID]!.tags.removeValue(forKey: key) != nil
    }

    mutating func appendMetrics(runID: String, points: [MetricPoint]) throws {
        try requireRun(runID)
        for var point in points {
            point.runID = runID
            let history = tracking.metrics[runID, default: []]
            if let index = history.firstIndex(where: { Self.sameMeasurement($0, point) }) {
                if history[index].modelID == nil, let modelID = point.modelID {
                    tracking.metrics[runID]![index].modelID = modelID
                    tracking.metrics[runID]![index].datasetName = point.datasetName
                    tracking.metrics[runID]![index].datasetDigest = point.datasetDigest
                }
                continue
            }
            tracking.metrics[runID, default: []].append(point)
        }
    }

    static func sameMeasurement(_ a: MetricPoint, _ b: MetricPoint) -> Bool {
        a.key == b.key && a.timestamp == b.timestamp && a.step == b.step
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }

    mutating func addRunInputs(runID: String, inputs: [RunInput]) throws {
        try requireRun(runID)
        for input in inputs {
            let known = tracking.runs[runID]!.inputs.contains {
                same($0.dataset.name, input.dataset.name) && same($0.dataset.digest, input.dataset.digest)
            }
            if !known { tracking.runs[runID]!.inputs.append(input) }
        }
    }

    mutating func addRunModelInputs(runID: String, modelIDs: [String]) throws {
        try requireRun(runID)
        for modelID in modelIDs where !tracking.runs[runID]!.modelInputs.contains(modelID) {
            tracking.runs[runID]!.modelInputs.append(modelID)
        }
    }

    mutating func addRunOutputs(runID: String, outputs: [RunOutput]) throws {
        try requireRun(runID)
        for output in outputs where !tracking.runs[runID]!.outputs.contains(output) {
            tracking.runs[runID]!.outputs.append(output)
        }
    }

    mutating func insertLoggedModel(_ model: LoggedModel) throws {
        guard tracking.experiments[model.experimentID] != nil else {
            throw Self.missing("experiment", model.experimentID)
        }
        if tracking.loggedModels[model.id] != nil {
            throw RegistryError(.alreadyExists, "A logged model with the id \(model.id) already exists.")
        }
        var stored = model
        stored.metrics = []
        stored.createdAt = millis(model.createdAt)
        stored.updatedAt = millis(model.updatedAt)
        tracking.loggedModels[model.id] = stored
    }

    mutating func updateLoggedModel(_ model: LoggedModel) throws {
        guard tracking.loggedModels[model.id] != nil else { throw Self.missing("logged model", model.id) }
        tracking.loggedModels[model.id]!.status = model.status
        tracking.loggedModels[model.id]!.lifecycleStage = model.lifecycleStage
        tracking.loggedModels[model.id]!.updatedAt = millis(model.updatedAt)
    }

    mutating func putLoggedModelTags(modelID: String, tags: [String: String]) throws {
        guard tracking.loggedModels[modelID] != nil else { throw Self.missing("logged model", modelID) }
        tracking.loggedModels[modelID]!.tags.merge(tags) { _, new in new }
    }

    mutating func putLoggedModelParams(modelID: String, params: [String: String]) throws {
        guard tracking.loggedModels[modelID] != nil else { throw Self.missing("logged model", modelID) }
        tracking.loggedModels[modelID]!.params.merge(params) { _, new in new }
    }

    mutating func deleteLoggedModelTag(modelID: String, key: String) throws -> Bool {
        guard tracking.loggedModels[modelID] != nil else { throw Self.missing("logged model", modelID) }
        return tracking.loggedModels[modelID]!.tags.removeValue(forKey: key) != nil
    }

    mutating func putArtifact(_ entry: ArtifactEntry) {
        var entry = entry
        entry.updatedAt = millis(entry.updatedAt)
        tracking.artifacts[entry.path] = entry
    }

    mutating func deleteArtifacts(under prefix: String) -> [ArtifactEntry] {
        let removed = artifacts(under: prefix, limit: .max)
        for entry in removed { tracking.artifacts[entry.path] = nil }
        return removed
    }

    private func requireRun(_ id: String) throws {
        guard tracking.runs[id] != nil else { throw Self.missing("run", id) }
    }

    private static func missing(_ kind: String, _ id: String) -> RegistryError {
        RegistryError(.notFound, "No \(kind) has the id \(id); it may have been deleted.")
    }
}
