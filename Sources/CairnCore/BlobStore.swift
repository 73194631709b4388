import Foundation

/// The port to content-addressed file storage.
///
/// Blobs are immutable and addressed by their SHA-256 digest only; the store chooses every storage location. Uploads
/// go to an upload area first, are hashed while written, verified, made durable and then moved into place, so no
/// partial blob is ever visible. Every call is asynchronous and may do I/O (a local disk, an object store across the
/// network), so callers never hold a metadata transaction across one. Implementations: `FileSystemBlobStore`, later
/// `S3BlobStore`; all pass `BlobStoreConformance`.
///
/// Blobs are deleted only by garbage collection, and only when unwritten for a grace period: storing bytes that are
/// already stored renews the blob (``BlobUpload/commit()``), and ``delete(_:ifUnwrittenSince:)`` keeps a blob written
/// since its cutoff. So an upload that adopts a stored blob keeps it for at least the grace period, long enough to
/// record the reference that protects it from then on (decision 0016).
public protocol BlobStore: Sendable {
    /// Opens an upload session in the upload area. `expected` is checked while the bytes stream in (a write past the
    /// expected size is refused before it is stored) and at commit.
    func beginUpload(expecting expected: BlobExpectation) async throws -> any BlobUpload
    /// Size of a stored blob, or `nil` when it is not stored.
    func size(of digest: Digest) async throws -> Int64?
    /// Streams a blob's bytes, optionally a byte range (`lowerBound..<upperBound`); the store clamps the range to the
    /// blob's size.
    /// - Throws: `.notFound` when the blob is not stored.
    func read(_ digest: Digest, range: Range<Int64>?) async throws -> BlobByteStream
    /// Deletes a blob unless it was written after `cutoff` (stored, or stored again by an upload of the same bytes);
    /// returns whether it was deleted. A missing blob is not an error (`false`). The check and the delete are one
    /// step: an upload renewing the blob meanwhile either keeps it or stores it afresh.
    func delete(_ digest: Digest, ifUnwrittenSince cutoff: Date) async throws -> Bool
    /// Removes upload sessions idle for `seconds` (no byte written for that long, so another replica's upload in
    /// flight is never touched), multipart sessions included (their age counts from their last part); returns how
    /// many.
    func removeAbandonedUploads(olderThanSeconds seconds: Double) async throws -> Int

    // MARK: Multipart staging
    //
    // A multipart upload sends one file as numbered parts, in any order and in parallel, each in its own request; the
    // parts become one blob only when the upload completes. A session lives in the upload area, so an abandoned one
    // goes with the other abandoned uploads, and holds an opaque descriptor: the caller's own record of the session.

    /// Opens a multipart session holding `descriptor`; returns its id, chosen by the store (``isMultipartID(_:)``).
    func createMultipart(descriptor: [UInt8]) async throws -> String
    /// The descriptor of an open session; `nil` when `id` names none (never opened, completed, aborted or expired).
    func multipartDescriptor(_ id: String) async throws -> [UInt8]?
    /// Starts the upload of part `number` (1…``multipartMaxParts``) of session `id`. Committing it stores the bytes as
    /// that part of the session (replacing an earlier upload of the same number), not as a blob; the returned
    /// ``BlobInfo`` is the part's own digest and size.
    /// - Throws: `.notFound` when the session is gone (also at commit).
    func beginPart(of id: String, number: Int, expecting expected: BlobExpectation) async throws -> any BlobUpload
    /// Joins `parts` in the given order into one blob, reading and hashing them in chunks (memory does not grow with
    /// their size), checks each part against its expected digest when one is given, then closes the session.
    /// - Throws: `.notFound` (session or a part missing), `.digestMismatch` (a part is not the one expected; the session
    ///   stays open).
    func completeMultipart(_ id: String, parts: [(number: Int, digest: Digest?)]) async throws -> BlobInfo
    /// Discards a session and its parts; discarding an unknown session is not an error.
    func abortMultipart(_ id: String) async throws
}

/// The most parts one multipart upload may have (as in S3).
public let multipartMaxParts = 10_000

/// A fresh multipart session id (128 bits from the system CSPRNG, as 32 lowercase hex digits), for stores to use.
public func makeMultipartID() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<16).map { _ in
        let byte = UInt8.random(in: .min ... .max, using: &generator)
        return String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
    }.joined()
}

/// Whether `id` has the shape of a multipart session id: 32 lowercase hex digits. Stores check it before deriving
/// anything from an id a request carries.
public func isMultipartID(_ id: String) -> Bool {
    id.utf8.count == 32
        && id.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
}

/// What an upload is expected to hold, when the sender announced it.
public struct BlobExpectation: Hashable, Sendable {
    /// The exact number of bytes: a write past it is refused as it arrives (`.payloadTooLarge`), fewer fail the
    /// commit.
    public var size: Int64?
    /// The SHA-256 of the bytes, checked at commit.
    public var digest: Digest?
    /// The most bytes accepted when the exact size is not known: a write past it is refused as it arrives.
    public var limit: Int64?

    public init(size: Int64? = nil, digest: Digest? = nil, limit: Int64? = nil) {
        self.size = size
        self.digest = digest
        self.limit = limit
    }

    /// The most bytes a write may bring the upload to: the smaller of ``size`` and ``limit``.
    public var maxBytes: Int64? {
        switch (size, limit) {
        case (let size?, let limit?): min(size, limit)
        case (let size?, nil): size
        case (nil, let limit?): limit
        case (nil, nil): nil
        }
    }

    /// Nothing announced.
    public static let none = BlobExpectation()
}

/// One upload session. Not shared between tasks.
public protocol BlobUpload: AnyObject, Sendable {
    /// Appends bytes, hashing them on the way. Writes run off the cooperative pool.
    /// - Throws: `.payloadTooLarge` when the bytes would pass the expected size (nothing of this chunk is stored; the
    ///   caller stops reading the body); I/O failures as `.internalError`, a full disk as `.unavailable`.
    func write(_ chunk: [UInt8]) async throws
    /// Bytes written so far.
    var bytesWritten: Int64 { get }
    /// Verifies the content against the expectation, makes it durable and moves it into the store under its digest.
    /// Idempotent for identical content: when the blob is already stored, it is renewed (its write time becomes now)
    /// instead. After commit the session is closed.
    /// - Throws: `.digestMismatch` (the upload is discarded).
    func commit() async throws -> BlobInfo
    /// Discards the session and its bytes. Safe to call twice and after commit.
    func cancel() async
}

/// A stored blob's identity.
public struct BlobInfo: Hashable, Sendable {
    public var digest: Digest
    public var size: Int64
    public init(digest: Digest, size: Int64) {
        self.digest = digest
        self.size = size
    }
}

/// A pull-based stream of a blob's bytes: the consumer's pace drives the reads, so memory stays flat however large the
/// blob.
public struct BlobByteStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    /// The number of bytes the stream will yield.
    public let count: Int64
    private let makeNext: @Sendable () -> (@Sendable () async throws -> [UInt8]?)

    /// - Parameter makeNext: returns a fresh pull function per iteration; the function returns `nil` at the end.
    public init(count: Int64, makeNext: @escaping @Sendable () -> (@Sendable () async throws -> [UInt8]?)) {
        self.count = count
        self.makeNext = makeNext
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pull: @Sendable () async throws -> [UInt8]?
        public mutating func next() async throws -> [UInt8]? { try await pull() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pull: makeNext()) }

    /// A fresh pull function over the stream (what an iterator calls), for streams built from other streams.
    public func makePull() -> @Sendable () async throws -> [UInt8]? { makeNext() }
}
