import CairnCore
import CairnTesting
import Foundation
import Synchronization
import Testing

@Suite("RegistryService: expiring abandoned PENDING versions")
struct RegistryServiceExpiryTests {
    let clock = ManualClock()
    let store = InMemoryMetadataStore()
    let blobs: InMemoryBlobStore
    let service: RegistryService

    init() async throws {
        blobs = InMemoryBlobStore(clock: clock)
        service = makeService(store: store, blobs: blobs, clock: clock)
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        _ = try await service.catalog.createModel(name: "churn", actor: alice)
    }

    @Test("a stale PENDING version becomes FAILED; after the grace period its orphaned blobs go, shared blobs stay")
    func expiresStaleVersion() async throws {
        try await service.publishVersion(modelName: "churn", files: ["shared.bin": bytes("shared")], actor: alice)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("orphan"), modelName: "fraud", number: 1, path: "orphan.bin")
        _ = try await service.upload(bytes("shared"), modelName: "fraud", number: 1, path: "shared.bin")
        #expect(blobs.blobCount == 2)

        clock.advance(by: 2 * 3600)
        #expect(try await service.catalog.expireStalePendingVersions(olderThanSeconds: 3600) == 1)

        let failed = try await service.catalog.version(modelName: "fraud", number: 1, actor: alice)
        #expect(failed.status == .failed)
        #expect(failed.statusMessage.contains("create a new version"))
        #expect(failed.updatedBy == Principal.system.name)
        #expect(failed.updatedAt == clock.now())
        #expect(try await service.catalog.files(modelName: "fraud", number: 1, actor: alice).isEmpty)
        let event = try #require(try await service.allEvents().last)
        #expect(event.action == "version.expired")
        #expect(event.actor == "system")
        #expect(event.subject == "model/fraud/version/1")
        #expect(try await service.governance.verifyEventChain(actor: alice).broken == nil)

        // Expiry only released the blobs; garbage collection deletes them once the grace period has passed.
        #expect(blobs.blobCount == 2)
        let early = try await service.catalog.collectGarbage(graceSeconds: 3600)
        #expect(early == GarbageCollectionReport(deleted: 0, referenced: 0, renewed: 0))
        #expect(blobs.blobCount == 2)
        clock.advance(by: 3601)
        let report = try await service.catalog.collectGarbage(graceSeconds: 3600)
        #expect(report == GarbageCollectionReport(deleted: 1, referenced: 1, renewed: 0))
        #expect(blobs.storedDigests == [Digest.of(bytes("shared"))])
        let churn = try await service.catalog.openFile(modelName: "churn", number: 1, path: "shared.bin", actor: alice)
        #expect(try await collect(churn.1) == bytes("shared"))
        // Every release was settled: a second run has nothing to do.
        #expect(
            try await service.catalog.collectGarbage(graceSeconds: 3600)
                == GarbageCollectionReport(deleted: 0, referenced: 0, renewed: 0)
        )
    }

    @Test("young PENDING versions and READY versions are left alone; a second run expires nothing")
    func leavesOthersAlone() async throws {
        try await service.publishVersion(modelName: "churn", files: ["a.bin": bytes("a")], actor: alice)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        clock.advance(by: 7200)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("young"), modelName: "fraud", number: 2, path: "y.bin")

        #expect(try await service.catalog.expireStalePendingVersions(olderThanSeconds: 3600) == 1)
        #expect(try await service.catalog.expireStalePendingVersions(olderThanSeconds: 3600) == 0)
        #expect(try await service.catalog.version(modelName: "fraud", number: 1, actor: alice).status == .failed)
        #expect(try await service.catalog.version(modelName: "fraud", number: 2, actor: alice).status == .pending)
        #expect(try await service.catalog.version(modelName: "churn", number: 1, actor: alice).status == .ready)
        #expect(blobs.blobCount == 2)
    }

    @Test("a FAILED version takes no more files and cannot be finalized")
    func failedIsFinal() async throws {
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("x"), modelName: "fraud", number: 1, path: "x.bin")
        clock.advance(by: 7200)
        _ = try await service.catalog.expireStalePendingVersions(olderThanSeconds: 3600)
        let upload = await expectRegistryError(.failedPrecondition) {
            try await service.upload(bytes("x"), modelName: "fraud", number: 1, path: "x.bin")
        }
        #expect(upload?.message.contains("FAILED") == true)
        await expectRegistryError(.failedPrecondition) {
            try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        }
        clock.advance(by: 3601)
        #expect(try await service.catalog.collectGarbage(graceSeconds: 3600).deleted == 1)
        #expect(blobs.blobCount == 0)
    }

    @Test("an upload adopting a blob while garbage collection deletes it keeps it: the upload renews the blob")
    func raceWithConcurrentUpload() async throws {
        // Garbage collection finds a released blob unreferenced and goes to delete it. A new version uploading the
        // same bytes at that moment finds the blob stored (the commit is idempotent) and records a file entry for it.
        // The commit renews the blob, and the delete keeps a blob written after its cutoff, so the version's content
        // survives. The hook runs exactly that interleaving, deterministically: the whole upload runs while garbage
        // collection sits in `delete`.
        let hooked = HookedBlobStore(base: blobs)
        let service = makeService(blobs: hooked, clock: clock)
        _ = try await service.catalog.createModel(name: "m", actor: alice)
        _ = try await service.catalog.createVersion(modelName: "m", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("weights"), modelName: "m", number: 1, path: "w.bin")
        clock.advance(by: 7200)
        #expect(try await service.catalog.expireStalePendingVersions(olderThanSeconds: 3600) == 1)
        _ = try await service.catalog.createVersion(modelName: "m", NewVersion(), actor: alice)
        clock.advance(by: 3601)
        hooked.beforeDelete.withLock {
            $0 = { _ = try await service.upload(bytes("weights"), modelName: "m", number: 2, path: "w.bin") }
        }

        let report = try await service.catalog.collectGarbage(graceSeconds: 3600)
        #expect(report == GarbageCollectionReport(deleted: 0, referenced: 0, renewed: 1))
        #expect(try await service.catalog.files(modelName: "m", number: 2, actor: alice).map(\.path) == ["w.bin"])
        let sealed = try await service.catalog.finalizeVersion(modelName: "m", number: 2, actor: alice)
        #expect(sealed.status == .ready)
        let (_, stream) = try await service.catalog.openFile(modelName: "m", number: 2, path: "w.bin", actor: alice)
        #expect(try await collect(stream) == bytes("weights"))
        // The renewed blob is considered again a grace period later, found referenced, and kept for good.
        clock.advance(by: 3601)
        #expect(
            try await service.catalog.collectGarbage(graceSeconds: 3600)
                == GarbageCollectionReport(deleted: 0, referenced: 1, renewed: 0)
        )
        #expect(blobs.blobCount == 1)
    }

    @Test("a file entry that fails to commit releases the blob it stored, for garbage collection to reclaim")
    func failedRecordReleases() async throws {
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        let hooked = HookedBlobStore(base: blobs)
        let service = makeService(store: store, blobs: hooked, clock: clock)
        // The version is sealed by someone else between the upload's early check and its file entry.
        hooked.afterCommit.withLock {
            $0 = { _ = try await self.service.catalog.expireStalePendingVersions(olderThanSeconds: -1) }
        }
        await expectRegistryError(.failedPrecondition) {
            try await service.upload(bytes("late"), modelName: "fraud", number: 1, path: "late.bin")
        }
        #expect(blobs.blobCount == 1)
        clock.advance(by: 3601)
        #expect(try await service.catalog.collectGarbage(graceSeconds: 3600).deleted == 1)
        #expect(blobs.blobCount == 0)
    }
}

/// Wraps a blob store to run a deterministic interleaving: `beforeDelete` runs, once, just before the first delete,
/// and `afterCommit`, once, right after the first upload commits.
final class HookedBlobStore: BlobStore {
    let base: any BlobStore
    let beforeDelete = Mutex<(@Sendable () async throws -> Void)?>(nil)
    let afterCommit = Mutex<(@Sendable () async throws -> Void)?>(nil)

    init(base: any BlobStore) {
        self.base = base
    }

    func beginUpload(expecting expected: BlobExpectation) async throws -> any BlobUpload {
        SignallingUpload(base: try await base.beginUpload(expecting: expected), store: self)
    }
    func size(of digest: Digest) async throws -> Int64? { try await base.size(of: digest) }
    func read(_ digest: Digest, range: Range<Int64>?) async throws -> BlobByteStream {
        try await base.read(digest, range: range)
    }
    func delete(_ digest: Digest, ifUnwrittenSince cutoff: Date) async throws -> Bool {
        try await Self.take(beforeDelete)?()
        return try await base.delete(digest, ifUnwrittenSince: cutoff)
    }
    func removeAbandonedUploads(olderThanSeconds seconds: Double) async throws -> Int {
        try await base.removeAbandonedUploads(olderThanSeconds: seconds)
    }
    func createMultipart(descriptor: [UInt8]) async throws -> String {
        try await base.createMultipart(descriptor: descriptor)
    }
    func multipartDescriptor(_ id: String) async throws -> [UInt8]? { try await base.multipartDescriptor(id) }
    func beginPart(of id: String, number: Int, expecting expected: BlobExpectation) async throws -> any BlobUpload {
        try await base.beginPart(of: id, number: number, expecting: expected)
    }
    func completeMultipart(_ id: String, parts: [(number: Int, digest: Digest?)]) async throws -> BlobInfo {
        try await base.completeMultipart(id, parts: parts)
    }
    func abortMultipart(_ id: String) async throws { try await base.abortMultipart(id) }

    /// The hook in `slot`, removed so it runs once.
    static func take(_ slot: borrowing Mutex<(@Sendable () async throws -> Void)?>) -> (
        @Sendable () async throws -> Void
    )? {
        slot.withLock { hook in
            defer { hook = nil }
            return hook
        }
    }
}

final class SignallingUpload: BlobUpload {
    let base: any BlobUpload
    let store: HookedBlobStore

    init(base: any BlobUpload, store: HookedBlobStore) {
        self.base = base
        self.store = store
    }

    func write(_ chunk: [UInt8]) async throws { try await base.write(chunk) }
    var bytesWritten: Int64 { base.bytesWritten }
    func commit() async throws -> BlobInfo {
        let info = try await base.commit()
        try await HookedBlobStore.take(store.afterCommit)?()
        return info
    }
    func cancel() async { await base.cancel() }
}

/// A lock-protected optional value that escaping closures can share.
final class Slot<Value: Sendable>: Sendable {
    let value = Mutex<Value?>(nil)
}
