import CairnCore
import Foundation

/// The whole database as values. Reads are pure; writes mirror the SQL stores' constraints.
struct InMemoryState: Sendable {
    var models: [String: RegisteredModel] = [:]
    var counters: [String: Int] = [:]
    /// By id; `modelName` is filled in from `models` on every read, as the SQL stores join it.
    var versions: [String: ModelVersion] = [:]
    var files: [String: [String: ManifestEntry]] = [:]
    var aliases: [String: [String: Int]] = [:]
    var events: [AuditEvent] = []
    /// When each released blob was last released (milliseconds, as the SQL stores keep it).
    var blobReleases: [Digest: Date] = [:]
    /// Experiments, runs, logged models and the artifact tree (see `InMemoryMetadataStore+TrackingState.swift`).
    var tracking = TrackingTables()
    /// Accounts, password hashes, grants and tokens (see `InMemoryMetadataStore+Identity.swift`).
    var identity = IdentityTables()
    /// Policies, transition requests and model cards (see `InMemoryMetadataStore+Governance.swift`).
    var governance = GovernanceTables()
    /// Webhooks, deliveries and attempts (see `InMemoryMetadataStore+Delivery.swift`).
    var delivery = DeliveryTables()

    // MARK: Reads

    func model(named name: String) -> RegisteredModel? { models.values.first { same($0.name, name) } }

    func models(matching filter: ModelFilter, afterName: String?, limit: Int) -> [RegisteredModel] {
        let matching = models.values.filter { model in
            let name = Array(model.name.utf8)
            if let afterName, !precedes(Array(afterName.utf8), name) { return false }
            if let prefix = filter.namePrefix, !name.starts(with: prefix.utf8) { return false }
            if let fragment = filter.nameContains, !fragment.isEmpty, !containsBytes(name, Array(fragment.utf8)) {
                return false
            }
            let tagsMatch = filter.tags.allSatisfy { key, value in model.tags[key].map { same($0, value) } ?? false }
            return tagsMatch && filter.clauses.allSatisfy { $0.matches(model) }
        }
        return Array(matching.sorted { precedes(Array($0.name.utf8), Array($1.name.utf8)) }.prefix(max(limit, 0)))
    }

    func version(modelID: String, number: Int) -> ModelVersion? {
        versions.values.first { $0.modelID == modelID && $0.number == number }.flatMap(named)
    }

    func versions(modelID: String, stage: Stage?, beforeNumber: Int?, limit: Int) -> [ModelVersion] {
        let matching = versions.values.filter { version in
            version.modelID == modelID && version.number < (beforeNumber ?? .max)
                && (stage.map { version.stage == $0 } ?? true)
        }
        return matching.sorted { $0.number > $1.number }.prefix(max(limit, 0)).compactMap(named)
    }

    func version(id: String) -> ModelVersion? { versions[id].flatMap(named) }

    func versions(modelID: String?, runID: String?, limit: Int) -> [ModelVersion] {
        let matching = versions.values.filter { version in
            (modelID.map { $0 == version.modelID } ?? true) && (runID.map { $0 == version.lineage.runID } ?? true)
        }
        return Array(
            matching.compactMap(named).sorted { a, b in
                if !same(a.modelName, b.modelName) { return precedes(Array(a.modelName.utf8), Array(b.modelName.utf8)) }
                return a.number > b.number
            }
            .prefix(max(limit, 0))
        )
    }

    func aliases(modelID: String) -> [ModelAlias] {
        (aliases[modelID] ?? [:]).map { ModelAlias(alias: $0.key, version: $0.value) }
            .sorted { precedes(Array($0.alias.utf8), Array($1.alias.utf8)) }
    }

    func files(versionID: String) -> [ManifestEntry] {
        (files[versionID] ?? [:]).values.sorted { precedes(Array($0.path.utf8), Array($1.path.utf8)) }
    }

    func references(to digest: Digest) -> Int {
        let versionFiles = files.values.reduce(0) { count, entries in
            count + entries.values.filter { $0.digest == digest }.count
        }
        return versionFiles + tracking.artifacts.values.filter { $0.digest == digest }.count
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

    func named(_ version: ModelVersion) -> ModelVersion? {
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
        governance.policies[id] = nil
        governance.requests = governance.requests.filter { $0.value.modelID != id }
        for version in versions.values where version.modelID == id {
            files[version.id] = nil
            governance.cards[version.id] = nil
        }
        versions = versions.filter { $0.value.modelID != id }
        aliases[id] = nil
        counters[id] = nil
        delivery.deployments[id] = nil
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
        stored.lineage.runMetrics = version.lineage.runMetrics
        stored.updatedBy = version.updatedBy
        stored.updatedAt = millis(version.updatedAt)
        versions[version.id] = stored
    }

    mutating func deleteVersion(id: String) {
        guard let version = versions.removeValue(forKey: id) else { return }
        files[id] = nil
        governance.cards[id] = nil
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

    func releasedBlobs(before date: Date, limit: Int) -> [Digest] {
        let cutoff = millis(date)
        return blobReleases.filter { $0.value < cutoff }
            .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            .prefix(max(limit, 0)).map(\.key)
    }

    mutating func releaseBlobs(_ digests: Set<Digest>, at time: Date) {
        let time = millis(time)
        for digest in digests where (blobReleases[digest] ?? .distantPast) < time { blobReleases[digest] = time }
    }

    mutating func forgetReleasedBlobs(_ digests: [Digest], before date: Date) {
        let cutoff = millis(date)
        for digest in digests where (blobReleases[digest] ?? .distantFuture) < cutoff {
            blobReleases.removeValue(forKey: digest)
        }
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

    static func modelNotFound(_ id: String) -> RegistryError {
        RegistryError(.notFound, "No registered model has the id \(id); it may have been deleted.")
    }
}

/// Dates as the SQL stores keep them: whole milliseconds.
func millis(_ date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
}

/// Code-point equality, as SQL compares text (Swift's `==` also equates canonically equivalent strings).
func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// Code-point order (UTF-8 byte order), as SQL sorts text.
func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }

func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}
