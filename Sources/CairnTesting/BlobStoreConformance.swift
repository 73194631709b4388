import CairnCore
import Foundation
import Testing

/// What a blob store backend hands the conformance suite.
public struct BlobStoreHarness: Sendable {
    public var store: any BlobStore
    /// How many upload sessions exist in the upload area (files, objects or parts): must be 0 after every case.
    public var pendingUploads: @Sendable () async throws -> Int
    /// The time on the store's clock (the wall clock for real backends).
    public var now: @Sendable () -> Date
    /// Lets the store's clock move on (a short sleep for real backends), so that writes before and after it have
    /// different times.
    public var tick: @Sendable () async throws -> Void

    public init(
        store: any BlobStore,
        pendingUploads: @escaping @Sendable () async throws -> Int,
        now: @escaping @Sendable () -> Date = { Date() },
        tick: @escaping @Sendable () async throws -> Void = { try await Task.sleep(for: .milliseconds(20)) }
    ) {
        self.store = store
        self.pendingUploads = pendingUploads
        self.now = now
        self.tick = tick
    }
}

/// One behaviour every `BlobStore` must have.
public struct BlobStoreConformanceCase: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (BlobStoreHarness) async throws -> Void

    public var testDescription: String { name }

    /// Runs the case, then checks that it left nothing in the upload area.
    public func run(_ harness: BlobStoreHarness) async throws {
        try await body(harness)
        #expect(try await harness.pendingUploads() == 0, "\(name) left upload sessions behind")
    }
}

/// The shared conformance suite of the `BlobStore` port. A backend's test file only plugs in:
///
///     @Test(arguments: BlobStoreConformance.cases)
///     func conformance(_ c: BlobStoreConformanceCase) async throws { try await c.run(makeHarness()) }
public enum BlobStoreConformance {
    public static let cases: [BlobStoreConformanceCase] = [
        .init(name: "a committed upload is readable under its SHA-256 digest") { h in
            let bytes = Array("hello, cairn".utf8)
            let info = try await upload(bytes, to: h.store)
            #expect(info.digest == Digest.of(bytes))
            #expect(info.size == Int64(bytes.count))
            #expect(try await h.store.size(of: info.digest) == Int64(bytes.count))
            #expect(try await readAll(h.store, info.digest) == bytes)
        },
        .init(name: "expected digest and size that match are accepted") { h in
            let bytes = pattern(count: 10_000)
            let info = try await upload(bytes, to: h.store, digest: Digest.of(bytes), size: 10_000)
            #expect(info.size == 10_000)
        },
        .init(name: "a digest mismatch is refused and stores nothing") { h in
            let bytes = Array("real content".utf8)
            let claimed = Digest.of(Array("other content".utf8))
            await #expect(throws: RegistryError.self) {
                _ = try await upload(bytes, to: h.store, digest: claimed)
            }
            do {
                _ = try await upload(bytes, to: h.store, digest: claimed)
            } catch let error as RegistryError {
                #expect(error.code == .digestMismatch)
            }
            #expect(try await h.store.size(of: Digest.of(bytes)) == nil)
            #expect(try await h.store.size(of: claimed) == nil)
        },
        .init(name: "a length mismatch is refused and stores nothing") { h in
            let bytes = pattern(count: 4096)
            do {
                _ = try await upload(bytes, to: h.store, size: 4097)
                Issue.record("a short upload was accepted")
            } catch let error as RegistryError {
                #expect(error.code == .digestMismatch)
            }
            #expect(try await h.store.size(of: Digest.of(bytes)) == nil)
        },
        .init(name: "identical bytes are stored once and both uploads succeed") { h in
            let bytes = pattern(count: 70_000)
            let first = try await upload(bytes, to: h.store)
            let second = try await upload(bytes, to: h.store)
            #expect(first == second)
            #expect(try await readAll(h.store, first.digest) == bytes)
        },
        .init(name: "concurrent uploads of the same bytes all succeed") { h in
            let bytes = pattern(count: 50_000)
            let infos = try await withThrowingTaskGroup(of: BlobInfo.self) { group in
                for _ in 0..<8 { group.addTask { try await upload(bytes, to: h.store) } }
                return try await group.reduce(into: [BlobInfo]()) { $0.append($1) }
            }
            #expect(Set(infos).count == 1)
            #expect(try await readAll(h.store, Digest.of(bytes)) == bytes)
        },
        .init(name: "an empty file is a valid blob") { h in
            let info = try await upload([], to: h.store)
            #expect(info.size == 0)
            #expect(try await readAll(h.store, info.digest) == [])
        },
        .init(name: "a multi-chunk upload round-trips byte for byte") { h in
            let bytes = pattern(count: 1_048_576 + 17)
            let info = try await upload(bytes, to: h.store, chunk: 65_536)
            #expect(try await readAll(h.store, info.digest) == bytes)
        },
        .init(name: "a byte range reads exactly that range, clamped to the blob") { h in
            let bytes = pattern(count: 1000)
            let info = try await upload(bytes, to: h.store)
            #expect(try await readAll(h.store, info.digest, range: 10..<20) == Array(bytes[10..<20]))
            #expect(try await readAll(h.store, info.digest, range: 990..<5000) == Array(bytes[990..<1000]))
            let stream = try await h.store.read(info.digest, range: 100..<300)
            #expect(stream.count == 200)
        },
        .init(name: "cancel is safe twice, and after commit") { h in
            let upload = try await h.store.beginUpload(expecting: .none)
            try await upload.write([1, 2, 3])
            await upload.cancel()
            await upload.cancel()
            let committed = try await h.store.beginUpload(expecting: .none)
            try await committed.write([4, 5, 6])
            let info = try await committed.commit()
            await committed.cancel()
            #expect(try await h.store.size(of: info.digest) == 3)
        },
        .init(name: "a write past the expected size is refused as it arrives, and nothing is stored") { h in
            for expected in [BlobExpectation(size: 10), BlobExpectation(limit: 10)] {
                let upload = try await h.store.beginUpload(expecting: expected)
                try await upload.write(Array(repeating: 1, count: 8))
                do {
                    try await upload.write(Array(repeating: 2, count: 8))
                    Issue.record("a write past \(expected) was accepted")
                } catch let error as RegistryError {
                    #expect(error.code == .payloadTooLarge)
                    #expect(error.message.contains("10 bytes"))
                }
                #expect(upload.bytesWritten == 8, "the refused chunk is not counted")
                await upload.cancel()
            }
            #expect(try await h.store.size(of: Digest.of(Array(repeating: 1, count: 8))) == nil)
            // Up to the limit is fine, and a limit does not demand the exact size.
            let limited = try await h.store.beginUpload(expecting: BlobExpectation(limit: 10))
            try await limited.write(Array(repeating: 3, count: 10))
            #expect(try await limited.commit().size == 10)
            let short = try await h.store.beginUpload(expecting: BlobExpectation(limit: 10))
            try await short.write([4])
            #expect(try await short.commit().size == 1)
        },
        .init(name: "reading a missing blob is NOT_FOUND") { h in
            do {
                _ = try await h.store.read(Digest.of(Array("never stored".utf8)), range: nil)
                Issue.record("reading a missing blob succeeded")
            } catch let error as RegistryError {
                #expect(error.code == .notFound)
            }
        },
        .init(name: "delete keeps a blob written after the cutoff, removes one unwritten since; missing is false") {
            h in
            let info = try await upload(Array("to delete".utf8), to: h.store)
            #expect(try await h.store.delete(info.digest, ifUnwrittenSince: h.now().addingTimeInterval(-3600)) == false)
            #expect(try await h.store.size(of: info.digest) == 9)
            #expect(try await h.store.delete(info.digest, ifUnwrittenSince: h.now().addingTimeInterval(3600)))
            #expect(try await h.store.size(of: info.digest) == nil)
            #expect(try await h.store.delete(info.digest, ifUnwrittenSince: h.now().addingTimeInterval(3600)) == false)
        },
        .init(
            name: "storing bytes that are already stored renews the blob, so a delete with an earlier cutoff keeps it"
        ) { h in
            let bytes = Array("adopted".utf8)
            let info = try await upload(bytes, to: h.store)
            try await h.tick()
            let cutoff = h.now()
            try await h.tick()
            // Without the second upload, the blob is older than the cutoff and would go.
            _ = try await upload(bytes, to: h.store)
            #expect(try await h.store.delete(info.digest, ifUnwrittenSince: cutoff) == false)
            #expect(try await readAll(h.store, info.digest) == bytes)
            try await h.tick()
            #expect(try await h.store.delete(info.digest, ifUnwrittenSince: h.now()))
        },
        .init(name: "abandoned upload sessions are removed once idle; one in flight is left to its writer") { h in
            let abandoned = try await h.store.beginUpload(expecting: .none)
            try await abandoned.write([9, 9, 9])
            #expect(try await h.pendingUploads() == 1)
            // Another replica's upload that wrote just now is not abandoned.
            #expect(try await h.store.removeAbandonedUploads(olderThanSeconds: 3600) == 0)
            #expect(try await h.pendingUploads() == 1)
            #expect(try await h.store.removeAbandonedUploads(olderThanSeconds: 0) == 1)
            #expect(try await h.pendingUploads() == 0)
            await abandoned.cancel()
        },
        .init(name: "a multipart upload joins its parts in order, whatever order they arrived in") { h in
            let parts = [pattern(count: 300_000), Array("middle".utf8), pattern(count: 70_001).reversed()]
            let id = try await h.store.createMultipart(descriptor: Array(#"{"path":"a/b"}"#.utf8))
            #expect(isMultipartID(id))
            #expect(try await h.store.multipartDescriptor(id) == Array(#"{"path":"a/b"}"#.utf8))
            var digests: [Digest] = []
            for number in [3, 1, 2] {
                let info = try await uploadPart(parts[number - 1], to: h.store, session: id, number: number)
                #expect(info == BlobInfo(digest: Digest.of(parts[number - 1]), size: Int64(parts[number - 1].count)))
            }
            digests = parts.map { Digest.of($0) }
            let joined = parts.flatMap { $0 }
            let info = try await h.store.completeMultipart(id, parts: (1...3).map { ($0, digests[$0 - 1]) })
            #expect(info == BlobInfo(digest: Digest.of(joined), size: Int64(joined.count)))
            #expect(try await readAll(h.store, info.digest) == joined)
            #expect(try await h.store.multipartDescriptor(id) == nil)
        },
        .init(name: "a re-sent part replaces the first; a part other than its ETag names is refused, session kept") {
            h in
            let id = try await h.store.createMultipart(descriptor: [1])
            _ = try await uploadPart(Array("first try".utf8), to: h.store, session: id, number: 1)
            let second = try await uploadPart(Array("second".utf8), to: h.store, session: id, number: 1)
            do {
                _ = try await h.store.completeMultipart(id, parts: [(1, Digest.of(Array("first try".utf8)))])
                Issue.record("a part with another digest was joined")
            } catch let error as RegistryError {
                #expect(error.code == .digestMismatch)
            }
            #expect(try await h.store.multipartDescriptor(id) == [1])
            let info = try await h.store.completeMultipart(id, parts: [(1, second.digest)])
            #expect(try await readAll(h.store, info.digest) == Array("second".utf8))
        },
        .init(name: "missing parts and unknown sessions are NOT_FOUND; abort discards and is idempotent") { h in
            let id = try await h.store.createMultipart(descriptor: [2])
            _ = try await uploadPart([7, 7], to: h.store, session: id, number: 1)
            for attempt in [[(1, nil), (2, nil)], [(3, nil)]] as [[(number: Int, digest: Digest?)]] {
                do {
                    _ = try await h.store.completeMultipart(id, parts: attempt)
                    Issue.record("a multipart upload completed without all its parts")
                } catch let error as RegistryError {
                    #expect(error.code == .notFound)
                }
            }
            try await h.store.abortMultipart(id)
            try await h.store.abortMultipart(id)
            #expect(try await h.store.multipartDescriptor(id) == nil)
            for unknown in [id, "../../blobs", String(repeating: "0", count: 32), ""] {
                #expect(try await h.store.multipartDescriptor(unknown) == nil)
                do {
                    _ = try await h.store.beginPart(of: unknown, number: 1, expecting: .none)
                    Issue.record("a part of an unknown session was accepted")
                } catch let error as RegistryError {
                    #expect(error.code == .notFound)
                }
                try await h.store.abortMultipart(unknown)
            }
        },
        .init(name: "a part committed after its session ended is NOT_FOUND; abandoned sessions are removed") { h in
            let id = try await h.store.createMultipart(descriptor: [3])
            let late = try await h.store.beginPart(of: id, number: 2, expecting: .none)
            try await late.write([1])
            try await h.store.abortMultipart(id)
            do {
                _ = try await late.commit()
                Issue.record("a part was stored in an aborted session")
            } catch let error as RegistryError {
                #expect(error.code == .notFound)
            }
            await late.cancel()
            let abandoned = try await h.store.createMultipart(descriptor: [4])
            _ = try await uploadPart([5], to: h.store, session: abandoned, number: 1)
            #expect(try await h.store.removeAbandonedUploads(olderThanSeconds: 0) == 1)
            #expect(try await h.store.multipartDescriptor(abandoned) == nil)
        },
    ]

    /// Uploads `bytes` as part `number` of multipart session `session`.
    public static func uploadPart(_ bytes: [UInt8], to store: any BlobStore, session: String, number: Int)
        async throws -> BlobInfo
    {
        let upload = try await store.beginPart(
            of: session,
            number: number,
            expecting: BlobExpectation(size: Int64(bytes.count))
        )
        do {
            try await writeChunks(bytes, to: upload, chunkSize: 65_536)
            return try await upload.commit()
        } catch {
            await upload.cancel()
            throw error
        }
    }

    /// Uploads `bytes` in chunks and commits.
    public static func upload(
        _ bytes: [UInt8],
        to store: any BlobStore,
        digest: Digest? = nil,
        size: Int64? = nil,
        chunk: Int = 8192
    ) async throws -> BlobInfo {
        let upload = try await store.beginUpload(expecting: BlobExpectation(size: size, digest: digest))
        do {
            try await writeChunks(bytes, to: upload, chunkSize: chunk)
            return try await upload.commit()
        } catch {
            await upload.cancel()
            throw error
        }
    }

    /// Reads a whole blob (or range) into memory.
    public static func readAll(_ store: any BlobStore, _ digest: Digest, range: Range<Int64>? = nil) async throws
        -> [UInt8]
    {
        var out: [UInt8] = []
        for try await chunk in try await store.read(digest, range: range) { out += chunk }
        return out
    }

    /// Deterministic non-repeating-looking bytes.
    public static func pattern(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
    }
}
