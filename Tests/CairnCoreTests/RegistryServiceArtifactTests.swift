import CairnCore
import CairnTesting
import Foundation
import Synchronization
import Testing

@Suite("RegistryService: uploads, finalizing and reading files")
struct RegistryServiceArtifactTests {
    let clock = ManualClock()
    let blobs: InMemoryBlobStore
    let store: any MetadataStore
    let service: RegistryService

    init() async throws {
        blobs = InMemoryBlobStore(clock: clock)
        store = InMemoryMetadataStore()
        service = makeService(store: store, blobs: blobs, clock: clock)
        _ = try await service.catalog.createModel(name: "fraud", actor: alice)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
    }

    func upload(_ text: String, _ path: String, number: Int = 1) async throws -> ManifestEntry {
        try await service.upload(
            bytes(text),
            modelName: "fraud",
            number: number,
            path: path,
            chunkSize: 3,
            actor: alice
        )
    }

    func references(_ digest: Digest) async throws -> Int {
        try await store.read { try await $0.references(to: digest) }
    }

    @Test("uploading files and finalizing seals a manifest and makes the version READY")
    func uploadAndFinalize() async throws {
        let weights = try await upload("weights", "data/weights.bin")
        let mlmodel = try await upload("flavors: {}", "MLmodel")
        #expect(weights.digest == Digest.of(bytes("weights")))
        #expect(weights.size == 7)
        #expect(mlmodel.mediaType == "application/x-yaml")
        #expect(
            try await service.catalog.files(modelName: "fraud", number: 1, actor: alice).map(\.path) == [
                "MLmodel", "data/weights.bin",
            ]
        )
        let ready = try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: bob)
        #expect(ready.status == .ready)
        #expect(ready.updatedBy == "bob")
        let manifest = try #require(ready.manifest)
        #expect(manifest == Manifest(entries: [weights, mlmodel]))
        #expect(
            try await service.catalog.version(modelName: "fraud", number: 1, actor: alice).manifest?.digest
                == manifest.digest
        )
        #expect(try await service.catalog.files(modelName: "fraud", number: 1, actor: alice) == manifest.entries)
        #expect(blobs.openUploadCount == 0)
    }

    @Test("uploading to a READY version is FAILED_PRECONDITION and changes nothing")
    func uploadAfterReady() async throws {
        _ = try await upload("weights", "model.bin")
        let ready = try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        let eventsBefore = try await service.allEvents()
        for path in ["model.bin", "extra.txt"] {
            let error = await expectRegistryError(.failedPrecondition) { try await upload("tampered", path) }
            #expect(error?.message.contains("new version") == true)
        }
        #expect(try await service.catalog.version(modelName: "fraud", number: 1, actor: alice) == ready)
        #expect(blobs.storedDigests == [Digest.of(bytes("weights"))])
        #expect(blobs.openUploadCount == 0)
        #expect(try await service.allEvents() == eventsBefore)
    }

    @Test("finalizing a version without files is FAILED_PRECONDITION and it stays PENDING")
    func finalizeWithoutFiles() async throws {
        let error = await expectRegistryError(.failedPrecondition) {
            try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        }
        #expect(error?.message.contains("Upload at least one file") == true)
        #expect(try await service.catalog.version(modelName: "fraud", number: 1, actor: alice).status == .pending)
    }

    @Test("finalizing twice returns the same sealed version and records one event")
    func finalizeIdempotent() async throws {
        _ = try await upload("weights", "model.bin")
        let first = try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        clock.advance(by: 10)
        let second = try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: bob)
        #expect(second == first)
        #expect(try await service.allEvents().filter { $0.action == "version.finalized" }.count == 1)
    }

    @Test("a digest mismatch is DIGEST_MISMATCH: no file entry, no blob, no open upload, no event")
    func digestMismatch() async throws {
        let eventsBefore = try await service.allEvents()
        await expectRegistryError(.digestMismatch) {
            try await service.upload(
                bytes("real"),
                modelName: "fraud",
                number: 1,
                path: "model.bin",
                expectedDigest: Digest.of(bytes("claimed")),
                actor: alice
            )
        }
        await expectRegistryError(.digestMismatch) {
            try await service.upload(bytes("real"), modelName: "fraud", number: 1, path: "model.bin", expectedSize: 5)
        }
        #expect(try await service.catalog.files(modelName: "fraud", number: 1, actor: alice).isEmpty)
        #expect(blobs.blobCount == 0)
        #expect(blobs.openUploadCount == 0)
        #expect(try await service.allEvents() == eventsBefore)
    }

    @Test("a body that fails half-way (a disconnect) leaves nothing behind")
    func interruptedBody() async throws {
        struct Disconnected: Error {}
        await #expect(throws: Disconnected.self) {
            try await service.catalog.uploadFile(modelName: "fraud", number: 1, path: "model.bin", actor: alice) {
                upload in
                try await writeChunks(bytes("partial"), to: upload)
                throw Disconnected()
            }
        }
        #expect(try await service.catalog.files(modelName: "fraud", number: 1, actor: alice).isEmpty)
        #expect(blobs.blobCount == 0)
        #expect(blobs.openUploadCount == 0)
    }

    @Test("matching expected digest and size are accepted")
    func expectedDigestAccepted() async throws {
        let content = bytes("weights")
        let entry = try await service.upload(
            content,
            modelName: "fraud",
            number: 1,
            path: "model.bin",
            expectedDigest: Digest.of(content),
            expectedSize: Int64(content.count)
        )
        #expect(entry.digest == Digest.of(content))
        await expectRegistryError(.invalidArgument) {
            try await service.upload(content, modelName: "fraud", number: 1, path: "x", expectedSize: -1)
        }
    }

    @Test("identical bytes in two versions and two models are stored once and referenced twice")
    func deduplication() async throws {
        _ = try await service.catalog.createModel(name: "churn", actor: alice)
        _ = try await service.catalog.createVersion(modelName: "churn", NewVersion(), actor: alice)
        _ = try await service.catalog.createVersion(modelName: "fraud", NewVersion(), actor: alice)
        let first = try await upload("shared weights", "model.bin", number: 1)
        let second = try await service.upload(bytes("shared weights"), modelName: "churn", number: 1, path: "w.bin")
        #expect(first.digest == second.digest)
        #expect(blobs.blobCount == 1)
        #expect(try await references(first.digest) == 2)
        _ = try await upload("shared weights", "copy.bin", number: 2)
        #expect(blobs.blobCount == 1)
        #expect(try await references(first.digest) == 3)
    }

    @Test("uploading the same path again in a PENDING version replaces the file")
    func replaceInPending() async throws {
        _ = try await upload("first", "model.bin")
        let second = try await upload("second", "model.bin")
        #expect(try await service.catalog.files(modelName: "fraud", number: 1, actor: alice) == [second])
        let ready = try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        #expect(ready.manifest?.entries == [second])
    }

    @Test("a file reads back whole or by byte range")
    func openFile() async throws {
        let text = "0123456789abcdefghij"
        _ = try await upload(text, "data/file.txt")
        _ = try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        let (entry, whole) = try await service.catalog.openFile(
            modelName: "fraud",
            number: 1,
            path: "data/file.txt",
            actor: alice
        )
        #expect(entry.size == 20)
        #expect(try await collect(whole) == bytes(text))
        let (_, part) = try await service.catalog.openFile(
            modelName: "fraud",
            number: 1,
            path: "data/file.txt",
            range: 10..<15,
            actor: alice
        )
        #expect(part.count == 5)
        #expect(try await collect(part) == bytes("abcde"))
    }

    @Test("a range running past the end is clamped; one starting past the end is RANGE_NOT_SATISFIABLE")
    func openFileRangeEdges() async throws {
        _ = try await upload("0123456789", "f.txt")
        let (_, tail) = try await service.catalog.openFile(
            modelName: "fraud",
            number: 1,
            path: "f.txt",
            range: 7..<100,
            actor: alice
        )
        #expect(try await collect(tail) == bytes("789"))
        await expectRegistryError(.rangeNotSatisfiable) {
            try await service.catalog.openFile(
                modelName: "fraud",
                number: 1,
                path: "f.txt",
                range: 11..<20,
                actor: alice
            )
        }
        await expectRegistryError(.rangeNotSatisfiable) {
            try await service.catalog.openFile(
                modelName: "fraud",
                number: 1,
                path: "f.txt",
                range: -1..<3,
                actor: alice
            )
        }
    }

    @Test("opening a missing or invalid path is NOT_FOUND or INVALID_ARGUMENT")
    func openFileErrors() async throws {
        _ = try await upload("x", "a.txt")
        await expectRegistryError(.notFound) {
            try await service.catalog.openFile(modelName: "fraud", number: 1, path: "b.txt", actor: alice)
        }
        await expectRegistryError(.invalidArgument) {
            try await service.catalog.openFile(modelName: "fraud", number: 1, path: "../a.txt", actor: alice)
        }
        await expectRegistryError(.notFound) {
            try await service.catalog.openFile(modelName: "fraud", number: 7, path: "a.txt", actor: alice)
        }
    }

    @Test("an unsafe path or a missing version is refused before any byte is stored")
    func uploadRefusedEarly() async throws {
        await expectRegistryError(.invalidArgument) { try await upload("x", "../../etc/passwd") }
        await expectRegistryError(.invalidArgument) { try await upload("x", "%2e%2e/x") }
        await expectRegistryError(.notFound) { try await upload("x", "a.txt", number: 9) }
        #expect(blobs.blobCount == 0)
        #expect(blobs.openUploadCount == 0)
    }

    @Test("an upload longer than announced is refused at the chunk that passes the size, before the body is read")
    func overLongRefusedWhileStreaming() async throws {
        let pulled = Mutex(0)
        let error = await expectRegistryError(.payloadTooLarge) {
            try await service.catalog.uploadFile(
                modelName: "fraud",
                number: 1,
                path: "big.bin",
                expectedSize: 10,
                actor: alice
            ) { upload in
                // A body of 100 chunks of 4 bytes, pulled one at a time as a request body is.
                for _ in 0..<100 {
                    pulled.withLock { $0 += 1 }
                    try await upload.write([1, 2, 3, 4])
                }
            }
        }
        #expect(error?.message.contains("10 bytes") == true)
        #expect(pulled.withLock { $0 } == 3, "8 bytes fit, the third chunk passes 10: nothing after it is read")
        #expect(blobs.blobCount == 0)
        #expect(blobs.openUploadCount == 0)
        #expect(try await service.catalog.files(modelName: "fraud", number: 1, actor: alice).isEmpty)
    }

    @Test("finalizing when a file's blob has vanished from the store is FAILED_PRECONDITION")
    func finalizeWithMissingBlob() async throws {
        let entry = try await upload("weights", "model.bin")
        blobs.destroy(entry.digest)
        let error = await expectRegistryError(.failedPrecondition) {
            try await service.catalog.finalizeVersion(modelName: "fraud", number: 1, actor: alice)
        }
        #expect(error?.message.contains("model.bin") == true)
        #expect(try await service.catalog.version(modelName: "fraud", number: 1, actor: alice).status == .pending)
    }
}
