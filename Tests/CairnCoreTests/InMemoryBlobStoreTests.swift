import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("InMemoryBlobStore")
struct InMemoryBlobStoreTests {
    @Test("passes the BlobStore conformance suite", arguments: BlobStoreConformance.cases)
    func conformance(_ check: BlobStoreConformanceCase) async throws {
        let clock = ManualClock()
        let store = InMemoryBlobStore(clock: clock, chunkSize: 1000)
        try await check.run(
            BlobStoreHarness(
                store: store,
                pendingUploads: { store.openUploadCount },
                now: { clock.now() },
                tick: { clock.advance(by: 1) }
            )
        )
    }

    @Test("a range is clamped to the blob's end; a range starting past the end is RANGE_NOT_SATISFIABLE")
    func rangeBeyondBlob() async throws {
        let store = InMemoryBlobStore()
        let info = try await BlobStoreConformance.upload(bytes("0123456789"), to: store)
        #expect(try await BlobStoreConformance.readAll(store, info.digest, range: 5..<11) == bytes("56789"))
        #expect(try await BlobStoreConformance.readAll(store, info.digest, range: 10..<10) == [])
        await expectRegistryError(.rangeNotSatisfiable) { try await store.read(info.digest, range: 11..<12) }
    }

    @Test("reads stream in chunks of at most chunkSize bytes")
    func chunkedReads() async throws {
        let store = InMemoryBlobStore(chunkSize: 4)
        let info = try await BlobStoreConformance.upload(bytes("abcdefghij"), to: store)
        var chunks: [[UInt8]] = []
        for try await chunk in try await store.read(info.digest, range: 1..<10) { chunks.append(chunk) }
        #expect(chunks == [bytes("bcde"), bytes("fghi"), bytes("j")])
    }

    @Test("abandoned uploads are removed only once older than the limit, by the injected clock")
    func abandonedByAge() async throws {
        let clock = ManualClock()
        let store = InMemoryBlobStore(clock: clock)
        let old = try await store.beginUpload(expecting: .none)
        let written = try await store.beginUpload(expecting: .none)
        clock.advance(by: 3600)
        let young = try await store.beginUpload(expecting: .none)
        // Idle time counts from the last write: an old session written to just now is in flight.
        try await written.write([1])
        #expect(try await store.removeAbandonedUploads(olderThanSeconds: 1800) == 1)
        #expect(store.openUploadCount == 2)
        await #expect(throws: RegistryError.self) { try await old.write([1]) }
        await written.cancel()
        await young.cancel()
        #expect(store.openUploadCount == 0)
    }

    @Test("a session is closed after commit: writing or committing again fails")
    func closedAfterCommit() async throws {
        let store = InMemoryBlobStore()
        let upload = try await store.beginUpload(expecting: BlobExpectation(size: 3, digest: Digest.of(bytes("abc"))))
        try await upload.write(bytes("abc"))
        #expect(upload.bytesWritten == 3)
        _ = try await upload.commit()
        await expectRegistryError(.failedPrecondition) { try await upload.commit() }
        await #expect(throws: RegistryError.self) { try await upload.write([1]) }
        #expect(store.blobCount == 1)
        #expect(store.bytes(of: Digest.of(bytes("abc"))) == bytes("abc"))
    }
}

@Suite("ManualClock and SequentialIDGenerator")
struct DeterministicFakesTests {
    @Test("the clock stands still until moved, and keeps millisecond precision")
    func manualClock() {
        let clock = ManualClock()
        #expect(clock.now() == ManualClock.defaultStart)
        #expect(clock.now() == clock.now())
        #expect(clock.advance(by: 1.5) == ManualClock.defaultStart.addingTimeInterval(1.5))
        clock.set(Date(timeIntervalSince1970: 10.123_456))
        #expect(clock.now() == Date(timeIntervalSince1970: 10.123))
        clock.set(Date(timeIntervalSince1970: 1.001))
        #expect(clock.now() == Date(timeIntervalSince1970: 1.001), "a whole millisecond is kept as it is")
    }

    @Test("the clock is safe to advance from many tasks at once")
    func concurrentAdvance() async {
        let clock = ManualClock(Date(timeIntervalSince1970: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { clock.advance(by: 1) } }
        }
        #expect(clock.now() == Date(timeIntervalSince1970: 100))
    }

    @Test("ids are sequential, prefixed, and distinct across concurrent callers")
    func sequentialIDs() async {
        let ids = SequentialIDGenerator(prefix: "m-")
        #expect(ids.next() == "m-000001")
        #expect(ids.next() == "m-000002")
        let many = await withTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { ids.next() } }
            return await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(many.count == 50)
        #expect(ids.issued == 52)
    }
}
