import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Blobs are deleted only after the commit that released them")
struct CommitOrderTests {
    @Test("a replace or delete whose commit fails leaves every blob its rows still name")
    func failedCommitKeepsBlobs() async throws {
        let store = FailingCommitStore(InMemoryMetadataStore())
        let blobs = InMemoryBlobStore()
        let service = makeService(store: store, blobs: blobs)
        _ = try await service.putArtifact(bytes("first"), at: "1/run/artifacts/model.bin", actor: alice)
        let first = Digest.of(bytes("first"))

        store.failNextCommit()
        await expectRegistryError(.unavailable) {
            try await service.putArtifact(bytes("second"), at: "1/run/artifacts/model.bin", actor: alice)
        }
        store.failNextCommit()
        await expectRegistryError(.unavailable) {
            try await service.deleteArtifacts(path: "1/run", actor: alice)
        }
        let (entry, stream) = try await service.openArtifact(
            path: "1/run/artifacts/model.bin",
            range: nil,
            actor: alice
        )
        #expect(entry.digest == first && blobs.storedDigests.contains(first))
        var read: [UInt8] = []
        for try await chunk in stream { read += chunk }
        #expect(read == bytes("first"), "the row still names the first content, and it is still there")

        // Once a delete commits, the content nothing references any more is removed.
        try await service.deleteArtifacts(path: "1/run", actor: alice)
        #expect(!blobs.storedDigests.contains(first))
    }
}
