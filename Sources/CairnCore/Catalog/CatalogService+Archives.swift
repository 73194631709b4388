import Foundation
import Synchronization

/// A READY version's files as one POSIX tar stream (``TarArchive``), with its exact length known before the first
/// byte.
public struct VersionArchive: Sendable {
    public var version: ModelVersion
    /// The sealed manifest the archive holds, in manifest order.
    public var manifest: Manifest
    public var stream: BlobByteStream
}

extension CatalogService {
    /// The files of a `READY` version as a tar stream: for each file of the sealed manifest a header, its bytes read
    /// from the blob store as the consumer pulls them (memory does not grow with the version's size), and padding;
    /// then the end-of-archive blocks. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.failedPrecondition` (not
    ///   `READY`); while streaming, `.notFound`/`.internalError` when a blob is missing or shorter than recorded.
    public func versionArchive(modelName: String, number: Int, actor: Principal) async throws -> VersionArchive {
        let version = try await self.version(
            modelName: modelName,
            number: number,
            admittedAs: .versionArchive,
            actor: actor
        )
        guard version.status == .ready, let manifest = version.manifest else {
            throw RegistryError(
                .failedPrecondition,
                "Version \(number) of '\(modelName)' is \(version.status.rawValue); only READY versions can be "
                    + "downloaded whole. Finalize it first."
            )
        }
        // The archive as segments: each file's header, its bytes from the blob store and its padding; the trailer.
        var segments: [ArchiveSegment] = []
        for entry in manifest.entries {
            segments.append(.bytes(TarArchive.header(for: entry, modified: version.createdAt)))
            segments.append(.blob(entry.digest))
            segments.append(.bytes(TarArchive.padding(after: entry.size)))
        }
        segments.append(.bytes(TarArchive.trailer))
        let blobs = self.blobs
        let stream = BlobByteStream(count: TarArchive.length(of: manifest.entries)) { [segments] in
            // One iterator, one consumer: the next segment, and the blob being read, if any.
            let state = Mutex((next: 0, reading: (@Sendable () async throws -> [UInt8]?)?.none))
            return {
                while true {
                    if let pull = state.withLock({ $0.reading }) {
                        if let chunk = try await pull() { return chunk }
                        state.withLock { $0.reading = nil }
                        continue
                    }
                    let segment: ArchiveSegment? = state.withLock { state in
                        guard state.next < segments.count else { return nil }
                        defer { state.next += 1 }
                        return segments[state.next]
                    }
                    switch segment {
                    case nil: return nil
                    case .bytes(let bytes): if !bytes.isEmpty { return bytes }
                    case .blob(let digest):
                        let pull = try await blobs.read(digest, range: nil).makePull()
                        state.withLock { $0.reading = pull }
                    }
                }
            }
        }
        return VersionArchive(version: version, manifest: manifest, stream: stream)
    }
}

/// One piece of a version archive's stream.
private enum ArchiveSegment: Sendable {
    case bytes([UInt8])
    case blob(Digest)
}
