import CairnBlobFS
import CairnCore
import CairnSQLite
import Foundation
import Synchronization
import Testing

@testable import CairnServer

/// First start: the admin's token goes to an owner-only file, and only its location is reported.
@Suite("Admin bootstrap and safe defaults")
struct AdminBootstrapTests {
    @Test("the token file is mode 0600, holds a working admin token, and the report never contains it")
    func tokenFile() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-boot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try await SQLiteMetadataStore.open(path: root.appendingPathComponent("cairn.sqlite").path)
        let service = RegistryService(store: store, blobs: try FileSystemBlobStore(root: root))
        let lines = Mutex<[String]>([])
        let file = try #require(
            try await AdminBootstrap.run(service: service, dataURL: root) { line in lines.withLock { $0.append(line) } }
        )
        #expect(file.path == root.appendingPathComponent("admin-token").path)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let secret = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("cairn_"))
        let admin = try await service.identity.authenticate(.bearer(secret))
        #expect(admin.name == "admin" && admin.grants == [Grant(.admin)])
        let reported = lines.withLock { $0 }
        #expect(reported.count == 1 && reported[0].contains(file.path))
        #expect(
            !reported.joined().contains(secret) && !reported.joined().contains(String(secret.dropFirst(6).prefix(8)))
        )
        let again = try await AdminBootstrap.run(service: service, dataURL: root) { line in
            lines.withLock { $0.append(line) }
        }
        #expect(again == nil && lines.withLock { $0.count } == 1, "a second start creates and reports nothing")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".admin") }
        #expect(leftovers.isEmpty)
        await store.close()
    }

    @Test("a kill -9 between the admin's commit and the token file's rename still leaves a usable admin token")
    func crashBetweenCommitAndRename() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-boot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try await SQLiteMetadataStore.open(path: root.appendingPathComponent("cairn.sqlite").path)
        let service = RegistryService(store: store, blobs: try FileSystemBlobStore(root: root))
        let pending = root.appendingPathComponent(AdminBootstrap.pendingName)
        // The first start as far as the commit: the token is on disk (pending), the account committed, then death.
        let created = try #require(
            try await service.identity.bootstrapAdmin { new in
                try AdminBootstrap.writeOwnerOnly(Array((new.secret + "\n").utf8), to: pending)
            }
        )
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("admin-token").path))
        // The next start finishes the job.
        let file = try #require(try await AdminBootstrap.run(service: service, dataURL: root) { _ in })
        let secret = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret == created.secret)
        #expect(try await service.identity.authenticate(.bearer(secret)).grants == [Grant(.admin)])
        #expect(!FileManager.default.fileExists(atPath: pending.path))

        // A token write that fails commits no account: the next start bootstraps again.
        await store.close()
        let root2 = root.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: root2, withIntermediateDirectories: true)
        let store2 = try await SQLiteMetadataStore.open(path: root2.appendingPathComponent("cairn.sqlite").path)
        let service2 = RegistryService(store: store2, blobs: try FileSystemBlobStore(root: root2))
        await #expect(throws: RegistryError.self) {
            try await service2.identity.bootstrapAdmin { _ in throw RegistryError(.internalError, "disk full") }
        }
        #expect(try await AdminBootstrap.run(service: service2, dataURL: root2) { _ in } != nil)
        await store2.close()
    }

    @Test("anonymous access defaults to maintainer on loopback hosts and none elsewhere")
    func anonymousDefault() throws {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "0:0:0:0:0:0:0:1"] {
            #expect(ServerConfiguration.defaultAnonymous(forHost: host) == .maintainer, "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "example.com", "128.0.0.1", "localhost.example.com"] {
            #expect(ServerConfiguration.defaultAnonymous(forHost: host) == AnonymousAccess.none, "\(host)")
        }
        var config = ServerConfiguration()
        config.host = "0.0.0.0"
        #expect(config.effectiveAnonymous == AnonymousAccess.none)
        config = try ServerConfiguration.fromEnvironment(["CAIRN_HOST": "0.0.0.0", "CAIRN_ANONYMOUS": "viewer"])
        #expect(config.effectiveAnonymous == .viewer)
        #expect(throws: RegistryError.self) {
            try ServerConfiguration.fromEnvironment(["CAIRN_ANONYMOUS": "admin"])
        }
    }
}
