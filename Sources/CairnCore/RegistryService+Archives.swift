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

extension RegistryService {
    /// The files of a `READY` version as a tar stream: for each file of the sealed manifest a header, its bytes read
    /// from the blob store as the consumer pulls them (memory does not grow with the version's size), and padding;
    /// then the end-of-archive blocks. Needs ``Action/read`` on the model.
    /// - Throws: `.permissionDenied` (`.unauthenticated` for anonymous), `.notFound`, `.failedPrecondition` (not
    ///   `READY`); while streaming, `.notFound`/`.internalError` when a blob is missing or shorter than recorded.
    public func versionArchive(modelName: String, number: Int, actor: Principal) async throws -> VersionArchive {
        let version = try await self.version(modelName: modelName, number: number, actor: actor)
        guard version.status == .ready, let manifest = version.manifest else {
            throw RegistryError(
                .failedPrecondition,
                "Version \(number) of '\(modelName)' is \(version.status.rawValue); only READY versions can be "
                    + "downloaded whole. Finalize it first."
            )
        }
        let entries = manifest.entries
        let blobs = self.blobs
        let modified = version.createdAt
        let stream = BlobByteStream(count: TarArchive.length(of: entries)) {
            let cursor = Mutex(ArchiveCursor())
            return {
                while true {
                    let step = cursor.withLock { $0.next(entries.count) }
                    switch step {
                    case .header(let index):
                        return TarArchive.header(for: entries[index], modified: modified)
                    case .open(let index):
                        let pull = try await blobs.read(entries[index].digest, range: nil).makePull()
                        cursor.withLock { $0.reading = pull }
                    case .read(let pull, let index):
                        if let chunk = try await pull() { return chunk }
                        cursor.withLock { $0.finished(index) }
                    case .padding(let index):
                        let padding = TarArchive.padding(after: entries[index].size)
                        if !padding.isEmpty { return padding }
                    case .trailer: return TarArchive.trailer
                    case .end: return nil
                    }
                }
            }
        }
        return VersionArchive(version: version, manifest: manifest, stream: stream)
    }
}

/// Where a version archive's stream is: which file, and which part of it.
private struct ArchiveCursor: Sendable {
    enum Step {
        case header(Int)
        case open(Int)
        case read(@Sendable () async throws -> [UInt8]?, Int)
        case padding(Int)
        case trailer
        case end
    }

    private enum Phase {
        case header, open, body, padding
    }

    private var index = 0
    private var phase = Phase.header
    private var trailerSent = false
    var reading: (@Sendable () async throws -> [UInt8]?)? {
        didSet { if reading != nil { phase = .body } }
    }

    /// What to do next, advancing past headers, paddings and the trailer as they are handed out.
    mutating func next(_ count: Int) -> Step {
        guard index < count else {
            if trailerSent { return .end }
            trailerSent = true
            return .trailer
        }
        switch phase {
        case .header:
            phase = .open
            return .header(index)
        case .open:
            return .open(index)
        case .body:
            return reading.map { .read($0, index) } ?? .open(index)
        case .padding:
            let done = index
            index += 1
            phase = .header
            return .padding(done)
        }
    }

    /// The file at `index` has yielded all its bytes.
    mutating func finished(_ file: Int) {
        guard file == index else { return }
        reading = nil
        phase = .padding
    }
}
