import CairnCore
import CairnWire
import Foundation

extension CairnClient {
    /// Registers a new version of `model` from every regular file under `directory`: creates the version, uploads each
    /// file (see ``uploadFile(model:version:path:fileURL:progress:)``) and finalizes it.
    ///
    /// The directory is scanned first with ``LocalTree/scan(_:)``, so a symlink leaving it or an unusable file name
    /// fails before anything is created. If an upload fails, the version stays `PENDING` and the error names it.
    /// - Returns: The `READY` version.
    public func push(
        model: String,
        directory: URL,
        request: CreateVersionRequest = CreateVersionRequest(),
        progress: TransferProgressHandler? = nil
    ) async throws -> VersionDTO {
        let files = try LocalTree.scan(directory)
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        let created = try await createVersion(model: model, request)
        var done: Int64 = 0
        do {
            for (index, file) in files.enumerated() {
                let position = TransferPosition(
                    index: index,
                    count: files.count,
                    completedBefore: done,
                    totalBytes: total
                )
                _ = try await upload(
                    model: model,
                    version: created.version,
                    path: file.path,
                    fileURL: file.fileURL,
                    position: position,
                    progress: progress
                )
                done += file.size
            }
            return try await finalizeVersion(model: model, version: created.version)
        } catch var error as CairnClientError {
            error.message += " (version \(created.version) of '\(model)' is left PENDING; push again to retry)"
            throw error
        }
    }

    /// Downloads every file of the version `uri` names (`models:/NAME/3`, `models:/NAME@champion`, …) into
    /// `directory`, verifying each file's size and SHA-256 against the manifest and the manifest against its sealed
    /// digest.
    ///
    /// Every path from the server is checked with ``LocalTree/destination(for:in:)`` before anything is written, so a
    /// hostile server cannot place a file outside `directory`. Existing files at the same paths are replaced; other
    /// files in `directory` are left alone.
    /// - Returns: What `uri` resolved to.
    @discardableResult
    public func pull(
        _ uri: String,
        into directory: URL,
        progress: TransferProgressHandler? = nil
    ) async throws -> ResolveDTO {
        do {
            _ = try ModelURI(parsing: uri)
        } catch {
            throw CairnClientError.invalid(error.message)
        }
        let resolved = try await resolve(uri)
        let manifest = resolved.manifest
        try Self.verifySealedDigest(manifest)
        // Check every path before writing the first byte.
        var destinations: [URL] = []
        for file in manifest.files { destinations.append(try LocalTree.destination(for: file.path, in: directory)) }
        let total = manifest.files.reduce(Int64(0)) { $0 + $1.size }
        var done: Int64 = 0
        for (index, (file, destination)) in zip(manifest.files, destinations).enumerated() {
            let position = TransferPosition(
                index: index,
                count: manifest.files.count,
                completedBefore: done,
                totalBytes: total
            )
            try await download(
                model: manifest.model,
                version: manifest.version,
                entry: file,
                to: destination,
                position: position,
                progress: progress
            )
            done += file.size
        }
        return resolved
    }

    /// Recomputes a sealed manifest's digest from its entries (see ``Manifest/digest``) and compares.
    static func verifySealedDigest(_ manifest: ManifestDTO) throws {
        guard manifest.sealed, let sealed = manifest.digest else { return }
        do {
            let entries = try manifest.files.map {
                ManifestEntry(
                    path: $0.path,
                    digest: try CairnCore.Digest(parsing: $0.digest),
                    size: $0.size,
                    mediaType: $0.mediaType
                )
            }
            let expected = try CairnCore.Digest(parsing: sealed)
            guard Manifest(entries: entries).digest == expected else {
                throw CairnClientError(
                    code: CairnClientError.digestMismatch,
                    message: "The manifest of version \(manifest.version) of '\(manifest.model)' does not match its "
                        + "sealed digest \(sealed); refusing to download it."
                )
            }
        } catch let error as RegistryError {
            throw CairnClientError.badResponse("The server sent a malformed manifest: \(error.message)")
        }
    }
}
