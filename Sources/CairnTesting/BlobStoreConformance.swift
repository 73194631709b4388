import CairnCore
import Testing

/// What a blob store backend hands the conformance suite.
public struct BlobStoreHarness: Sendable {
    public var store: any BlobStore
    /// How many upload sessions exist in the upload area (files, objects or parts): must be 0 after every case.
    public var pendingUploads: @Sendable () async throws -> Int

    public init(store: any BlobStore, pendingUploads: @escaping @Sendable () async throws -> Int) {
        self.store = store
        self.pendingUploads = pendingUploads
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
            let upload = try await h.store.beginUpload()
            try [UInt8]([1, 2, 3]).withUnsafeBytes { try upload.write($0) }
            await upload.cancel()
            await upload.cancel()
            let committed = try await h.store.beginUpload()
            try [UInt8]([4, 5, 6]).withUnsafeBytes { try committed.write($0) }
            let info = try await committed.commit(expectedDigest: nil, expectedSize: nil)
            await committed.cancel()
            #expect(try await h.store.size(of: info.digest) == 3)
        },
        .init(name: "reading a missing blob is NOT_FOUND") { h in
            do {
                _ = try await h.store.read(Digest.of(Array("never stored".utf8)), range: nil)
                Issue.record("reading a missing blob succeeded")
            } catch let error as RegistryError {
                #expect(error.code == .notFound)
            }
        },
        .init(name: "delete removes a blob and deleting a missing blob is not an error") { h in
            let info = try await upload(Array("to delete".utf8), to: h.store)
            try await h.store.delete(info.digest)
            #expect(try await h.store.size(of: info.digest) == nil)
            try await h.store.delete(info.digest)
        },
        .init(name: "abandoned upload sessions are removed") { h in
            let abandoned = try await h.store.beginUpload()
            try [UInt8]([9, 9, 9]).withUnsafeBytes { try abandoned.write($0) }
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
                    _ = try await h.store.beginPart(of: unknown, number: 1)
                    Issue.record("a part of an unknown session was accepted")
                } catch let error as RegistryError {
                    #expect(error.code == .notFound)
                }
                try await h.store.abortMultipart(unknown)
            }
        },
        .init(name: "a part committed after its session ended is NOT_FOUND; abandoned sessions are removed") { h in
            let id = try await h.store.createMultipart(descriptor: [3])
            let late = try await h.store.beginPart(of: id, number: 2)
            try [UInt8]([1]).withUnsafeBytes { try late.write($0) }
            try await h.store.abortMultipart(id)
            do {
                _ = try await late.commit(expectedDigest: nil, expectedSize: nil)
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
        let upload = try await store.beginPart(of: session, number: number)
        do {
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + 65_536, bytes.count)
                try bytes[offset..<end].withUnsafeBytes { try upload.write($0) }
                offset = end
            }
            return try await upload.commit(expectedDigest: nil, expectedSize: Int64(bytes.count))
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
        let upload = try await store.beginUpload()
        do {
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunk, bytes.count)
                try bytes[offset..<end].withUnsafeBytes { try upload.write($0) }
                offset = end
            }
            return try await upload.commit(expectedDigest: digest, expectedSize: size)
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
