import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Blobs are released only by the commit that drops their reference, and deleted only after it")
struct CommitOrderTests {
    @Test("a replace or delete whose commit fails leaves every blob its rows still name")
    func failedCommitKeepsBlobs() async throws {
        let store = FailingCommitStore(InMemoryMetadataStore())
        let clock = ManualClock()
        let blobs = InMemoryBlobStore(clock: clock)
        let service = makeService(store: store, blobs: blobs, clock: clock)
        _ = try await service.putArtifact(bytes("first"), at: "1/run/artifacts/model.bin", actor: alice)
        let first = Digest.of(bytes("first"))

        store.failNextCommit()
        await expectRegistryError(.unavailable) {
            try await service.putArtifact(bytes("second"), at: "1/run/artifacts/model.bin", actor: alice)
        }
        store.failNextCommit()
        await expectRegistryError(.unavailable) {
            try await service.tracking.deleteArtifacts(path: "1/run", actor: alice)
        }
        let (entry, stream) = try await service.tracking.openArtifact(
            path: "1/run/artifacts/model.bin",
            range: nil,
            actor: alice
        )
        #expect(entry.digest == first && blobs.storedDigests.contains(first))
        var read: [UInt8] = []
        for try await chunk in stream { read += chunk }
        #expect(read == bytes("first"), "the row still names the first content, and it is still there")
        clock.advance(by: 3601)
        let kept = try await service.catalog.collectGarbage(graceSeconds: 3600)
        #expect(blobs.storedDigests.contains(first), "the failed delete released nothing")
        // The second upload's blob was released when its record failed: nothing names it, so it goes.
        #expect(kept == GarbageCollectionReport(deleted: 1, referenced: 0, renewed: 0))
        #expect(blobs.storedDigests == [first])

        // Once a delete commits, the content nothing references any more goes after the grace period.
        try await service.tracking.deleteArtifacts(path: "1/run", actor: alice)
        #expect(blobs.storedDigests.contains(first))
        clock.advance(by: 3601)
        #expect(try await service.catalog.collectGarbage(graceSeconds: 3600).deleted == 1)
        #expect(blobs.storedDigests.isEmpty)
    }
}
