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

        let failed = try await service.version(modelName: "fraud", number: 1, actor: alice)
        #expect(failed.status == .failed)
        #expect(failed.statusMessage.contains("create a new version"))
        #expect(failed.updatedBy == Principal.system.name)
        #expect(failed.updatedAt == clock.now())
        #expect(try await service.files(modelName: "fraud", number: 1, actor: alice).isEmpty)
        #expect(blobs.storedDigests == [Digest.of(bytes("shared"))])
        let churn = try await service.openFile(modelName: "churn", number: 1, path: "shared.bin", actor: alice)
        #expect(try await collect(churn.1) == bytes("shared"))

        let event = try #require(try await service.allEvents().last)
        #expect(event.action == "version.expired")
        #expect(event.actor == "system")
        #expect(event.subject == "model/fraud/version/1")
        #expect(try await service.verifyEventChain(actor: alice).broken == nil)
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
        #expect(try await service.version(modelName: "fraud", number: 1, actor: alice).status == .failed)
        #expect(try await service.version(modelName: "fraud", number: 2, actor: alice).status == .pending)
        #expect(try await service.version(modelName: "churn", number: 1, actor: alice).status == .ready)
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

    @Test("an upload adopting a blob that expiry is deleting fails UNAVAILABLE instead of sealing lost content")
    func raceWithConcurrentUpload() async throws {
        // Expiry finds a blob unreferenced and deletes it. A new version uploading the same bytes at that moment finds
        // the blob already stored (the commit is idempotent) and then records a file entry for it. Unless the entry
        // is re-checked against the store under the same lock, a version can be sealed over deleted content. The
        // hook runs exactly that interleaving, deterministically: the upload commits its blob while expiry sits in
        // `delete`, and records its entry after expiry is done.
        let hooked = HookedBlobStore(base: blobs)
        let service = makeService(blobs: hooked, clock: clock)
        _ = try await service.createModel(name: "m", actor: alice)
        _ = try await service.createVersion(modelName: "m", NewVersion(), actor: alice)
        _ = try await service.upload(bytes("weights"), modelName: "m", number: 1, path: "w.bin")
        clock.advance(by: 7200)
        _ = try await service.createVersion(modelName: "m", NewVersion(), actor: alice)
        let adopter = Slot<Task<RegistryError?, Never>>()
        hooked.beforeDelete.withLock {
            $0 = {
                let (committed, signal) = AsyncStream.makeStream(of: Void.self)
                hooked.onCommit.withLock { $0 = signal }
                // Detached: the upload must not inherit the expiry's transaction context; it is another request.
                adopter.value.withLock {
                    $0 = Task.detached {
                        do {
                            _ = try await service.upload(bytes("weights"), modelName: "m", number: 2, path: "w.bin")
                            return nil
                        } catch {
                            return error as? RegistryError ?? RegistryError(.internalError, "\(error)")
                        }
                    }
                }
                for await _ in committed { break }
            }
        }

        #expect(try await service.expireStalePendingVersions(olderThanSeconds: 3600) == 1)
        let task = try #require(adopter.value.withLock { $0 })
        let error = await task.value
        #expect(error?.code == .unavailable, "\(String(describing: error))")
        #expect(try await service.files(modelName: "m", number: 2, actor: alice).isEmpty)
        await expectRegistryError(.failedPrecondition) {
            try await service.finalizeVersion(modelName: "m", number: 2, actor: alice)
        }
        #expect(blobs.blobCount == 0)
    }
}

/// Wraps a blob store to run a deterministic interleaving: a hook runs, once, just before the first delete, and
/// commits of uploads begun through the wrapper are signalled to `onCommit`.
final class HookedBlobStore: BlobStore {
    let base: any BlobStore
    let beforeDelete = Mutex<(@Sendable () async throws -> Void)?>(nil)
    let onCommit = Mutex<AsyncStream<Void>.Continuation?>(nil)

    init(base: any BlobStore) {
        self.base = base
    }

    func beginUpload() async throws -> any BlobUpload {
        SignallingUpload(base: try await base.beginUpload(), store: self)
    }
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
    func createMultipart(descriptor: [UInt8]) async throws -> String {
        try await base.createMultipart(descriptor: descriptor)
    }
    func multipartDescriptor(_ id: String) async throws -> [UInt8]? { try await base.multipartDescriptor(id) }
    func beginPart(of id: String, number: Int) async throws -> any BlobUpload {
        try await base.beginPart(of: id, number: number)
    }
    func completeMultipart(_ id: String, parts: [(number: Int, digest: Digest?)]) async throws -> BlobInfo {
        try await base.completeMultipart(id, parts: parts)
    }
    func abortMultipart(_ id: String) async throws { try await base.abortMultipart(id) }
}

final class SignallingUpload: BlobUpload {
    let base: any BlobUpload
    let store: HookedBlobStore

    init(base: any BlobUpload, store: HookedBlobStore) {
        self.base = base
        self.store = store
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws { try base.write(bytes) }
    var bytesWritten: Int64 { base.bytesWritten }
    func commit(expectedDigest: Digest?, expectedSize: Int64?) async throws -> BlobInfo {
        let info = try await base.commit(expectedDigest: expectedDigest, expectedSize: expectedSize)
        store.onCommit.withLock { $0?.yield() }
        return info
    }
    func cancel() async { await base.cancel() }
}

/// A lock-protected optional value that escaping closures can share.
final class Slot<Value: Sendable>: Sendable {
    let value = Mutex<Value?>(nil)
}
