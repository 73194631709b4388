import Foundation

/// The port to the metadata database: models, versions, aliases, staged files and the event log.
///
/// Stores persist and query; they never decide. Every rule (next version number, legal states, what a change records)
/// lives in ``RegistryService``. Implementations: `SQLiteMetadataStore`, later `PostgresMetadataStore`, and the
/// `InMemoryMetadataStore` fake; all pass `MetadataStoreConformance`.
public protocol MetadataStore: Sendable {
    /// Runs `body` against a consistent snapshot. Never blocks writers.
    func read<T: Sendable>(_ body: @Sendable (any MetadataReader) async throws -> T) async throws -> T

    /// Runs `body` in one serializable write transaction: all of its writes commit together, or none do (on a thrown
    /// error). Write transactions run one at a time, which the event chain needs.
    func write<T: Sendable>(_ body: @Sendable (any MetadataTransaction) async throws -> T) async throws -> T

    /// Resolves a reference to a `READY` version with its manifest in a single indexed read: the serving hot path.
    /// Returns `nil` when the model or the version does not exist (or is not `READY`).
    func resolve(modelName: String, reference: VersionReference) async throws -> ModelVersion?
}

/// Queries available inside and outside transactions: the union of the area ports. Each area service of
/// ``RegistryService`` sees only its own composition of them (``CatalogService/Reader`` and so on).
public protocol MetadataReader: CatalogReader, TrackingReader, IdentityReader, GovernanceReader, EventLogReader,
    BlobLedgerReader, DeliveryReader
{}

/// Writes, available only inside ``MetadataStore/write(_:)``: the union of the area ports.
public protocol MetadataTransaction: MetadataReader, CatalogTransaction, TrackingTransaction, IdentityTransaction,
    GovernanceTransaction, EventLogWriter, BlobLedgerWriter, DeliveryTransaction
{}

/// Catalog queries of the metadata store: models, versions, aliases and version files.
public protocol CatalogReader: Sendable {
    /// The model with this exact name, with its tags.
    func model(named name: String) async throws -> RegisteredModel?
    /// Models matching `filter` whose name sorts after `afterName`, by name ascending, at most `limit`.
    func models(matching filter: ModelFilter, afterName: String?, limit: Int) async throws -> [RegisteredModel]
    /// One version of a model.
    func version(modelID: String, number: Int) async throws -> ModelVersion?
    /// Versions of a model (only those in `stage`, when given) with a number below `beforeNumber`, highest first, at
    /// most `limit`. An index range scan on `(model_id, stage, number)`: its cost is the page, never the model's
    /// history.
    func versions(modelID: String, stage: Stage?, beforeNumber: Int?, limit: Int) async throws -> [ModelVersion]
    /// The aliases of a model, sorted by alias.
    func aliases(modelID: String) async throws -> [ModelAlias]
    /// Files uploaded so far to a version (the sealed manifest's entries once `READY`), sorted by path.
    func files(versionID: String) async throws -> [ManifestEntry]
    /// The version with this id (ids never change, unlike model names).
    func version(id: String) async throws -> ModelVersion?
    /// Versions of any model (or of `modelID`), optionally only those created from `runID`, by model name then
    /// number descending, at most `limit`.
    func versions(modelID: String?, runID: String?, limit: Int) async throws -> [ModelVersion]
    /// `PENDING` versions created before `date`, oldest first, at most `limit`.
    func pendingVersions(createdBefore date: Date, limit: Int) async throws -> [ModelVersion]
}

/// Catalog writes, available inside ``MetadataStore/write(_:)``.
public protocol CatalogTransaction: CatalogReader {
    /// Inserts a model and its tags. Throws `.alreadyExists` if the name is taken.
    func insertModel(_ model: RegisteredModel) async throws
    /// Updates name, description, updated-at/by of an existing model. Throws `.alreadyExists` if a rename collides.
    func updateModel(_ model: RegisteredModel) async throws
    /// Replaces a model's tags.
    func replaceModelTags(modelID: String, tags: [String: String]) async throws
    /// Deletes a model with its versions, files, aliases, policy, transition requests and cards (not its blobs;
    /// nor its events).
    func deleteModel(id: String) async throws
    /// Increments the model's version counter under the transaction's lock and returns the new value. The counter
    /// never goes down, so numbers are never reused.
    func allocateVersionNumber(modelID: String) async throws -> Int
    func insertVersion(_ version: ModelVersion) async throws
    /// Updates the mutable columns of a version (status, message, stage, description, tags, manifest, the sealed
    /// ``VersionLineage/runMetrics``, updated-at/by); the rest of the lineage never changes.
    func updateVersion(_ version: ModelVersion) async throws
    /// Deletes a version, its files, its card and the aliases pointing at it (not its transition requests).
    func deleteVersion(id: String) async throws
    /// Adds or replaces the file at `entry.path` of a version.
    func putFile(versionID: String, entry: ManifestEntry) async throws
    /// Removes every file entry of a version (one that will never be sealed).
    func removeFiles(versionID: String) async throws
    /// Points an alias at a version number (creating or moving it).
    func setAlias(modelID: String, alias: ModelAlias) async throws
    /// Removes an alias; returns whether it existed.
    func deleteAlias(modelID: String, alias: String) async throws -> Bool
}

/// The event log: one hash chain for every area.
public protocol EventLogReader: Sendable {
    /// The newest event, or `nil` for an empty log.
    func lastEvent() async throws -> AuditEvent?
    /// Events with a sequence above `afterSequence`, ascending, at most `limit`.
    func events(afterSequence: Int64, limit: Int) async throws -> [AuditEvent]
}

/// Appending to the event log, inside ``MetadataStore/write(_:)``.
public protocol EventLogWriter: EventLogReader {
    /// Appends an event. The caller computed its chain hash from ``EventLogReader/lastEvent()`` in this transaction.
    func appendEvent(_ event: AuditEvent) async throws
}

/// Who references which blob: version files and tracking artifacts alike, and the blobs released for garbage
/// collection.
public protocol BlobLedgerReader: Sendable {
    /// How many version files (pending or sealed, of any model) and tracking artifacts reference `digest`.
    func references(to digest: Digest) async throws -> Int
    /// Blobs released before `date` (see ``BlobLedgerWriter/releaseBlobs(_:at:)``), oldest release first, at most
    /// `limit`.
    func releasedBlobs(before date: Date, limit: Int) async throws -> [Digest]
}

/// Releasing blobs, inside ``MetadataStore/write(_:)``.
public protocol BlobLedgerWriter: BlobLedgerReader {
    /// Records that `digests` lost a reference at `time`, for garbage collection to consider once its grace period
    /// has passed. A digest released again keeps the later time.
    func releaseBlobs(_ digests: Set<Digest>, at time: Date) async throws
    /// Forgets the releases of `digests` made before `date` (a release since then stays).
    func forgetReleasedBlobs(_ digests: [Digest], before date: Date) async throws
}
