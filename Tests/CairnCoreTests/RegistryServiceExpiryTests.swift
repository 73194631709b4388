import CairnCore
import CairnTesting
import Foundation
import Synchronization
import Testing

@Suite("RegistryService: expiring abandoned PENDING versions")
struct RegistryServiceExpiryTests {
    let clock = ManualClock()
    let blobs: InMemoryBlobStore
    let service: RegistryService

    init() async throws {
        blobs = InMemoryBlobStore(clock: clock)
        service = makeService(blobs: blobs, clock: clock)
        _ = try await service.createModel(name: "fraud", actor: alice)
        _ = try await service.createModel(name: "churn", actor: alice)
    }

    @Test("a stale PENDING version becomes FAILED; its orphaned blobs are deleted, shared blobs kept")
    func expiresStaleVersion() async throws {
        try await service.publishVersion(modelName: "churn", files: ["shared.bin": bytes("shared")], actor: alice)
        _ = try await service.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("orphan"), modelName: "fraud", number: 1, path: "orphan.bin")
        _ = try await service.upload(bytes("shared"), modelName: "fraud", number: 1, path: "shared.bin")
        #expect(blobs.blobCount == 2)

        clock.advance(by: 2 * 3600)
        #expect(try await service.expireStalePendingVersions(olderThanSeconds: 3600) == 1)

        let failed = try await service.version(modelName: "fraud", number: 1)
        #expect(failed.status == .failed)
        #expect(failed.statusMessage.contains("create a new version"))
        #expect(failed.updatedBy == Principal.system.name)
        #expect(failed.updatedAt == clock.now())
        #expect(try await service.files(modelName: "fraud", number: 1).isEmpty)
        #expect(blobs.storedDigests == [Digest.of(bytes("shared"))])
        let churn = try await service.openFile(modelName: "churn", number: 1, path: "shared.bin")
        #expect(try await collect(churn.1) == bytes("shared"))

        let event = try #require(try await service.allEvents().last)
        #expect(event.action == "version.expired")
        #expect(event.actor == "system")
        #expect(event.subject == "model/fraud/version/1")
        #expect(try await service.verifyEventChain() == nil)
    }

    @Test("young PENDING versions and READY versions are left alone; a second run expires nothing")
    func leavesOthersAlone() async throws {
        try await service.publishVersion(modelName: "churn", files: ["a.bin": bytes("a")], actor: alice)
        _ = try await service.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        clock.advance(by: 7200)
        _ = try await service.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("young"), modelName: "fraud", number: 2, path: "y.bin")

        #expect(try await service.expireStalePendingVersions(olderThanSeconds: 3600) == 1)
        #expect(try await service.expireStalePendingVersions(olderThanSeconds: 3600) == 0)
        #expect(try await service.version(modelName: "fraud", number: 1).status == .failed)
        #expect(try await service.version(modelName: "fraud", number: 2).status == .pending)
        #expect(try await service.version(modelName: "churn", number: 1).status == .ready)
        #expect(blobs.blobCount == 2)
    }

    @Test("a FAILED version takes no more files and cannot be finalized")
    func failedIsFinal() async throws {
        _ = try await service.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("x"), modelName: "fraud", number: 1, path: "x.bin")
        clock.advance(by: 7200)
        _ = try await service.expireStalePendingVersions(olderThanSeconds: 3600)
        let upload = await expectRegistryError(.failedPrecondition) {
            try await service.upload(bytes("x"), modelName: "fraud", number: 1, path: "x.bin")
        }
        #expect(upload?.message.contains("FAILED") == true)
        await expectRegistryError(.failedPrecondition) {
            try await service.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        }
        #expect(blobs.blobCount == 0)
    }

    @Test("a blob that a new version adopts while expiry runs is not deleted from under it")
    func raceWithConcurrentUpload() async throws {
        // The expiry transaction decides a blob is orphaned, commits, and only then deletes the blob. A version that
        // uploads the same bytes in between and is finalized would lose its content. The hook below runs exactly
        // that interleaving, deterministically.
        let hooked = HookedBlobStore(base: blobs)
        let service = makeService(blobs: hooked, clock: clock)
        _ = try await service.createModel(name: "m", actor: alice)
        _ = try await service.createVersion(modelName: "m", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("weights"), modelName: "m", number: 1, path: "w.bin")
        clock.advance(by: 7200)
        _ = try await service.createVersion(modelName: "m", NewVersion(), actor: alice)
        hooked.beforeDelete.withLock {
            $0 = {
                _ = try await service.upload(bytes("weights"), modelName: "m", number: 2, path: "w.bin")
                _ = try await service.finalizeVersion(modelName: "m", number: 2, actor: alice)
            }
        }
        #expect(try await service.expireStalePendingVersions(olderThanSeconds: 3600) == 1)
        #expect(try await service.version(modelName: "m", number: 2).status == .ready)
        let entry = try #require(try await service.files(modelName: "m", number: 2).first)
        #expect(
            try await blobs.size(of: entry.digest) == 7,
            "a READY version's blob was deleted by expiry: its sealed content is lost"
        )
    }
}

/// Wraps a blob store and runs a hook, once, just before the first delete: a deterministic interleaving.
final class HookedBlobStore: BlobStore {
    let base: any BlobStore
    let beforeDelete = Mutex<(@Sendable () async throws -> Void)?>(nil)

    init(base: any BlobStore) {
        self.base = base
    }

    func beginUpload() async throws -> any BlobUpload { try await base.beginUpload() }
    func size(of digest: Digest) async throws -> Int64? { try await base.size(of: digest) }
    func read(_ digest: Digest, range: Range<Int64>?) async throws -> BlobByteStream {
        try await base.read(digest, range: range)
    }
    func delete(_ digest: Digest) async throws {
        let hook = beforeDelete.withLock { hook in
            defer { hook = nil }
            return hook
        }
        try await hook?()
        try await base.delete(digest)
    }
    func removeAbandonedUploads(olderThanSeconds seconds: Double) async throws -> Int {
        try await base.removeAbandonedUploads(olderThanSeconds: seconds)
    }
}
