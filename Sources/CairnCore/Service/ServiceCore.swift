import Foundation

/// What the area services of ``RegistryService`` share: the store they write in one transaction, the event chain
/// they append to, the blob store, the clock, ids and limits, and the admission of callers (``Permit``).
///
/// No use case lives here; only the rules every area applies the same way.
public struct ServiceCore: Sendable {
    private let base: any MetadataStore
    /// The whole store, for what belongs to no area: recording a refusal, releasing a blob after a failed write.
    let metadata: StorePort<any MetadataReader, any MetadataTransaction>
    public let blobs: any BlobStore
    public let clock: any Clock
    public let ids: any IDGenerator
    public let limits: RegistryService.Limits
    /// Which stored locations (version sources, experiment artifact locations) are refused: paths on the server and
    /// internal addresses, unless allowed.
    public let locations: LocationPolicy
    /// Bounds the `access.denied` events one principal can append (see ``DenialLimiter``).
    let denials: DenialLimiter

    init(
        store: any MetadataStore,
        blobs: any BlobStore,
        clock: any Clock,
        ids: any IDGenerator,
        limits: RegistryService.Limits,
        locations: LocationPolicy,
        denials: DenialLimiter
    ) {
        self.base = store
        self.metadata = StorePort(store, reader: { $0 }, transaction: { $0 })
        self.blobs = blobs
        self.clock = clock
        self.ids = ids
        self.limits = limits
        self.locations = locations
        self.denials = denials
    }

    /// An area's port onto the one store: what its use cases may read and write.
    func port<Reader, Transaction>(
        reader: @escaping @Sendable (any MetadataReader) -> Reader,
        transaction: @escaping @Sendable (any MetadataTransaction) -> Transaction
    ) -> StorePort<Reader, Transaction> {
        StorePort(base, reader: reader, transaction: transaction)
    }

    // MARK: The event chain

    /// Appends one event of the catalogue to the log inside `tx`. `modelID` ties it to a model across renames (see
    /// ``AuditEvent/modelID``): pass it for every event about a model.
    /// - Throws: `.internalError` when the payload cannot be encoded (the transaction then commits nothing).
    func record(
        _ tx: any EventLogWriter,
        actor: Principal,
        _ event: RegistryEvent,
        subject: String,
        modelID: String? = nil,
        at time: Date
    ) async throws {
        let entry = EventChain.next(
            after: try await tx.lastEvent(),
            time: time,
            actor: actor.name,
            action: event.action.rawValue,
            subject: subject,
            payload: try event.canonicalPayload(),
            modelID: modelID
        )
        try await tx.appendEvent(entry)
    }

    /// Appends an `access.denied` event: a refused attempt at a guarded action. Subject: the model when there is one,
    /// else `server`. At most ``DenialLimiter/limit`` per actor and window are written; the next one written after
    /// that says how many were `suppressed`.
    /// - Throws: store failures only.
    func recordDenial(
        actor: Principal,
        action: Action,
        model: String?,
        attempted: String,
        reason: String
    ) async throws {
        let now = clock.now()
        // Over the actor's bound, the refusal is counted, not written (no transaction at all).
        let admission = denials.admit(actor: actor.name, now: now.timeIntervalSince1970)
        guard admission.record else { return }
        try await metadata.write(admitUnguarded(.recordDenial)) { tx in
            let modelID = try await model.asyncMap { try await tx.model(named: $0)?.id } ?? nil
            try await recordDenial(
                tx,
                actor: actor,
                action: action,
                subject: model.map(Subject.model) ?? "server",
                modelID: modelID,
                attempted: attempted,
                reason: reason,
                at: now,
                suppressedBefore: admission.suppressed
            )
        }
    }

    /// Appends `access.denied` inside `tx`, for a refusal decided inside a transaction (by the state it reads): it
    /// commits with the transaction, which then changes nothing else. Past the actor's ``DenialLimiter`` bound the
    /// event is only counted (`suppressedBefore`: the standalone path's admission, already taken).
    func recordDenial(
        _ tx: any EventLogWriter,
        actor: Principal,
        action: Action,
        subject: String,
        modelID: String?,
        attempted: String,
        reason: String,
        at now: Date,
        suppressedBefore: Int? = nil
    ) async throws {
        var suppressed = suppressedBefore ?? 0
        if suppressedBefore == nil {
            let admission = denials.admit(actor: actor.name, now: now.timeIntervalSince1970)
            guard admission.record else { return }
            suppressed = admission.suppressed
        }
        try await record(
            tx,
            actor: actor,
            .accessDenied(
                .init(
                    action: action,
                    attempted: attempted,
                    reason: reason,
                    suppressed: suppressed > 0 ? suppressed : nil
                )
            ),
            subject: subject,
            modelID: modelID,
            at: now
        )
    }

    // MARK: Blobs

    /// Stores the bytes `writeBody` streams into a new upload expecting `expected`; on any failure the upload is
    /// cancelled and nothing remains.
    func storeBlob(_ expected: BlobExpectation, _ writeBody: (any BlobUpload) async throws -> Void) async throws
        -> BlobInfo
    {
        let upload = try await blobs.beginUpload(expecting: expected)
        do {
            try await writeBody(upload)
            return try await upload.commit()
        } catch {
            await upload.cancel()
            throw error
        }
    }

    /// Runs `body`, a write transaction that references the blob just committed as `info`. When it fails, the blob is
    /// released (best effort) so that garbage collection reconsiders it: it may be referenced by nothing now.
    func referencing<Reader, Transaction>(
        _ info: BlobInfo,
        through port: StorePort<Reader, Transaction>,
        _ permit: Permit,
        _ body: @escaping @Sendable (Transaction) async throws -> Void
    ) async throws {
        do {
            try await port.write(permit, body)
        } catch {
            let now = clock.now()
            try? await metadata.write(permit) { try await $0.releaseBlobs([info.digest], at: now) }
            throw error
        }
    }

    /// Streams a stored file, optionally a range clamped to its size.
    /// - Throws: `.rangeNotSatisfiable` when the range starts outside the file.
    func readBlob(_ digest: Digest, size: Int64, range: Range<Int64>?, path: String) async throws -> BlobByteStream {
        if let range, range.lowerBound < 0 || range.lowerBound > size {
            throw RegistryError(
                .rangeNotSatisfiable,
                "The range starts at byte \(range.lowerBound), outside '\(path)' (\(size) bytes)."
            )
        }
        return try await blobs.read(digest, range: range.map { $0.lowerBound..<min($0.upperBound, size) })
    }

    // MARK: Checks shared by the areas

    /// For lookups by id (a version id, a version's artifact view), after ``admitLookup(_:_:)``: reports a record the
    /// caller may not read exactly like a missing one, so that ids reveal no model names.
    /// - Throws: `notFound` when `model` is `nil` or not readable.
    func requireReadable(_ actor: Principal, model: String?, notFound: RegistryError) throws(RegistryError) {
        guard let model, Authorization.decide(actor, .read, model: model).isAllowed else { throw notFound }
    }

    func validateDescription(_ description: String) throws(RegistryError) {
        guard description.utf8.count <= limits.maxDescriptionBytes else {
            throw .invalid(
                "Description is \(description.utf8.count) bytes; the limit is \(limits.maxDescriptionBytes)."
            )
        }
        if description.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw .invalid("Description contains a NUL byte.")
        }
    }

    /// The policy governing a model (`nil`: the default one): its own, else the default — one place decides.
    func effectivePolicy(_ reader: any GovernanceReader, modelID: String?) async throws -> EffectivePolicy {
        if let modelID, let own = try await reader.policy(modelID: modelID) {
            return EffectivePolicy(source: .model, stored: own)
        }
        guard let fallback = try await reader.policy(modelID: nil) else {
            return EffectivePolicy(source: .none, stored: nil)
        }
        return EffectivePolicy(source: .default, stored: fallback)
    }

    /// Refuses an anonymous caller on a model a policy guards: four eyes tells people apart by who they are, and
    /// every anonymous caller is the same nobody, so on a guarded model anonymous may not create versions, upload,
    /// finalize or request a transition (whatever role the server grants anonymous access).
    /// - Throws: `.unauthenticated` saying an account is needed.
    func refuseAnonymousOnGuarded(
        _ reader: any GovernanceReader,
        _ actor: Principal,
        modelID: String,
        modelName: String,
        doing: String
    ) async throws {
        guard actor.kind == .anonymous, try await effectivePolicy(reader, modelID: modelID).guardsAnything else {
            return
        }
        throw RegistryError(
            .unauthenticated,
            "'\(modelName)' is guarded by a policy, so \(doing) it needs an account: approvals must be able to tell "
                + "the requester, the uploader and the approvers apart. Authenticate with a token "
                + "(`Authorization: Bearer …`, or MLFLOW_TRACKING_TOKEN)."
        )
    }

    /// ``refuseAnonymousOnGuarded(_:_:modelID:modelName:doing:)`` in a read of its own, so that a refusal opens no
    /// write transaction; the write repeats the check (a policy may land in between). Free for callers with an account.
    func refuseAnonymousOnGuarded(_ permit: Permit, modelName: String, doing: String) async throws {
        guard permit.actor.kind == .anonymous else { return }
        try await metadata.read(permit) { reader in
            guard let model = try await reader.model(named: modelName) else { return }
            try await refuseAnonymousOnGuarded(
                reader,
                permit.actor,
                modelID: model.id,
                modelName: model.name,
                doing: doing
            )
        }
    }
}

/// Secrets handed out once: API tokens, upload part tokens.
enum Secret {
    /// `prefix` + base64url (no padding) of 32 bytes from the system CSPRNG.
    static func make(prefix: String) -> String {
        let encoded = Data(randomBytes()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    /// `count` bytes from the system CSPRNG.
    static func randomBytes(_ count: Int = 32) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// The subjects events are recorded under.
enum Subject {
    static func model(_ name: String) -> String { "model/\(name)" }
    static func version(_ name: String, _ number: Int) -> String { "model/\(name)/version/\(number)" }
    static func policy(_ modelName: String?) -> String {
        modelName.map { model($0) + "/policy" } ?? "policy/default"
    }
}

extension CatalogReader {
    /// The model named `name`.
    /// - Throws: `.notFound`.
    func requireModel(_ name: String) async throws -> RegisteredModel {
        guard let model = try await model(named: name) else { throw RegistryError.modelNotFound(name) }
        return model
    }

    /// Version `number` of the model named `name`.
    /// - Throws: `.notFound` (model or version).
    func requireVersion(_ name: String, _ number: Int) async throws -> ModelVersion {
        let model = try await requireModel(name)
        guard let version = try await version(modelID: model.id, number: number) else {
            throw RegistryError.versionNotFound(name, number)
        }
        return version
    }
}

extension TrackingReader {
    /// The run metrics a version seals: the latest finite value of each metric of the run its lineage names, read in
    /// the sealing transaction (`nil` without a run; empty for a run that is gone).
    func sealedRunMetrics(_ lineage: VersionLineage) async throws -> [String: Double]? {
        guard let runID = lineage.runID else { return nil }
        guard let run = try await run(id: runID) else { return [:] }
        return run.metrics.mapValues(\.value).filter { $0.value.isFinite }
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
