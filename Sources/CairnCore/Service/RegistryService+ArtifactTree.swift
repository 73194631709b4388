import Foundation

/// MLflow's artifact tree spans two areas: run artifacts (tracking) and the read-only view of sealed versions under
/// `_cairn/versions/<version id>` (catalog). These route a path to the area that owns it; each area admits the caller.
extension RegistryService {
    /// Lists a directory of the artifact tree, including the read-only view of sealed versions. Needs
    /// ``Action/read`` globally, or on the model for a version's view (one it may not read is not found).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.invalidArgument` (path), `.notFound` (a version's view).
    public func browseArtifacts(directory: String, actor: Principal) async throws -> [ArtifactListing] {
        guard let (version, inner) = try await catalog.versionView(directory, for: .browseArtifacts, actor: actor)
        else {
            return try await tracking.listArtifacts(directory: directory, actor: actor)
        }
        let files = try await catalog.files(
            modelName: version.modelName,
            number: version.number,
            admittedAs: .browseArtifacts,
            actor: actor
        )
        return ArtifactListing.children(of: inner, in: files.map { ($0.path, $0.size) })
    }

    /// Opens one file of the artifact tree or of a sealed version's view. Needs ``Action/read`` globally, or on the
    /// model for a version's view (one it may not read is not found).
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound` "No such artifact", `.invalidArgument` (path),
    ///   `.rangeNotSatisfiable`.
    public func readArtifact(path: String, range: Range<Int64>?, actor: Principal) async throws -> (
        size: Int64, digest: Digest, stream: BlobByteStream
    ) {
        guard let (version, inner) = try await catalog.versionView(path, for: .readArtifact, actor: actor),
            !inner.isEmpty
        else {
            let (entry, stream) = try await tracking.openArtifact(path: path, range: range, actor: actor)
            return (entry.size, entry.digest, stream)
        }
        let (entry, stream) = try await catalog.openFile(
            modelName: version.modelName,
            number: version.number,
            path: inner,
            range: range,
            actor: actor
        )
        return (entry.size, entry.digest, stream)
    }
}
