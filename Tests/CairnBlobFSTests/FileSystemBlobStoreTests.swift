import CairnBlobFS
import CairnCore
import CairnTesting
import Foundation
import Testing

@Suite("FileSystemBlobStore")
struct FileSystemBlobStoreTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-blobfs-\(UUID().uuidString)")
    }

    func harness() throws -> BlobStoreHarness {
        let store = try FileSystemBlobStore(root: root)
        let uploads = root.appendingPathComponent("uploads").path
        return BlobStoreHarness(store: store) {
            try FileManager.default.contentsOfDirectory(atPath: uploads).count
        }
    }

    @Test("conforms to the BlobStore contract", arguments: BlobStoreConformance.cases)
    func conformance(_ check: BlobStoreConformanceCase) async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try await check.run(try harness())
    }

    @Test("blobs live at blobs/sha256/<2 hex>/<64 hex>, read-only for the owner alone, and nowhere else")
    func layout() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try FileSystemBlobStore(root: root)
        let info = try await BlobStoreConformance.upload(Array("layout".utf8), to: store)
        let expected = root.appendingPathComponent("blobs/sha256/\(info.digest.hex.prefix(2))/\(info.digest.hex)").path
        let attributes = try FileManager.default.attributesOfItem(atPath: expected)
        #expect((attributes[.posixPermissions] as? Int) == 0o400)
        for directory in ["blobs", "blobs/sha256", "blobs/sha256/\(info.digest.hex.prefix(2))", "uploads"] {
            let mode = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(directory).path)
            #expect((mode[.posixPermissions] as? Int) == 0o700, "\(directory)")
        }
        let all = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
        #expect(all == ["blobs/sha256/\(info.digest.hex.prefix(2))/\(info.digest.hex)"])
    }

    @Test("dedup verifies a stored blob's bytes: a damaged one of the same size is replaced, not trusted")
    func dedupVerifiesContent() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try FileSystemBlobStore(root: root)
        let info = try await BlobStoreConformance.upload(Array("weights-v1".utf8), to: store)
        let path = root.appendingPathComponent("blobs/sha256/\(info.digest.hex.prefix(2))/\(info.digest.hex)").path
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data("weights-v2".utf8).write(to: URL(fileURLWithPath: path))  // same size, other bytes: bit rot
        let again = try await BlobStoreConformance.upload(Array("weights-v1".utf8), to: store)
        #expect(again.digest == info.digest)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "weights-v1")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o400)
    }

    @Test("the SHA-256 of swift-crypto and of the core's portable hasher agree")
    func hashersAgree() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try FileSystemBlobStore(root: root)
        for count in [0, 1, 55, 56, 63, 64, 65, 1000, 100_003] {
            let bytes = BlobStoreConformance.pattern(count: count)
            #expect(try await BlobStoreConformance.upload(bytes, to: store).digest == Digest.of(bytes))
        }
    }

    @Test("an upload session dropped without commit or cancel leaves no file")
    func droppedSession() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let h = try harness()
        do {
            let upload = try await h.store.beginUpload(expecting: .none)
            try await upload.write([1, 2])
        }
        #expect(try await h.pendingUploads() == 0)
    }
}
