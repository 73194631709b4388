import Foundation

/// One immediate child of a directory of the tracking artifact tree.
public struct ArtifactListing: Hashable, Sendable {
    /// The child's name inside the listed directory (a basename, not a full path).
    public var path: String
    public var isDirectory: Bool
    /// The file's size in bytes; `nil` for a directory.
    public var size: Int64?

    public init(path: String, isDirectory: Bool, size: Int64?) {
        self.path = path
        self.isDirectory = isDirectory
        self.size = size
    }
}

extension TrackingService {
    /// The prefix of paths the server keeps for itself; clients can neither write nor delete below it.
    public static let reservedArtifactPrefix = "_cairn"

    /// Stores one file of the tracking artifact tree (what `mlflow-artifacts:/<path>` addresses).
    ///
    /// `writeBody` streams the bytes into the upload session; they are hashed, checked against `expectedSize`, made
    /// durable and stored by digest (identical bytes once). Replacing an existing file is allowed. On any failure
    /// nothing remains. Individual uploads are not recorded in the event log (see decision 0005). Needs
    /// ``Action/write`` globally, checked before a byte is read.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path, reserved `_cairn/`, negative size), `.failedPrecondition` (the path is a
    ///   directory, or a parent is a file), `.digestMismatch` / `.payloadTooLarge` (size), `.unavailable` (a clean-up
    ///   removed the content meanwhile; retry).
    public func uploadArtifact(
        path: String,
        expectedSize: Int64?,
        actor: Principal,
        writeBody: (any BlobUpload) async throws -> Void
    ) async throws -> ArtifactEntry {
        try Self.validateArtifactPath(path)
        if let expectedSize, expectedSize < 0 { throw RegistryError.invalid("Expected size must not be negative.") }
        let permit = try await core.admit(.uploadArtifact, actor, model: nil)
        // Refuse early, before reading a byte, when the path cannot hold a file.
        try await store.read(permit) { try await Self.requireFileSlot($0, path) }

        let info = try await core.storeBlob(BlobExpectation(size: expectedSize), writeBody)
        return try await recordArtifact(at: path, info, permit)
    }

    /// Points `path` of the artifact tree at the committed blob `info`, replacing what was there (whose content is
    /// released to garbage collection in the same transaction).
    func recordArtifact(at path: String, _ info: BlobInfo, _ permit: Permit) async throws -> ArtifactEntry {
        let now = clock.now()
        let entry = ArtifactEntry(path: path, digest: info.digest, size: info.size, updatedAt: now)
        try await core.referencing(info, through: store, permit) { tx in
            try await Self.requireFileSlot(tx, path)
            let replaced = try await tx.artifact(at: path)
            try await tx.putArtifact(entry)
            if let replaced, replaced.digest != info.digest { try await tx.releaseBlobs([replaced.digest], at: now) }
        }
        return entry
    }

    /// The immediate children of `directory` (`""` is the root), sorted by name: files with their size, each
    /// sub-directory once. A file path or a directory that does not exist lists as empty, as in MLflow. Needs
    /// ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path).
    public func listArtifacts(directory: String, actor: Principal) async throws -> [ArtifactListing] {
        let permit = try await core.admit(.listArtifacts, actor, model: nil)
        var directory = directory
        while directory.hasSuffix("/") { directory.removeLast() }
        if !directory.isEmpty { try ManifestPath.validate(directory) }
        let entries: [ArtifactEntry] = try await store.read(permit) { [directory] reader in
            if !directory.isEmpty, try await reader.artifact(at: directory) != nil { return [] }
            return try await reader.artifacts(under: directory, limit: Self.maxArtifactsListed)
        }
        return ArtifactListing.children(of: directory, in: entries.map { ($0.path, $0.size) })
    }

    /// Opens one artifact file for reading, optionally a byte range (clamped to the file's size). Needs
    /// ``Action/read`` globally.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path), `.notFound`, `.rangeNotSatisfiable`.
    public func openArtifact(path: String, range: Range<Int64>?, actor: Principal) async throws -> (
        ArtifactEntry, BlobByteStream
    ) {
        try ManifestPath.validate(path)
        let permit = try await core.admit(.openArtifact, actor, model: nil)
        guard let entry = try await store.read(permit, { try await $0.artifact(at: path) }) else {
            throw RegistryError(.notFound, "No such artifact: '\(path)'")
        }
        return (entry, try await core.readBlob(entry.digest, size: entry.size, range: range, path: path))
    }

    /// Deletes a file, or a directory with everything below it. Deleting a path that holds nothing changes nothing.
    /// Records one `artifact.deleted` event when something was deleted; the content is released to garbage collection.
    /// Needs ``Action/delete`` (admin) globally; a refusal is recorded as `access.denied`.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path, the root, reserved `_cairn/`).
    public func deleteArtifacts(path: String, actor: Principal) async throws {
        try Self.validateArtifactPath(path)
        let permit = try await core.admit(
            .deleteArtifacts,
            actor,
            model: nil,
            attempted: "delete artifacts at '\(path.prefix(200))'"
        )
        let now = clock.now()
        try await store.write(permit) { tx in
            let removed = try await tx.deleteArtifacts(under: path)
            if removed.isEmpty { return }
            try await tx.releaseBlobs(Set(removed.map(\.digest)), at: now)
            try await record(
                tx,
                actor: actor,
                .artifactDeleted(.init(files: removed.count, size: removed.reduce(Int64(0)) { $0 + $1.size })),
                subject: "artifact/\(path)",
                at: now
            )
        }
    }

    // MARK: Helpers

    /// Most entries one listing reads.
    static let maxArtifactsListed = 1_000_000

    static func validateArtifactPath(_ path: String) throws(RegistryError) {
        try ManifestPath.validate(path)
        if path == reservedArtifactPrefix || path.hasPrefix(reservedArtifactPrefix + "/") {
            throw .invalid("Paths under '\(reservedArtifactPrefix)/' are reserved for the server; choose another path.")
        }
    }

    /// Refuses a file at `path` when a directory is there or a parent of `path` is a file.
    static func requireFileSlot(_ reader: Reader, _ path: String) async throws {
        if let child = try await reader.artifacts(under: path, limit: 2).first(where: { $0.path != path }) {
            throw RegistryError(
                .failedPrecondition,
                "'\(path)' is a directory (it holds '\(child.path)'); upload the file under another name."
            )
        }
        var parent = Substring(path)
        while let slash = parent.lastIndex(of: "/") {
            parent = parent[..<slash]
            if try await reader.artifact(at: String(parent)) != nil {
                throw RegistryError(
                    .failedPrecondition,
                    "'\(parent)' is a file, so '\(path)' cannot be created below it; choose another path."
                )
            }
        }
    }
}
