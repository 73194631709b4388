/// Tracking queries of the metadata store (experiments, runs, metrics, logged models, the artifact tree).
/// Part of ``MetadataReader``: one store, one transaction for registry and tracking changes alike.
///
/// Every metric point read back (``metricHistory(runID:key:offset:limit:)``, `Run.metrics`, `LoggedModel.metrics`) carries
/// `runID` = the run it was appended to. "Latest" is ``MetricPoint/isNewer(than:)``; of points where neither is newer,
/// the one logged first wins. Ids and names compare exactly (code points); ties in orderings break by id in
/// code-point order.
public protocol TrackingReader: Sendable {
    /// The experiment with this id, with its tags.
    func experiment(id: String) async throws -> Experiment?
    /// The experiment with this exact name, active or deleted.
    func experiment(named name: String) async throws -> Experiment?
    /// Every experiment in `stages` (all when empty), by numeric id ascending.
    func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment]

    /// A run with its params, tags, latest metric per key, inputs and outputs.
    func run(id: String) async throws -> Run?
    /// Runs of these experiments in `stages` (all when empty), fully loaded, by start time descending (runs without a
    /// start time last), then id: at most `limit`, starting after `position` (a keyset page: runs added or removed
    /// meanwhile shift nothing).
    func runs(experimentIDs: [String], in stages: Set<LifecycleStage>, after position: RunPosition?, limit: Int)
        async throws -> [Run]
    /// The logged points of one metric of a run, by step, then timestamp, then logging order: at most `limit`,
    /// after skipping the first `offset` (the order is total, so pages neither repeat nor skip points).
    func metricHistory(runID: String, key: String, offset: Int, limit: Int) async throws -> [MetricPoint]

    /// A logged model with its params, tags and metrics (points logged with its id by any run, latest per key,
    /// sorted by key).
    func loggedModel(id: String) async throws -> LoggedModel?
    /// Every active logged model of these experiments, newest first (creation time descending, then id).
    func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel]

    /// The artifact file at exactly `path`.
    func artifact(at path: String) async throws -> ArtifactEntry?
    /// Every artifact file at or below the directory `prefix` (`prefix` itself or `prefix/…`; `""` is the root),
    /// sorted by path (code points), at most `limit`. Every character of `prefix` is literal (no wildcards).
    func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry]
}

/// A place in the order of ``TrackingReader/runs(experimentIDs:in:after:limit:)``: a run's start time and id.
public struct RunPosition: Hashable, Sendable {
    public var startTime: Int64?
    public var id: String

    public init(startTime: Int64?, id: String) {
        self.startTime = startTime
        self.id = id
    }

    public init(_ run: Run) { self.init(startTime: run.startTime, id: run.id) }

    /// Whether a run at `other` comes after this position in the listing order.
    public func isBefore(_ other: RunPosition) -> Bool {
        switch (startTime, other.startTime) {
        case (let a?, let b?): a != b ? a > b : id.utf8.lexicographicallyPrecedes(other.id.utf8)
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): id.utf8.lexicographicallyPrecedes(other.id.utf8)
        }
    }
}

/// Tracking writes, available inside ``MetadataStore/write(_:)``.
///
/// Writes to a run, logged model or experiment that does not exist throw `.notFound` (even when they would write
/// nothing); inserts of a taken id (or experiment name) throw `.alreadyExists`.
public protocol TrackingTransaction: TrackingReader {
    /// Returns the next experiment id ("1", "2"… ; "0" is reserved for the Default experiment): greater than every id
    /// handed out before and every numeric id of an existing experiment, so never reused. (An id handed out in a
    /// transaction that rolled back was never used and may be handed out again.)
    func allocateExperimentID() async throws -> String
    /// Inserts an experiment with its tags. Throws `.alreadyExists` when the name (of an active or deleted
    /// experiment) or the id is taken.
    func insertExperiment(_ experiment: Experiment) async throws
    /// Updates name, lifecycle stage and updated-at. Throws `.alreadyExists` when a rename collides.
    func updateExperiment(_ experiment: Experiment) async throws
    func replaceExperimentTags(experimentID: String, tags: [String: String]) async throws

    /// Inserts a run with its tags and params (its metrics, inputs and outputs are ignored: they have their own
    /// writes). Throws `.notFound` when the experiment does not exist.
    func insertRun(_ run: Run) async throws
    /// Updates the run's name, status, end time and lifecycle stage.
    func updateRun(_ run: Run) async throws
    /// Inserts params that do not exist yet (the service refuses changed values before calling).
    func putRunParams(runID: String, params: [String: String]) async throws
    /// Inserts or replaces tags.
    func putRunTags(runID: String, tags: [String: String]) async throws
    /// Returns whether the tag existed.
    func deleteRunTag(runID: String, key: String) async throws -> Bool
    /// Appends metric points of a run to their history, stored under `runID` (a point's own `runID` is ignored).
    /// A point equal to one already in the history in key, value (NaN equals NaN), timestamp and step is the same
    /// measurement logged again (MLflow 3 re-logs a run's metrics against its logged model): it is not appended, but
    /// an existing point without a model id takes the new point's model id.
    func appendMetrics(runID: String, points: [MetricPoint]) async throws
    /// Adds dataset inputs, after the existing ones, in order (input tags keep their order too); an input with the
    /// same dataset name and digest as an existing one is not added twice.
    func addRunInputs(runID: String, inputs: [RunInput]) async throws
    /// Adds model outputs, after the existing ones, in order; an existing (model, step) pair is not added twice.
    func addRunOutputs(runID: String, outputs: [RunOutput]) async throws
    /// Adds logged models as inputs, after the existing ones, in order; a model already an input is not added twice.
    func addRunModelInputs(runID: String, modelIDs: [String]) async throws

    /// Inserts a logged model with its params and tags (its metrics are ignored). Throws `.notFound` when the
    /// experiment does not exist.
    func insertLoggedModel(_ model: LoggedModel) async throws
    /// Updates status, lifecycle stage and updated-at.
    func updateLoggedModel(_ model: LoggedModel) async throws
    /// Inserts or replaces tags.
    func putLoggedModelTags(modelID: String, tags: [String: String]) async throws
    /// Inserts or replaces params (the service refuses changed values first).
    func putLoggedModelParams(modelID: String, params: [String: String]) async throws
    /// Returns whether the tag existed.
    func deleteLoggedModelTag(modelID: String, key: String) async throws -> Bool

    /// Adds or replaces the artifact file at `entry.path`.
    func putArtifact(_ entry: ArtifactEntry) async throws
    /// Removes the artifact files at or below `prefix` (as in ``TrackingReader/artifacts(under:limit:)``, without a
    /// limit); returns them sorted by path.
    func deleteArtifacts(under prefix: String) async throws -> [ArtifactEntry]
}

extension TrackingReader {
    /// The first `limit` points of one metric's history.
    public func metricHistory(runID: String, key: String, limit: Int) async throws -> [MetricPoint] {
        try await metricHistory(runID: runID, key: key, offset: 0, limit: limit)
    }
}
