import CairnClient
import CairnCore
import CairnWire
import Crypto
import Foundation
import Testing

/// What a pull does when the server lies: hostile paths, wrong bytes, a forged manifest. A canary directory beside the
/// pull target must stay untouched whatever the server sends.
@Suite("pull against a hostile server")
struct CLIHostileServerTests {
    static func digest(_ text: String) -> String {
        CairnCore.Digest(rawBytes: SHA256.hash(data: Data(text.utf8))).description
    }

    /// A resolve answer listing `files` (path → content the manifest claims), sealed with a correct or forged digest.
    static func resolveBody(_ files: [(String, String)], forgeSealedDigest: Bool = false) throws -> [UInt8] {
        let dtos = files.map { FileDTO(path: $0.0, digest: digest($0.1), size: Int64($0.1.utf8.count), mediaType: "x") }
        let entries = try dtos.map {
            ManifestEntry(
                path: $0.path,
                digest: try CairnCore.Digest(parsing: $0.digest),
                size: $0.size,
                mediaType: "x"
            )
        }
        let sealed = forgeSealedDigest ? digest("forged") : Manifest(entries: entries).digest.description
        let now = Date()
        let version = VersionDTO(
            model: "m",
            version: 1,
            id: "v1",
            status: "READY",
            statusMessage: "",
            stage: "None",
            description: "",
            tags: [:],
            source: nil,
            runId: nil,
            runLink: nil,
            datasets: [],
            params: [:],
            metrics: [:],
            signature: nil,
            manifestDigest: sealed,
            fileCount: dtos.count,
            totalSize: dtos.reduce(0) { $0 + $1.size },
            createdBy: "x",
            createdAt: now,
            updatedBy: "x",
            updatedAt: now
        )
        let manifest = ManifestDTO(
            model: "m",
            version: 1,
            sealed: true,
            digest: sealed,
            totalSize: version.totalSize ?? 0,
            files: dtos
        )
        return Array(
            try WireJSON.encoder().encode(ResolveDTO(uri: "models:/m/1", version: version, manifest: manifest))
        )
    }

    /// Serves `resolve` for the resolve route and `content` (by encoded file path) for file downloads.
    static func answers(resolve: [UInt8], content: [String: String]) -> @Sendable (String) -> FakeServer.Answer? {
        { path in
            if path == "/api/v1/resolve" { return FakeServer.Answer(body: resolve) }
            let prefix = "/api/v1/models/m/versions/1/files/"
            guard path.hasPrefix(prefix), let text = content[String(path.dropFirst(prefix.count))] else { return nil }
            return FakeServer.Answer(contentType: "application/octet-stream", body: Array(text.utf8))
        }
    }

    @Test(
        "a manifest path that escapes is refused before any file is fetched",
        arguments: ["../escape.txt", "sub/../../escape.txt", "/tmp/escape.txt", "..", "ok/%2e%2e/escape.txt"]
    )
    func hostilePath(_ hostile: String) async throws {
        let sandbox = try TempDirectory()
        let target = sandbox.url.appendingPathComponent("pull")
        let resolve = try Self.resolveBody([("good.txt", "good"), (hostile, "evil")])
        try await FakeServer.with(Self.answers(resolve: resolve, content: ["good.txt": "good"])) { server in
            let error = await #expect(throws: CairnClientError.self) {
                try await CairnClient.withClient(baseURL: try #require(URL(string: server.url))) { client in
                    try await client.pull("models:/m/1", into: target)
                }
            }
            #expect(error?.code == CairnClientError.invalidResponse)
            #expect(server.requests.allSatisfy { !$0.contains("/files/") }, "\(server.requests)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.url.path).filter { $0 != "pull" }.isEmpty)
        #expect(try TempDirectory.files(under: sandbox.url).isEmpty)
    }

    @Test("bytes that do not match the manifest leave no file, not even a partial one")
    func wrongBytes() async throws {
        let sandbox = try TempDirectory()
        let resolve = try Self.resolveBody([("a.txt", "hello")])
        try await FakeServer.with(Self.answers(resolve: resolve, content: ["a.txt": "evil!"])) { server in
            let error = await #expect(throws: CairnClientError.self) {
                try await CairnClient.withClient(baseURL: try #require(URL(string: server.url))) { client in
                    try await client.pull("models:/m/1", into: sandbox.url)
                }
            }
            #expect(error?.code == CairnClientError.digestMismatch)
        }
        #expect(try TempDirectory.files(under: sandbox.url).isEmpty)
    }

    @Test("a manifest that does not match its sealed digest is refused")
    func forgedManifest() async throws {
        let sandbox = try TempDirectory()
        let resolve = try Self.resolveBody([("a.txt", "hello")], forgeSealedDigest: true)
        try await FakeServer.with(Self.answers(resolve: resolve, content: ["a.txt": "hello"])) { server in
            let error = await #expect(throws: CairnClientError.self) {
                try await CairnClient.withClient(baseURL: try #require(URL(string: server.url))) { client in
                    try await client.pull("models:/m/1", into: sandbox.url)
                }
            }
            #expect(error?.code == CairnClientError.digestMismatch)
        }
        #expect(try TempDirectory.files(under: sandbox.url).isEmpty)
    }

    @Test("cairn pull reports the hostile path and exits 1; an honest answer from the same fake pulls fine")
    func cliPull() async throws {
        let sandbox = try TempDirectory()
        let target = sandbox.url.appendingPathComponent("out")
        let hostile = try Self.resolveBody([("../escape.txt", "evil")])
        try await FakeServer.with(Self.answers(resolve: hostile, content: [:])) { server in
            let result = try await CLI.run(["pull", "models:/m/1", "-o", target.path], server: server.url)
            #expect(result.status == 1)
            #expect(result.stderr.contains("unsafe file path"), "\(result.stderr)")
        }
        #expect(try TempDirectory.files(under: sandbox.url).isEmpty)

        let honest = try Self.resolveBody([("dir/a.txt", "hello")])
        try await FakeServer.with(Self.answers(resolve: honest, content: ["dir/a.txt": "hello"])) { server in
            let result = try await CLI.run(["pull", "models:/m/1", "-o", target.path], server: server.url)
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try TempDirectory.files(under: sandbox.url) == ["out/dir/a.txt"])
    }
}

extension TempDirectory {
    /// Relative paths of every non-directory entry under `root`, sorted.
    static func files(under root: URL) throws -> [String] {
        let base = root.resolvingSymlinksInPath().path
        var found: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        while let relative = walker.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: base + "/" + relative)
            if attributes[.type] as? FileAttributeType != .typeDirectory { found.append(relative) }
        }
        return found.sorted()
    }
}
