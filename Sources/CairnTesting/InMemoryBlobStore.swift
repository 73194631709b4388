import CairnCore
import Foundation
import Synchronization

/// A `BlobStore` that keeps everything in memory: the fake for unit tests, and a reference for what every backend
/// must do (it passes `BlobStoreConformance`).
///
/// Uploads are buffered per session and hashed while written with the core's ``SHA256Hasher``. A commit verifies the
/// expected digest and size; on a mismatch it throws `.digestMismatch` and stores nothing. Commit and cancel both
/// close the session, so no abandoned upload is left behind; sessions never closed are found by
/// ``removeAbandonedUploads(olderThanSeconds:)``, which measures age with the injected clock.
public final class InMemoryBlobStore: BlobStore {
    private let storage: Storage
    private let clock: any CairnCore.Clock
    private let chunkSize: Int

    /// - Parameters:
    ///   - clock: measures the age of open upload sessions (pass the test's ``ManualClock``).
    ///   - chunkSize: the most bytes one element of a read stream carries; small values exercise multi-chunk readers.
    public init(clock: any CairnCore.Clock = ManualClock(), chunkSize: Int = 64 * 1024) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.storage = Storage()
        self.clock = clock
        self.chunkSize = chunkSize
    }

    public func beginUpload() async throws -> any BlobUpload {
        let upload = InMemoryBlobUpload(storage: storage)
        let startedAt = clock.now()
        storage.state.withLock { $0.openUploads[ObjectIdentifier(upload)] = (upload, startedAt) }
        return upload
    }

    public func size(of digest: Digest) async throws -> Int64? {
        storage.state.withLock { $0.blobs[digest].map { Int64($0.count) } }
    }

    /// Reads a blob or a range of it. The range's end is clamped to the blob (as `BlobStoreConformance` requires); a
    /// range starting past the end throws `.rangeNotSatisfiable`.
    public func read(_ digest: Digest, range: Range<Int64>?) async throws -> BlobByteStream {
        guard let bytes = storage.state.withLock({ $0.blobs[digest] }) else {
            throw RegistryError(.notFound, "Blob \(digest) is not stored.")
        }
        let size = Int64(bytes.count)
        let wanted = range ?? 0..<size
        guard wanted.lowerBound >= 0, wanted.lowerBound <= size else {
            throw RegistryError(
                .rangeNotSatisfiable,
                "Range \(wanted.lowerBound)..<\(wanted.upperBound) starts outside blob \(digest) of \(size) bytes."
            )
        }
        let upper = min(wanted.upperBound, size)
        let slice = Array(bytes[Int(wanted.lowerBound)..<Int(upper)])
        let chunkSize = self.chunkSize
        return BlobByteStream(count: Int64(slice.count)) {
            let cursor = Cursor()
            return {
                cursor.offset.withLock { start -> [UInt8]? in
                    guard start < slice.count else { return nil }
                    let end = min(start + chunkSize, slice.count)
                    defer { start = end }
                    return Array(slice[start..<end])
                }
            }
        }
    }

    public func delete(_ digest: Digest) async throws {
        _ = storage.state.withLock { $0.blobs.removeValue(forKey: digest) }
    }

    public func removeAbandonedUploads(olderThanSeconds seconds: Double) async throws -> Int {
        let now = clock.now()
        let abandoned = storage.state.withLock { state in
            let old = state.openUploads.filter { seconds <= 0 || now.timeIntervalSince($0.value.startedAt) >= seconds }
            for key in old.keys { state.openUploads.removeValue(forKey: key) }
            return old.values.map(\.upload)
        }
        for upload in abandoned { upload.close() }
        return abandoned.count
    }

    // MARK: Inspection for tests

    /// The digests of every stored blob, sorted.
    public var storedDigests: [Digest] { storage.state.withLock { $0.blobs.keys.sorted() } }

    /// How many blobs are stored.
    public var blobCount: Int { storage.state.withLock { $0.blobs.count } }

    /// How many upload sessions are open (neither committed nor cancelled nor removed).
    public var openUploadCount: Int { storage.state.withLock { $0.openUploads.count } }

    /// The bytes of a stored blob, or `nil`.
    public func bytes(of digest: Digest) -> [UInt8]? { storage.state.withLock { $0.blobs[digest] } }

    // MARK: Internals

    private final class Cursor: Sendable {
        let offset = Mutex(0)
    }

    final class Storage: Sendable {
        struct State {
            var blobs: [Digest: [UInt8]] = [:]
            var openUploads: [ObjectIdentifier: (upload: InMemoryBlobUpload, startedAt: Date)] = [:]
        }
        let state = Mutex(State())
    }
}

/// One in-memory upload session.
final class InMemoryBlobUpload: BlobUpload {
    private struct Session {
        var buffer: [UInt8] = []
        var hasher = SHA256Hasher()
        var closed = false
    }

    private let storage: InMemoryBlobStore.Storage
    private let session = Mutex(Session())

    init(storage: InMemoryBlobStore.Storage) {
        self.storage = storage
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try session.withLock { session throws(RegistryError) in
            guard !session.closed else {
                throw RegistryError(.failedPrecondition, "The upload session is closed; begin a new upload.")
            }
            session.buffer.append(contentsOf: bytes)
            session.hasher.update(bytes)
        }
    }

    var bytesWritten: Int64 { session.withLock { Int64($0.buffer.count) } }

    func commit(expectedDigest: Digest?, expectedSize: Int64?) async throws -> BlobInfo {
        let (bytes, digest) = try session.withLock { session throws(RegistryError) in
            guard !session.closed else {
                throw RegistryError(.failedPrecondition, "The upload session is closed; begin a new upload.")
            }
            session.closed = true
            let bytes = session.buffer
            session.buffer = []
            return (bytes, Digest(rawBytes: session.hasher.finalize()))
        }
        unregister()
        let size = Int64(bytes.count)
        if let expectedSize, expectedSize != size {
            throw RegistryError(
                .digestMismatch,
                "Received \(size) bytes but \(expectedSize) were announced. Upload the complete file again."
            )
        }
        if let expectedDigest, expectedDigest != digest {
            throw RegistryError(
                .digestMismatch,
                "The content hashes to \(digest), not \(expectedDigest). Upload the file again; check it is intact."
            )
        }
        storage.state.withLock { state in
            if state.blobs[digest] == nil { state.blobs[digest] = bytes }
        }
        return BlobInfo(digest: digest, size: size)
    }

    func cancel() async {
        close()
    }

    /// Closes the session and drops its bytes; idempotent.
    func close() {
        session.withLock { session in
            session.closed = true
            session.buffer = []
        }
        unregister()
    }

    private func unregister() {
        let key = ObjectIdentifier(self)
        _ = storage.state.withLock { $0.openUploads.removeValue(forKey: key) }
    }
}
