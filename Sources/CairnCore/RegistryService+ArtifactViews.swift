import Foundation

extension RegistryService {
    /// The reserved artifact namespace under which sealed versions are served read-only:
    /// `_cairn/versions/<version id>/<manifest path>`. Version ids never change (model names can).
    static let versionsNamespace = "_cairn/versions"

    /// Where an MLflow client downloads a version from: its sealed files, not the source they were snapshotted from;
    /// for a version registered from an external store (`s3://…`, `gs://…`) whose files Cairn never held, that
    /// source, as MLflow answers (the version says its files are not sealed). Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func downloadURI(modelName: String, number: Int, actor: Principal) async throws -> String {
        let version = try await version(modelName: modelName, number: number, actor: actor)
        if version.manifest?.entries.isEmpty ?? true, let source = version.lineage.source, Self.isExternal(source) {
            return source
        }
        return "mlflow-artifacts:/\(Self.versionsNamespace)/\(version.id)"
    }

    /// Whether `uri` names a store outside Cairn: a URI with a scheme other than `models`, `runs`,
    /// `mlflow-artifacts` and `file` (paths and internal addresses never get this far: ``LocationPolicy``).
    static func isExternal(_ uri: String) -> Bool {
        guard let colon = uri.firstIndex(of: ":") else { return false }
        let scheme = uri[..<colon].lowercased()
        guard !scheme.isEmpty, scheme.first!.isLetter,
            scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) })
        else { return false }
        return !["models", "runs", "mlflow-artifacts", "file"].contains(scheme)
    }

    /// The status message of a version whose files stay in an external store.
    static func unsealedMessage(_ source: String) -> String {
        "Files are not sealed by Cairn: they stay at \(source.prefix(2000)), which Cairn neither stores nor verifies; "
            + "MLflow clients download them from there. Register from runs:/ or push the files to seal them."
    }

    /// Lists a directory of the artifact tree, including the read-only view of sealed versions. Needs
    /// ``Action/read`` globally, or on the model for a version's view (one it may not read is not found).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path), `.notFound` (a version's view).
    public func browseArtifacts(directory: String, actor: Principal) async throws -> [ArtifactListing] {
        guard let (version, inner) = try await versionView(directory, actor: actor) else {
            return try await listArtifacts(directory: directory, actor: actor)
        }
        let files = try await files(modelName: version.modelName, number: version.number, actor: actor)
        return ArtifactListing.children(of: inner, in: files.map { ($0.path, $0.size) })
    }

    /// Opens one file of the artifact tree or of a sealed version's view. Needs ``Action/read`` globally, or on the
    /// model for a version's view (one it may not read is not found).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` "No such artifact", `.invalidArgument` (path),
    ///   `.rangeNotSatisfiable`.
    public func readArtifact(path: String, range: Range<Int64>?, actor: Principal) async throws -> (
        size: Int64, digest: Digest, stream: BlobByteStream
    ) {
        guard let (version, inner) = try await versionView(path, actor: actor), !inner.isEmpty else {
            let (entry, stream) = try await openArtifact(path: path, range: range, actor: actor)
            return (entry.size, entry.digest, stream)
        }
        let (entry, stream) = try await openFile(
            modelName: version.modelName,
            number: version.number,
            path: inner,
            range: range,
            actor: actor
        )
        return (entry.size, entry.digest, stream)
    }

    /// For a path inside `_cairn/versions/<id>`, the version and the path inside it; `nil` for any other path. A
    /// version `actor` may not read is not found, like a missing one.
    func versionView(_ path: String, actor: Principal) async throws -> (ModelVersion, String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "_cairn", parts[1] == "versions" else { return nil }
        let id = String(parts[2])
        let version = try await store.read { try await $0.version(id: id) }
        let notFound = RegistryError(.notFound, "No such artifact: '\(path.prefix(200))'")
        try requireReadable(actor, model: version?.modelName, notFound: notFound)
        guard let version else { throw notFound }
        return (version, parts.dropFirst(3).joined(separator: "/"))
    }
}

extension ArtifactListing {
    /// The immediate children of `directory` (`""` is the root) among `files` (full paths with sizes), sorted by
    /// name: files with their size, each sub-directory once.
    static func children(of directory: String, in files: [(path: String, size: Int64)]) -> [ArtifactListing] {
        let skip = directory.isEmpty ? 0 : directory.utf8.count + 1
        var listing: [String: ArtifactListing] = [:]
        for file in files where directory.isEmpty || file.path.hasPrefix(directory + "/") {
            guard let relative = String(file.path.utf8.dropFirst(skip)), !relative.isEmpty else { continue }
            if let slash = relative.firstIndex(of: "/") {
                let name = String(relative[..<slash])
                listing[name] = ArtifactListing(path: name, isDirectory: true, size: nil)
            } else {
                listing[relative] = ArtifactListing(path: relative, isDirectory: false, size: file.size)
            }
        }
        return listing.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
}
