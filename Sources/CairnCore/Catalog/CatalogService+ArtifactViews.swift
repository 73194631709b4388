import Foundation

extension CatalogService {
    /// The reserved artifact namespace under which sealed versions are served read-only:
    /// `_cairn/versions/<version id>/<manifest path>`. Version ids never change (model names can).
    static let versionsNamespace = "_cairn/versions"

    /// Where an MLflow client downloads a version from: its sealed files, not the source they were snapshotted from;
    /// for a version registered from an external store (`s3://…`, `gs://…`) whose files Cairn never held, that
    /// source, as MLflow answers (the version says its files are not sealed). Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`.
    public func downloadURI(modelName: String, number: Int, actor: Principal) async throws -> String {
        let version = try await version(modelName: modelName, number: number, admittedAs: .downloadURI, actor: actor)
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

    /// For a path inside `_cairn/versions/<id>`, the version and the path inside it; `nil` for any other path. A
    /// version `actor` may not read is not found, like a missing one.
    func versionView(_ path: String, for useCase: UseCase, actor: Principal) async throws -> (ModelVersion, String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "_cairn", parts[1] == "versions" else { return nil }
        let id = String(parts[2])
        let lookup = try core.admitLookup(useCase, actor)
        let version = try await store.read(lookup) { try await $0.version(id: id) }
        let notFound = RegistryError(.notFound, "No such artifact: '\(path.prefix(200))'")
        try core.requireReadable(actor, model: version?.modelName, notFound: notFound)
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
