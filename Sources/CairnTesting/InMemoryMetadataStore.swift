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
    private var committed = InMemoryState()
    /// The state the running write transaction works on.
    private var working: InMemoryState?
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
    func snapshot(_ id: Int) throws -> InMemoryState {
        try requireActive(id)
        return working!
    }

    /// Applies `change` to the working state of transaction `id`.
    func mutate<T: Sendable>(_ id: Int, _ change: @Sendable (inout InMemoryState) throws -> T) throws -> T {
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
    struct Reader: MetadataReader {
        let state: InMemoryState

        func model(named name: String) async throws -> RegisteredModel? { state.model(named: name) }
        func models(matching filter: ModelFilter, afterName: String?, limit: Int) async throws -> [RegisteredModel] {
            state.models(matching: filter, afterName: afterName, limit: limit)
        }
        func version(modelID: String, number: Int) async throws -> ModelVersion? {
            state.version(modelID: modelID, number: number)
        }
        func versions(modelID: String, stage: Stage?, beforeNumber: Int?, limit: Int) async throws -> [ModelVersion] {
            state.versions(modelID: modelID, stage: stage, beforeNumber: beforeNumber, limit: limit)
        }
        func aliases(modelID: String) async throws -> [ModelAlias] { state.aliases(modelID: modelID) }
        func files(versionID: String) async throws -> [ManifestEntry] { state.files(versionID: versionID) }
        func references(to digest: Digest) async throws -> Int { state.references(to: digest) }
        func releasedBlobs(before date: Date, limit: Int) async throws -> [Digest] {
            state.releasedBlobs(before: date, limit: limit)
        }
        func pendingVersions(createdBefore date: Date, limit: Int) async throws -> [ModelVersion] {
            state.pendingVersions(createdBefore: date, limit: limit)
        }
        func lastEvent() async throws -> AuditEvent? { state.events.last }
        func events(afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
            Array(state.events.lazy.filter { $0.sequence > afterSequence }.prefix(max(limit, 0)))
        }
    }

    struct Transaction: MetadataTransaction {
        let store: InMemoryMetadataStore
        let id: Int

        func reader() async throws -> Reader { Reader(state: try await store.snapshot(id)) }
        func mutate<T: Sendable>(_ change: @Sendable (inout InMemoryState) throws -> T) async throws -> T {
            try await store.mutate(id, change)
        }

        func model(named name: String) async throws -> RegisteredModel? { try await reader().model(named: name) }
        func models(matching filter: ModelFilter, afterName: String?, limit: Int) async throws -> [RegisteredModel] {
            try await reader().models(matching: filter, afterName: afterName, limit: limit)
        }
        func version(modelID: String, number: Int) async throws -> ModelVersion? {
            try await reader().version(modelID: modelID, number: number)
        }
        func versions(modelID: String, stage: Stage?, beforeNumber: Int?, limit: Int) async throws -> [ModelVersion] {
            try await reader().versions(modelID: modelID, stage: stage, beforeNumber: beforeNumber, limit: limit)
        }
        func aliases(modelID: String) async throws -> [ModelAlias] { try await reader().aliases(modelID: modelID) }
        func files(versionID: String) async throws -> [ManifestEntry] { try await reader().files(versionID: versionID) }
        func references(to digest: Digest) async throws -> Int { try await reader().references(to: digest) }
        func releasedBlobs(before date: Date, limit: Int) async throws -> [Digest] {
            try await reader().releasedBlobs(before: date, limit: limit)
        }
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
        func releaseBlobs(_ digests: Set<Digest>, at time: Date) async throws {
            try await mutate { $0.releaseBlobs(digests, at: time) }
        }
        func forgetReleasedBlobs(_ digests: [Digest], before date: Date) async throws {
            try await mutate { $0.forgetReleasedBlobs(digests, before: date) }
        }
    }
}
