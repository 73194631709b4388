import Foundation

extension CatalogService {
    /// Stores one file of a `PENDING` version.
    ///
    /// `writeBody` streams the bytes into the upload session it is given; the bytes are hashed while written, checked
    /// against `expectedDigest`/`expectedSize` when given, made durable and moved into the content-addressed store.
    /// Identical bytes are stored once. On any failure (a mismatch, a disconnect, a sealed version) nothing remains:
    /// the upload is cancelled and no file entry is written. Needs ``Action/write`` on the model, checked before a
    /// byte is read.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path), `.notFound`, `.failedPrecondition`
    ///   (not `PENDING`), `.digestMismatch`.
    public func uploadFile(
        modelName: String,
        number: Int,
        path: String,
        expectedDigest: Digest? = nil,
        expectedSize: Int64? = nil,
        actor: Principal,
        writeBody: (any BlobUpload) async throws -> Void
    ) async throws -> ManifestEntry {
        try ModelName.validate(modelName)
        try ManifestPath.validate(path)
        if let expectedSize, expectedSize < 0 { throw RegistryError.invalid("Expected size must not be negative.") }
        let permit = try await core.admit(.uploadFile, actor, model: modelName)
        // Refuse early, before reading a byte, when the version cannot take files.
        let version = try await store.read(permit) { reader in
            let version = try await reader.requireVersion(modelName, number)
            try await core.refuseAnonymousOnGuarded(
                reader,
                actor,
                modelID: version.modelID,
                modelName: modelName,
                doing: "uploading to"
            )
            return version
        }
        try Self.requirePending(version, doing: "upload files to")

        let info = try await core.storeBlob(BlobExpectation(size: expectedSize, digest: expectedDigest), writeBody)
        let entry = ManifestEntry(
            path: path,
            digest: info.digest,
            size: info.size,
            mediaType: MediaType.guess(forPath: path)
        )
        let now = clock.now()
        // The blob was stored (or renewed) just now, so garbage collection keeps it for its grace period whether or
        // not this transaction references it; no blob I/O happens inside the transaction.
        try await core.referencing(info, through: store, permit) { tx in
            let current = try await tx.requireVersion(modelName, number)
            guard current.id == version.id else { throw RegistryError.versionNotFound(modelName, number) }
            try Self.requirePending(current, doing: "upload files to")
            try await tx.putFile(versionID: current.id, entry: entry)
            try await record(
                tx,
                actor: actor,
                .versionFileUploaded(.init(path: path, digest: info.digest.description, size: info.size)),
                subject: Subject.version(modelName, number),
                modelID: current.modelID,
                at: now
            )
        }
        return entry
    }

    /// Seals a version: its manifest becomes the files uploaded so far, it turns `READY`, and its files can never
    /// change. Idempotent: finalizing a `READY` version returns it unchanged. Needs ``Action/write`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.failedPrecondition` (no files, `FAILED`, a blob
    ///   missing from the store).
    public func finalizeVersion(modelName: String, number: Int, actor: Principal) async throws -> ModelVersion {
        try ModelName.validate(modelName)
        let permit = try await core.admit(.finalizeVersion, actor, model: modelName)
        let (version, files) = try await store.read(permit) { reader in
            let version = try await reader.requireVersion(modelName, number)
            try await core.refuseAnonymousOnGuarded(
                reader,
                actor,
                modelID: version.modelID,
                modelName: modelName,
                doing: "finalizing versions of"
            )
            return (version, try await reader.files(versionID: version.id))
        }
        if version.status == .ready { return version }
        try Self.requirePending(version, doing: "finalize")
        guard !files.isEmpty else {
            throw RegistryError(
                .failedPrecondition,
                "Version \(number) of '\(modelName)' has no files. Upload at least one file, then finalize."
            )
        }
        for file in files where try await blobs.size(of: file.digest) != file.size {
            throw RegistryError(
                .failedPrecondition,
                "The content of '\(file.path)' (\(file.digest)) is missing from the blob store. Upload it again."
            )
        }
        let now = clock.now()
        return try await store.write(permit) { tx in
            var current = try await tx.requireVersion(modelName, number)
            if current.status == .ready { return current }
            try Self.requirePending(current, doing: "finalize")
            guard try await tx.files(versionID: current.id) == files else {
                throw RegistryError(.failedPrecondition, "Files of version \(number) changed while finalizing; retry.")
            }
            let manifest = Manifest(entries: files)
            current.manifest = manifest
            current.lineage.runMetrics = try await tx.sealedRunMetrics(current.lineage)
            current.status = .ready
            current.statusMessage = ""
            current.updatedAt = now
            current.updatedBy = actor.name
            try await tx.updateVersion(current)
            try await record(
                tx,
                actor: actor,
                .versionFinalized(
                    .init(
                        manifestDigest: manifest.digest.description,
                        files: manifest.entries.count,
                        size: manifest.totalSize,
                        runMetrics: current.lineage.runMetrics
                    )
                ),
                subject: Subject.version(modelName, number),
                modelID: current.modelID,
                at: now
            )
            return current
        }
    }

    /// A version's files: the sealed manifest when `READY`, the files uploaded so far otherwise. Needs
    /// ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func files(modelName: String, number: Int, actor: Principal) async throws -> [ManifestEntry] {
        try await files(modelName: modelName, number: number, admittedAs: .files, actor: actor)
    }

    /// ``files(modelName:number:actor:)`` for the use cases built on it (``Action/read`` on the model).
    func files(modelName: String, number: Int, admittedAs useCase: UseCase, actor: Principal) async throws
        -> [ManifestEntry]
    {
        try ModelName.validate(modelName)
        let permit = try await core.admit(useCase, actor, model: modelName)
        return try await store.read(permit) { reader in
            let version = try await reader.requireVersion(modelName, number)
            if let manifest = version.manifest { return manifest.entries }
            return try await reader.files(versionID: version.id)
        }
    }

    /// Opens one file of a version for reading. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` (version or path), `.invalidArgument` (path).
    public func openFile(
        modelName: String,
        number: Int,
        path: String,
        range: Range<Int64>? = nil,
        actor: Principal
    ) async throws -> (ManifestEntry, BlobByteStream) {
        try ManifestPath.validate(path)
        let files = try await files(modelName: modelName, number: number, admittedAs: .openFile, actor: actor)
        guard let entry = files.first(where: { $0.path == path }) else {
            throw RegistryError(.notFound, "Version \(number) of '\(modelName)' has no file '\(path)'.")
        }
        return (entry, try await core.readBlob(entry.digest, size: entry.size, range: range, path: path))
    }

    /// Marks versions left `PENDING` longer than `seconds` as `FAILED`, drops their file entries and releases their
    /// blobs to garbage collection (``collectGarbage(graceSeconds:)``). Returns how many versions expired. A background job: takes no actor and acts as
    /// ``Principal/system``.
    public func expireStalePendingVersions(olderThanSeconds seconds: Double) async throws -> Int {
        let permit = core.admitUnguarded(.expireStalePendingVersions)
        let cutoff = clock.now().addingTimeInterval(-seconds)
        let stale = try await store.read(permit) { try await $0.pendingVersions(createdBefore: cutoff, limit: 500) }
        var expired = 0
        for candidate in stale {
            let now = clock.now()
            let released: Bool = try await store.write(permit) { tx in
                guard var version = try await tx.version(modelID: candidate.modelID, number: candidate.number),
                    version.id == candidate.id, version.status == .pending
                else { return false }
                let files = try await tx.files(versionID: version.id)
                version.status = .failed
                version.statusMessage =
                    "Not finalized within \(Int(seconds)) seconds of creation; create a new version and upload again."
                version.updatedAt = now
                version.updatedBy = Principal.system.name
                try await tx.updateVersion(version)
                try await tx.removeFiles(versionID: version.id)
                // Released in the same transaction: garbage collection deletes what nothing references once the
                // grace period has passed, never before this commit.
                try await tx.releaseBlobs(Set(files.map(\.digest)), at: now)
                try await record(
                    tx,
                    actor: .system,
                    .versionExpired(.init(id: version.id, files: files.count)),
                    subject: Subject.version(version.modelName, version.number),
                    modelID: version.modelID,
                    at: now
                )
                return true
            }
            if released { expired += 1 }
        }
        return expired
    }

    static func requirePending(_ version: ModelVersion, doing verb: String) throws(RegistryError) {
        switch version.status {
        case .pending: return
        case .ready:
            throw RegistryError(
                .failedPrecondition,
                "Version \(version.number) of '\(version.modelName)' is sealed (READY); its files can never change. "
                    + "Create a new version to change files."
            )
        case .failed:
            throw RegistryError(
                .failedPrecondition,
                "Cannot \(verb) version \(version.number) of '\(version.modelName)': it is FAILED "
                    + "(\(version.statusMessage)). Create a new version."
            )
        }
    }
}
