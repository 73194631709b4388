/// Tracking queries of the metadata store (experiments, runs, metrics, logged models, the artifact tree).
/// Part of ``MetadataReader``: one store, one transaction for registry and tracking changes alike.
public protocol TrackingReader: Sendable {
    func experiment(id: String) async throws -> Experiment?
    /// The experiment with this exact name, active or deleted.
    func experiment(named name: String) async throws -> Experiment?
    /// Every experiment in `stages` (all when empty), by numeric id ascending.
    func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment]

    /// A run with its params, tags, latest metric per key, inputs and outputs.
    func run(id: String) async throws -> Run?
    /// Every run of these experiments in `stages`, fully loaded, by start time descending then id.
    func runs(experimentIDs: [String], in stages: Set<LifecycleStage>) async throws -> [Run]
    /// Every logged point of one metric of a run, by step, then timestamp.
    func metricHistory(runID: String, key: String, limit: Int) async throws -> [MetricPoint]

    /// A logged model with its params, tags and metrics (points logged with its id, latest per key).
    func loggedModel(id: String) async throws -> LoggedModel?
    /// Every active logged model of these experiments, newest first.
    func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel]

    /// The artifact file at exactly `path`.
    func artifact(at path: String) async throws -> ArtifactEntry?
    /// Every artifact file at or below the directory `prefix` (`prefix` itself or `prefix/…`; `""` is the root),
    /// sorted by path, at most `limit`.
    func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry]
}

/// Tracking writes, available inside ``MetadataStore/write(_:)``.
public protocol TrackingTransaction: TrackingReader {
    /// Returns the next experiment id ("1", "2"… ; "0" is reserved for the Default experiment). Never reused.
    func allocateExperimentID() async throws -> String
    /// Throws `.alreadyExists` when the name is taken.
    func insertExperiment(_ experiment: Experiment) async throws
    /// Updates name, lifecycle stage and updated-at. Throws `.alreadyExists` when a rename collides.
    func updateExperiment(_ experiment: Experiment) async throws
    func replaceExperimentTags(experimentID: String, tags: [String: String]) async throws

    /// Inserts a run with its tags and params.
    func insertRun(_ run: Run) async throws
    /// Updates the run's name, status, end time and lifecycle stage.
    func updateRun(_ run: Run) async throws
    /// Inserts params that do not exist yet (the service refuses changed values before calling).
    func putRunParams(runID: String, params: [String: String]) async throws
    /// Inserts or replaces tags.
    func putRunTags(runID: String, tags: [String: String]) async throws
    /// Returns whether the tag existed.
    func deleteRunTag(runID: String, key: String) async throws -> Bool
    /// Appends metric points of a run to their history.
    func appendMetrics(runID: String, points: [MetricPoint]) async throws
    /// Adds dataset inputs; an input with the same dataset name and digest as an existing one is not added twice.
    func addRunInputs(runID: String, inputs: [RunInput]) async throws
    /// Adds model outputs; an existing (model, step) pair is not added twice.
    func addRunOutputs(runID: String, outputs: [RunOutput]) async throws

    /// Inserts a logged model with its params and tags.
    func insertLoggedModel(_ model: LoggedModel) async throws
    /// Updates status, lifecycle stage and updated-at.
    func updateLoggedModel(_ model: LoggedModel) async throws
    /// Inserts or replaces tags.
    func putLoggedModelTags(modelID: String, tags: [String: String]) async throws
    /// Returns whether the tag existed.
    func deleteLoggedModelTag(modelID: String, key: String) async throws -> Bool

    /// Adds or replaces the artifact file at `entry.path`.
    func putArtifact(_ entry: ArtifactEntry) async throws
    /// Removes the artifact files at or below `prefix`; returns them.
    func deleteArtifacts(under prefix: String) async throws -> [ArtifactEntry]
}
