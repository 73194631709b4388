import CairnCore
import Foundation
import Synchronization

/// A `BlobStore` that keeps everything in memory: the fake for unit tests, and a reference for what every backend
/// must do (it passes `BlobStoreConformance`).
///
/// Uploads are buffered per session and hashed while written with the core's ``SHA256Hasher``. A write past the
/// expected size is refused as it arrives; a commit verifies the expected digest and size, and on a mismatch throws
/// `.digestMismatch` and stores nothing. Commit and cancel both close the session, so no abandoned upload is left
/// behind; sessions never closed are found by ``removeAbandonedUploads(olderThanSeconds:)``, which measures idle time
/// with the injected clock, as blobs' write times are.
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

    public func beginUpload(expecting expected: BlobExpectation) async throws -> any BlobUpload {
        let upload = InMemoryBlobUpload(storage: storage, expected: expected, clock: clock)
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

    public func delete(_ digest: Digest, ifUnwrittenSince cutoff: Date) async throws -> Bool {
        storage.state.withLock { state in
            guard state.blobs[digest] != nil, (state.written[digest] ?? .distantPast) <= cutoff else { return false }
            state.blobs.removeValue(forKey: digest)
            state.written.removeValue(forKey: digest)
            return true
        }
    }

    /// Removes a blob outright, as damage or an operator's mistake would: for tests of what the registry does when
    /// stored content is missing.
    public func destroy(_ digest: Digest) {
        _ = storage.state.withLock { $0.blobs.removeValue(forKey: digest) }
    }

    public func removeAbandonedUploads(olderThanSeconds seconds: Double) async throws -> Int {
        let now = clock.now()
        let (abandoned, sessions) = storage.state.withLock { state in
            let old = state.openUploads.filter { seconds <= 0 || now.timeIntervalSince($0.value.startedAt) >= seconds }
            for key in old.keys { state.openUploads.removeValue(forKey: key) }
            let stale = state.multiparts.filter { seconds <= 0 || now.timeIntervalSince($0.value.touchedAt) >= seconds }
            for key in stale.keys { state.multiparts.removeValue(forKey: key) }
            return (old.values.map(\.upload), stale.count)
        }
        for upload in abandoned { upload.close() }
        return abandoned.count + sessions
    }

    // MARK: Multipart staging

    public func createMultipart(descriptor: [UInt8]) async throws -> String {
        let id = makeMultipartID()
        let now = clock.now()
        storage.state.withLock { $0.multiparts[id] = Multipart(descriptor: descriptor, touchedAt: now) }
        return id
    }

    public func multipartDescriptor(_ id: String) async throws -> [UInt8]? {
        storage.state.withLock { $0.multiparts[id]?.descriptor }
    }

    public func beginPart(of id: String, number: Int, expecting expected: BlobExpectation) async throws
        -> any BlobUpload
    {
        guard (1...multipartMaxParts).contains(number) else {
            throw RegistryError(.invalidArgument, "Part numbers run from 1 to \(multipartMaxParts); got \(number).")
        }
        guard storage.state.withLock({ $0.multiparts[id] != nil }) else {
            throw RegistryError(.notFound, Self.missingSession)
        }
        let upload = InMemoryBlobUpload(storage: storage, expected: expected, part: (id, number), clock: clock)
        let startedAt = clock.now()
        storage.state.withLock { $0.openUploads[ObjectIdentifier(upload)] = (upload, startedAt) }
        return upload
    }

    public func completeMultipart(_ id: String, parts: [(number: Int, digest: Digest?)]) async throws -> BlobInfo {
        guard let session = storage.state.withLock({ $0.multiparts[id] }) else {
            throw RegistryError(.notFound, Self.missingSession)
        }
        var joined: [UInt8] = []
        for part in parts {
            guard let bytes = session.parts[part.number] else {
                throw RegistryError(.notFound, "Part \(part.number) of the multipart upload was never received.")
            }
            if let expected = part.digest, expected != Digest.of(bytes) {
                throw RegistryError(.digestMismatch, "Part \(part.number) holds other bytes than its ETag names.")
            }
            joined += bytes
        }
        let digest = Digest.of(joined)
        let now = clock.now()
        storage.state.withLock { state in
            if state.blobs[digest] == nil { state.blobs[digest] = joined }
            state.written[digest] = now
            state.multiparts.removeValue(forKey: id)
        }
        return BlobInfo(digest: digest, size: Int64(joined.count))
    }

    public func abortMultipart(_ id: String) async throws {
        _ = storage.state.withLock { $0.multiparts.removeValue(forKey: id) }
    }

    static let missingSession = "The multipart upload does not exist: it was completed, aborted or expired."

    // MARK: Inspection for tests

    /// The digests of every stored blob, sorted.
    public var storedDigests: [Digest] { storage.state.withLock { $0.blobs.keys.sorted() } }

    /// How many blobs are stored.
    public var blobCount: Int { storage.state.withLock { $0.blobs.count } }

    /// How many upload sessions are open (neither committed nor cancelled nor removed), multipart sessions included.
    public var openUploadCount: Int { storage.state.withLock { $0.openUploads.count + $0.multiparts.count } }

    /// The bytes of a stored blob, or `nil`.
    public func bytes(of digest: Digest) -> [UInt8]? { storage.state.withLock { $0.blobs[digest] } }

    // MARK: Internals

    private final class Cursor: Sendable {
        let offset = Mutex(0)
    }

    struct Multipart {
        var descriptor: [UInt8]
        var parts: [Int: [UInt8]] = [:]
        var touchedAt: Date
    }

    final class Storage: Sendable {
        struct State {
            var blobs: [Digest: [UInt8]] = [:]
            /// When each blob was last written (stored, or stored again).
            var written: [Digest: Date] = [:]
            var openUploads: [ObjectIdentifier: (upload: InMemoryBlobUpload, startedAt: Date)] = [:]
            var multiparts: [String: Multipart] = [:]
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
    private let expected: BlobExpectation
    /// The multipart session and part number this upload commits to, instead of the store.
    private let part: (id: String, number: Int)?
    private let clock: any CairnCore.Clock

    init(
        storage: InMemoryBlobStore.Storage,
        expected: BlobExpectation,
        part: (id: String, number: Int)? = nil,
        clock: any CairnCore.Clock
    ) {
        self.storage = storage
        self.expected = expected
        self.part = part
        self.clock = clock
    }

    func write(_ chunk: [UInt8]) async throws {
        let now = clock.now()
        try session.withLock { session throws(RegistryError) in
            guard !session.closed else {
                throw RegistryError(.failedPrecondition, "The upload session is closed; begin a new upload.")
            }
            if let limit = expected.maxBytes, Int64(session.buffer.count + chunk.count) > limit {
                throw RegistryError(
                    .payloadTooLarge,
                    "The body is longer than the \(limit) bytes allowed. Send at most that (announce the real size)."
                )
            }
            session.buffer.append(contentsOf: chunk)
            session.hasher.update(chunk)
        }
        // Idle time counts from the last write.
        let key = ObjectIdentifier(self)
        storage.state.withLock { state in
            if let open = state.openUploads[key] { state.openUploads[key] = (open.upload, now) }
        }
    }

    var bytesWritten: Int64 { session.withLock { Int64($0.buffer.count) } }

    func commit() async throws -> BlobInfo {
        let (expectedSize, expectedDigest) = (expected.size, expected.digest)
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
        let now = clock.now()
        if let part {
            let stored = storage.state.withLock { state -> Bool in
                guard state.multiparts[part.id] != nil else { return false }
                state.multiparts[part.id]?.parts[part.number] = bytes
                state.multiparts[part.id]?.touchedAt = now
                return true
            }
            guard stored else { throw RegistryError(.notFound, InMemoryBlobStore.missingSession) }
            return BlobInfo(digest: digest, size: size)
        }
        storage.state.withLock { state in
            if state.blobs[digest] == nil { state.blobs[digest] = bytes }
            state.written[digest] = now
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
