import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("Tracking: the artifact tree")
struct TrackingArtifactTests {
    let clock = ManualClock()
    let blobs: InMemoryBlobStore
    let service: RegistryService

    init() {
        blobs = InMemoryBlobStore(clock: clock)
        service = makeService(blobs: blobs, clock: clock)
    }

    @Test("upload then download returns the bytes; ranges are clamped")
    func roundTrip() async throws {
        let entry = try await service.putArtifact(bytes("hello world"), at: "1/r/artifacts/a.txt", chunkSize: 3)
        #expect(entry.size == 11)
        #expect(entry.digest == Digest.of(bytes("hello world")))
        let (found, stream) = try await service.tracking.openArtifact(
            path: "1/r/artifacts/a.txt",
            range: nil,
            actor: alice
        )
        #expect(found == entry)
        #expect(try await collect(stream) == bytes("hello world"))
        let (_, part) = try await service.tracking.openArtifact(
            path: "1/r/artifacts/a.txt",
            range: 6..<100,
            actor: alice
        )
        #expect(try await collect(part) == bytes("world"))
        await expectRegistryError(.rangeNotSatisfiable) {
            try await service.tracking.openArtifact(path: "1/r/artifacts/a.txt", range: 20..<30, actor: alice)
        }
    }

    @Test("a missing artifact is not found with MLflow's message")
    func missing() async throws {
        let error = await expectRegistryError(.notFound) {
            try await service.tracking.openArtifact(path: "1/x", range: nil, actor: alice)
        }
        #expect(error?.message == "No such artifact: '1/x'")
    }

    @Test("listing shows immediate children: files with size, each directory once")
    func listing() async throws {
        try await service.putArtifact(bytes("12345"), at: "1/m/artifacts/MLmodel")
        try await service.putArtifact(bytes("a"), at: "1/m/artifacts/sub/a")
        try await service.putArtifact(bytes("b"), at: "1/m/artifacts/sub/deep/b")
        try await service.putArtifact(bytes("c"), at: "1/m/artifacts2/c")
        let children = try await service.tracking.listArtifacts(directory: "1/m/artifacts", actor: alice)
        #expect(
            children == [
                ArtifactListing(path: "MLmodel", isDirectory: false, size: 5),
                ArtifactListing(path: "sub", isDirectory: true, size: nil),
            ]
        )
        #expect(try await service.tracking.listArtifacts(directory: "1/m/artifacts/", actor: alice) == children)
        #expect(try await service.tracking.listArtifacts(directory: "", actor: alice).map(\.path) == ["1"])
        #expect(try await service.tracking.listArtifacts(directory: "1/m/artifacts/MLmodel", actor: alice).isEmpty)
        #expect(try await service.tracking.listArtifacts(directory: "1/missing", actor: alice).isEmpty)
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.listArtifacts(directory: "../../etc", actor: alice)
        }
    }

    @Test("unsafe and reserved paths are refused", arguments: ["../x", "/abs", "a//b", "a/%2e%2e/b", "_cairn/x"])
    func paths(_ path: String) async throws {
        await expectRegistryError(.invalidArgument) { try await service.putArtifact(bytes("x"), at: path) }
        await expectRegistryError(.invalidArgument) {
            try await service.tracking.deleteArtifacts(path: path, actor: alice)
        }
    }

    @Test("replacing a file is allowed; a file and a directory cannot share a path")
    func replaceAndConflicts() async throws {
        try await service.putArtifact(bytes("one"), at: "d/f")
        let replaced = try await service.putArtifact(bytes("two"), at: "d/f")
        let (_, stream) = try await service.tracking.openArtifact(path: "d/f", range: nil, actor: alice)
        #expect(try await collect(stream) == bytes("two"))
        // The replaced content is released, and goes once the grace period has passed.
        #expect(try await blobs.size(of: Digest.of(bytes("one"))) == 3)
        clock.advance(by: 3601)
        #expect(try await service.catalog.collectGarbage(graceSeconds: 3600).deleted == 1)
        #expect(try await blobs.size(of: Digest.of(bytes("one"))) == nil)
        #expect(replaced.size == 3)
        await expectRegistryError(.failedPrecondition) { try await service.putArtifact(bytes("x"), at: "d/f/g") }
        await expectRegistryError(.failedPrecondition) { try await service.putArtifact(bytes("x"), at: "d") }
    }

    @Test("a size mismatch stores nothing")
    func sizeMismatch() async throws {
        await #expect(throws: (any Error).self) {
            try await service.tracking.uploadArtifact(path: "a", expectedSize: 10, actor: alice) { upload in
                try await writeChunks(bytes("short"), to: upload)
            }
        }
        #expect(try await service.tracking.listArtifacts(directory: "", actor: alice).isEmpty)
        #expect(try await blobs.size(of: Digest.of(bytes("short"))) == nil)
    }

    @Test("deleting a directory removes its files, records one event and frees unreferenced content")
    func delete() async throws {
        try await service.putArtifact(bytes("a"), at: "1/r/artifacts/a")
        try await service.putArtifact(bytes("b"), at: "1/r/artifacts/sub/b")
        try await service.putArtifact(bytes("b"), at: "1/keep/b")
        #expect(try await service.allEvents().isEmpty)
        try await service.tracking.deleteArtifacts(path: "1/r", actor: carol)
        #expect(try await service.tracking.listArtifacts(directory: "1", actor: alice).map(\.path) == ["keep"])
        clock.advance(by: 3601)
        #expect(
            try await service.catalog.collectGarbage(graceSeconds: 3600)
                == GarbageCollectionReport(deleted: 1, referenced: 1, renewed: 0)
        )
        #expect(try await blobs.size(of: Digest.of(bytes("a"))) == nil)
        #expect(try await blobs.size(of: Digest.of(bytes("b"))) == 1)
        try await service.tracking.deleteArtifacts(path: "1/r", actor: carol)
        let events = try await service.allEvents()
        #expect(events.map(\.action) == ["artifact.deleted"])
        #expect(events.first?.subject == "artifact/1/r")
        #expect(events.first?.actor == "carol")
    }
}
