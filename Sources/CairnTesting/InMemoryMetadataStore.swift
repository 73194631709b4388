import CairnCore
import Foundation

/// A `MetadataStore` in memory, for fast unit tests of the core. Passes `MetadataStoreConformance`, so it behaves
/// like the SQL stores: names compare by code point, dates are kept to the millisecond, unique and missing-parent
/// failures throw `.alreadyExists` and `.notFound`, deletes are idempotent.
///
/// Write transactions run one at a time on a private copy of the state that replaces the committed state only when
/// the body returns, so a throwing body changes nothing and reads never see uncommitted writes nor wait for them.
/// A nested `write` on the same store throws `.internalError` (it would deadlock a real store).
public actor InMemoryMetadataStore: MetadataStore {
    private var committed = State()
    /// The state the running write transaction works on.
    private var working: State?
    private var activeTransaction: Int?
    private var nextTransaction = 1
    private var writerBusy = false
    private var writeWaiters: [CheckedContinuation<Void, Never>] = []

    @TaskLocal private static var activeWrite: ObjectIdentifier?

    public init() {}

    public func read<T: Sendable>(_ body: @Sendable (any MetadataReader) async throws -> T) async throws -> T {
        try await body(Reader(state: committed))
    }

    public func write<T: Sendable>(_ body: @Sendable (any MetadataTransaction) async throws -> T) async throws -> T {
        let identity = ObjectIdentifier(self)
        if Self.activeWrite == identity {
            throw RegistryError(
                .internalError,
                "write {} was called inside a write transaction of the same store; use the transaction you were given."
            )
        }
        await lockWriter()
        defer { unlockWriter() }
        let id = nextTransaction
        nextTransaction += 1
        working = committed
        activeTransaction = id
        defer {
            working = nil
            activeTransaction = nil
        }
        let result = try await Self.$activeWrite.withValue(identity) {
            try await body(Transaction(store: self, id: id))
        }
        committed = working!
        return result
    }

    public func resolve(modelName: String, reference: VersionReference) async throws -> ModelVersion? {
        committed.resolve(modelName: modelName, reference: reference)
    }

    private func lockWriter() async {
        guard writerBusy else {
            writerBusy = true
            return
        }
        await withCheckedContinuation { writeWaiters.append($0) }
    }

    private func unlockWriter() {
        if writeWaiters.isEmpty {
            writerBusy = false
        } else {
            writeWaiters.removeFirst().resume()
        }
    }

    /// The working state of transaction `id`, for reading.
    fileprivate func snapshot(_ id: Int) throws -> State {
        try requireActive(id)
        return working!
    }

    /// Applies `change` to the working state of transaction `id`.
    fileprivate func mutate<T: Sendable>(_ id: Int, _ change: @Sendable (inout State) throws -> T) throws -> T {
        try requireActive(id)
        return try change(&working!)
    }

    private func requireActive(_ id: Int) throws {
        guard activeTransaction == id else {
            throw RegistryError(
                .internalError,
                "A MetadataTransaction was used after its write {} ended; use it only inside the body."
            )
        }
    }
}

extension InMemoryMetadataStore {
    fileprivate struct Reader: MetadataReader {
        let state: State

        func model(named name: String) async throws -> RegisteredModel? { state.model(named: name) }
        func models(matching filter: ModelFilter, afterName: String?, limit: Int) async throws -> [RegisteredModel] {
            state.models(matching: filter, afterName: afterName, limit: limit)
        }
        func version(modelID: String, number: Int) async throws -> ModelVersion? {
            state.version(modelID: modelID, number: number)
        }
        func versions(modelID: String, beforeNumber: Int?, limit: Int) async throws -> [ModelVersion] {
            state.versions(modelID: modelID, beforeNumber: beforeNumber, limit: limit)
        }
        func aliases(modelID: String) async throws -> [ModelAlias] { state.aliases(modelID: modelID) }
        func files(versionID: String) async throws -> [ManifestEntry] { state.files(versionID: versionID) }
        func references(to digest: Digest) async throws -> Int { state.references(to: digest) }
        func pendingVersions(createdBefore date: Date, limit: Int) async throws -> [ModelVersion] {
            state.pendingVersions(createdBefore: date, limit: limit)
        }
        func lastEvent() async throws -> AuditEvent? { state.events.last }
        func events(afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
            Array(state.events.lazy.filter { $0.sequence > afterSequence }.prefix(max(limit, 0)))
        }
    }

    fileprivate struct Transaction: MetadataTransaction {
        let store: InMemoryMetadataStore
        let id: Int

        private func reader() async throws -> Reader { Reader(state: try await store.snapshot(id)) }
        private func mutate<T: Sendable>(_ change: @Sendable (inout State) throws -> T) async throws -> T {
            try await store.mutate(id, change)
        }

        func model(named name: String) async throws -> RegisteredModel? { try await reader().model(named: name) }
        func models(matching filter: ModelFilter, afterName: String?, limit: Int) async throws -> [RegisteredModel] {
            try await reader().models(matching: filter, afterName: afterName, limit: limit)
        }
        func version(modelID: String, number: Int) async throws -> ModelVersion? {
            try await reader().version(modelID: modelID, number: number)
        }
        func versions(modelID: String, beforeNumber: Int?, limit: Int) async throws -> [ModelVersion] {
            try await reader().versions(modelID: modelID, beforeNumber: beforeNumber, limit: limit)
        }
        func aliases(modelID: String) async throws -> [ModelAlias] { try await reader().aliases(modelID: modelID) }
        func files(versionID: String) async throws -> [ManifestEntry] { try await reader().files(versionID: versionID) }
        func references(to digest: Digest) async throws -> Int { try await reader().references(to: digest) }
        func pendingVersions(createdBefore date: Date, limit: Int) async throws -> [ModelVersion] {
            try await reader().pendingVersions(createdBefore: date, limit: limit)
        }
        func lastEvent() async throws -> AuditEvent? { try await reader().lastEvent() }
        func events(afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
            try await reader().events(afterSequence: afterSequence, limit: limit)
        }

        func insertModel(_ model: RegisteredModel) async throws { try await mutate { try $0.insertModel(model) } }
        func updateModel(_ model: RegisteredModel) async throws { try await mutate { try $0.updateModel(model) } }
        func replaceModelTags(modelID: String, tags: [String: String]) async throws {
            try await mutate { try $0.replaceModelTags(modelID: modelID, tags: tags) }
        }
        func deleteModel(id: String) async throws { try await mutate { $0.deleteModel(id: id) } }
        func allocateVersionNumber(modelID: String) async throws -> Int {
            try await mutate { try $0.allocateVersionNumber(modelID: modelID) }
        }
        func insertVersion(_ version: ModelVersion) async throws { try await mutate { try $0.insertVersion(version) } }
        func updateVersion(_ version: ModelVersion) async throws { try await mutate { try $0.updateVersion(version) } }
        func deleteVersion(id: String) async throws { try await mutate { $0.deleteVersion(id: id) } }
        func putFile(versionID: String, entry: ManifestEntry) async throws {
            try await mutate { try $0.putFile(versionID: versionID, entry: entry) }
        }
        func removeFiles(versionID: String) async throws { try await mutate { $0.files[versionID] = nil } }
        func setAlias(modelID: String, alias: ModelAlias) async throws {
            try await mutate { try $0.setAlias(modelID: modelID, alias: alias) }
        }
        func deleteAlias(modelID: String, alias: String) async throws -> Bool {
            try await mutate { $0.aliases[modelID]?.removeValue(forKey: alias) != nil }
        }
        func appendEvent(_ event: AuditEvent) async throws { try await mutate { try $0.appendEvent(event) } }
    }
}

/// The whole database as values. Reads are pure; writes mirror the SQL stores' constraints.
private struct State: Sendable {
    var models: [String: RegisteredModel] = [:]
    var counters: [String: Int] = [:]
    /// By id; `modelName` is filled in from `models` on every read, as the SQL stores join it.
    var versions: [String: ModelVersion] = [:]
    var files: [String: [String: ManifestEntry]] = [:]
    var aliases: [String: [String: Int]] = [:]
    var events: [AuditEvent] = []

    // MARK: Reads

    func model(named name: String) -> RegisteredModel? { models.values.first { same($0.name, name) } }

    func models(matching filter: ModelFilter, afterName: String?, limit: Int) -> [RegisteredModel] {
        let matching = models.values.filter { model in
            let name = Array(model.name.utf8)
            if let afterName, !precedes(Array(afterName.utf8), name) { return false }
            if let prefix = filter.namePrefix, !name.starts(with: prefix.utf8) { return false }
            if let fragment = filter.nameContains, !fragment.isEmpty, !contains(name, Array(fragment.utf8)) {
                return false
            }
            return filter.tags.allSatisfy { key, value in model.tags[key].map { same($0, value) } ?? false }
        }
        return Array(matching.sorted { precedes(Array($0.name.utf8), Array($1.name.utf8)) }.prefix(max(limit, 0)))
    }

    func version(modelID: String, number: Int) -> ModelVersion? {
        versions.values.first { $0.modelID == modelID && $0.number == number }.flatMap(named)
    }

    func versions(modelID: String, beforeNumber: Int?, limit: Int) -> [ModelVersion] {
        let matching = versions.values.filter { $0.modelID == modelID && $0.number < (beforeNumber ?? .max) }
        return matching.sorted { $0.number > $1.number }.prefix(max(limit, 0)).compactMap(named)
    }

    func aliases(modelID: String) -> [ModelAlias] {
        (aliases[modelID] ?? [:]).map { ModelAlias(alias: $0.key, version: $0.value) }
            .sorted { precedes(Array($0.alias.utf8), Array($1.alias.utf8)) }
    }

    func files(versionID: String) -> [ManifestEntry] {
        (files[versionID] ?? [:]).values.sorted { precedes(Array($0.path.utf8), Array($1.path.utf8)) }
    }

    func references(to digest: Digest) -> Int {
        files.values.reduce(0) { count, entries in count + entries.values.filter { $0.digest == digest }.count }
    }

    func pendingVersions(createdBefore date: Date, limit: Int) -> [ModelVersion] {
        let cutoff = millis(date)
        return versions.values.filter { $0.status == .pending && $0.createdAt < cutoff }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .prefix(max(limit, 0)).compactMap(named)
    }

    func resolve(modelName: String, reference: VersionReference) -> ModelVersion? {
        guard let model = model(named: modelName) else { return nil }
        let ready = versions.values.filter { $0.modelID == model.id && $0.status == .ready }
        let found: ModelVersion?
        switch reference {
        case .number(let number): found = ready.first { $0.number == number }
        case .latest: found = ready.max { $0.number < $1.number }
        case .stage(let stage): found = ready.filter { $0.stage == stage }.max { $0.number < $1.number }
        case .alias(let alias):
            let number = aliases[model.id]?.first { same($0.key, alias) }?.value
            found = ready.first { $0.number == number }
        }
        return found.flatMap(named)
    }

    private func named(_ version: ModelVersion) -> ModelVersion? {
        guard let model = models[version.modelID] else { return nil }
        var version = version
        version.modelName = model.name
        return version
    }

    // MARK: Writes

    mutating func insertModel(_ model: RegisteredModel) throws {
        if models[model.id] != nil || self.model(named: model.name) != nil {
            throw RegistryError(
                .alreadyExists,
                "Registered model '\(model.name)' (or the id \(model.id)) already exists. Choose another name."
            )
        }
        var model = model
        model.createdAt = millis(model.createdAt)
        model.updatedAt = millis(model.updatedAt)
        models[model.id] = model
        counters[model.id] = 0
    }

    mutating func updateModel(_ model: RegisteredModel) throws {
        guard var stored = models[model.id] else { throw Self.modelNotFound(model.id) }
        if let other = self.model(named: model.name), other.id != model.id {
            throw RegistryError(
                .alreadyExists,
                "Cannot rename the model to '\(model.name)': a model with that name already exists. Choose another name."
            )
        }
        stored.name = model.name
        stored.description = model.description
        stored.updatedBy = model.updatedBy
        stored.updatedAt = millis(model.updatedAt)
        models[model.id] = stored
    }

    mutating func replaceModelTags(modelID: String, tags: [String: String]) throws {
        guard models[modelID] != nil else { throw Self.modelNotFound(modelID) }
        models[modelID]!.tags = tags
    }

    mutating func deleteModel(id: String) {
        for version in versions.values where version.modelID == id { files[version.id] = nil }
        versions = versions.filter { $0.value.modelID != id }
        aliases[id] = nil
        counters[id] = nil
        models[id] = nil
    }

    mutating func allocateVersionNumber(modelID: String) throws -> Int {
        guard let counter = counters[modelID] else { throw Self.modelNotFound(modelID) }
        counters[modelID] = counter + 1
        return counter + 1
    }

    mutating func insertVersion(_ version: ModelVersion) throws {
        guard models[version.modelID] != nil else { throw Self.modelNotFound(version.modelID) }
        if versions[version.id] != nil || self.version(modelID: version.modelID, number: version.number) != nil {
            throw RegistryError(
                .alreadyExists,
                "Version \(version.number) of model '\(version.modelName)' (or the id \(version.id)) already exists. "
                    + "Allocate version numbers with allocateVersionNumber."
            )
        }
        var version = version
        version.createdAt = millis(version.createdAt)
        version.updatedAt = millis(version.updatedAt)
        versions[version.id] = version
    }

    mutating func updateVersion(_ version: ModelVersion) throws {
        guard var stored = versions[version.id] else {
            throw RegistryError(.notFound, "No model version has the id \(version.id); it may have been deleted.")
        }
        stored.status = version.status
        stored.statusMessage = version.statusMessage
        stored.stage = version.stage
        stored.description = version.description
        stored.tags = version.tags
        stored.manifest = version.manifest
        stored.updatedBy = version.updatedBy
        stored.updatedAt = millis(version.updatedAt)
        versions[version.id] = stored
    }

    mutating func deleteVersion(id: String) {
        guard let version = versions.removeValue(forKey: id) else { return }
        files[id] = nil
        aliases[version.modelID] = aliases[version.modelID]?.filter { $0.value != version.number }
    }

    mutating func putFile(versionID: String, entry: ManifestEntry) throws {
        guard versions[versionID] != nil else {
            throw RegistryError(.notFound, "No model version has the id \(versionID); it may have been deleted.")
        }
        files[versionID, default: [:]][entry.path] = entry
    }

    mutating func setAlias(modelID: String, alias: ModelAlias) throws {
        guard models[modelID] != nil else { throw Self.modelNotFound(modelID) }
        aliases[modelID, default: [:]][alias.alias] = alias.version
    }

    mutating func appendEvent(_ event: AuditEvent) throws {
        if events.contains(where: { $0.sequence == event.sequence }) {
            throw RegistryError(
                .alreadyExists,
                "Event \(event.sequence) is already in the log; compute the next event from lastEvent() inside the "
                    + "same write transaction."
            )
        }
        var event = event
        event.time = millis(event.time)
        let index = events.firstIndex { $0.sequence > event.sequence } ?? events.endIndex
        events.insert(event, at: index)
    }

    private static func modelNotFound(_ id: String) -> RegistryError {
        RegistryError(.notFound, "No registered model has the id \(id); it may have been deleted.")
    }
}

/// Dates as the SQL stores keep them: whole milliseconds.
private func millis(_ date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
}

/// Code-point equality, as SQL compares text (Swift's `==` also equates canonically equivalent strings).
private func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// Code-point order (UTF-8 byte order), as SQL sorts text.
private func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

// TEMPORARY scaffolding while tracking is implemented in the fake (issue 3); replaced wholesale.
extension InMemoryMetadataStore.Reader {
    func experiment(id: String) async throws -> Experiment? { throw pendingTracking() }
    func experiment(named name: String) async throws -> Experiment? { throw pendingTracking() }
    func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment] { throw pendingTracking() }
    func run(id: String) async throws -> Run? { throw pendingTracking() }
    func runs(experimentIDs: [String], in stages: Set<LifecycleStage>) async throws -> [Run] { throw pendingTracking() }
    func metricHistory(runID: String, key: String, limit: Int) async throws -> [MetricPoint] { throw pendingTracking() }
    func loggedModel(id: String) async throws -> LoggedModel? { throw pendingTracking() }
    func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel] { throw pendingTracking() }
    func artifact(at path: String) async throws -> ArtifactEntry? { throw pendingTracking() }
    func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry] { throw pendingTracking() }
    func version(id: String) async throws -> ModelVersion? { throw pendingTracking() }
    func versions(modelID: String?, runID: String?, limit: Int) async throws -> [ModelVersion] {
        throw pendingTracking()
    }
}

extension InMemoryMetadataStore.Transaction {
    func experiment(id: String) async throws -> Experiment? { throw pendingTracking() }
    func experiment(named name: String) async throws -> Experiment? { throw pendingTracking() }
    func experiments(in stages: Set<LifecycleStage>) async throws -> [Experiment] { throw pendingTracking() }
    func run(id: String) async throws -> Run? { throw pendingTracking() }
    func runs(experimentIDs: [String], in stages: Set<LifecycleStage>) async throws -> [Run] { throw pendingTracking() }
    func metricHistory(runID: String, key: String, limit: Int) async throws -> [MetricPoint] { throw pendingTracking() }
    func loggedModel(id: String) async throws -> LoggedModel? { throw pendingTracking() }
    func loggedModels(experimentIDs: [String]) async throws -> [LoggedModel] { throw pendingTracking() }
    func artifact(at path: String) async throws -> ArtifactEntry? { throw pendingTracking() }
    func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry] { throw pendingTracking() }
    func version(id: String) async throws -> ModelVersion? { throw pendingTracking() }
    func versions(modelID: String?, runID: String?, limit: Int) async throws -> [ModelVersion] {
        throw pendingTracking()
    }
    func allocateExperimentID() async throws -> String { throw pendingTracking() }
    func insertExperiment(_ experiment: Experiment) async throws { throw pendingTracking() }
    func updateExperiment(_ experiment: Experiment) async throws { throw pendingTracking() }
    func replaceExperimentTags(experimentID: String, tags: [String: String]) async throws { throw pendingTracking() }
    func insertRun(_ run: Run) async throws { throw pendingTracking() }
    func updateRun(_ run: Run) async throws { throw pendingTracking() }
    func putRunParams(runID: String, params: [String: String]) async throws { throw pendingTracking() }
    func putRunTags(runID: String, tags: [String: String]) async throws { throw pendingTracking() }
    func deleteRunTag(runID: String, key: String) async throws -> Bool { throw pendingTracking() }
    func appendMetrics(runID: String, points: [MetricPoint]) async throws { throw pendingTracking() }
    func addRunInputs(runID: String, inputs: [RunInput]) async throws { throw pendingTracking() }
    func addRunOutputs(runID: String, outputs: [RunOutput]) async throws { throw pendingTracking() }
    func insertLoggedModel(_ model: LoggedModel) async throws { throw pendingTracking() }
    func updateLoggedModel(_ model: LoggedModel) async throws { throw pendingTracking() }
    func putLoggedModelTags(modelID: String, tags: [String: String]) async throws { throw pendingTracking() }
    func deleteLoggedModelTag(modelID: String, key: String) async throws -> Bool { throw pendingTracking() }
    func putArtifact(_ entry: ArtifactEntry) async throws { throw pendingTracking() }
    func deleteArtifacts(under prefix: String) async throws -> [ArtifactEntry] { throw pendingTracking() }
}

private func pendingTracking() -> RegistryError {
    RegistryError(.unavailable, "Tracking storage is not wired up in this build yet.")
}
