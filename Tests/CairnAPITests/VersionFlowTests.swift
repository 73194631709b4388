import CairnCore
import CairnHTTP
import CairnTesting
import CairnWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Native API: versions, files and resolution")
struct VersionFlowTests {
    @Test("versions are numbered 1, 2, 3 with lineage, and a deleted number is never reused")
    func numbering() async throws {
        try await APIHarness.run { _, client in
            _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"m"}"#)
            let lineage = #"""
                {"run_id":"r-1","source":"s3://x","params":{"lr":"0.1"},"metrics":{"auc":0.93},
                 "datasets":[{"name":"train","digest":"abc123","context":"training"}],
                 "signature":{"inputs":"[{\"name\":\"x\",\"type\":\"double\"}]"}}
                """#
            let first = try decode(
                VersionDTO.self,
                try await client.send(.post, "/api/v1/models/m/versions", json: lineage)
            )
            #expect(first.version == 1 && first.status == "PENDING" && first.runId == "r-1")
            #expect(first.metrics == ["auc": 0.93] && first.datasets.first?.digest == "abc123")
            _ = try await client.send(.post, "/api/v1/models/m/versions", json: "{}")
            #expect(try await client.send(.delete, "/api/v1/models/m/versions/2").status == .noContent)
            let third = try decode(
                VersionDTO.self,
                try await client.send(.post, "/api/v1/models/m/versions", json: "{}")
            )
            #expect(third.version == 3)
            let list = try decode(VersionListDTO.self, try await client.send(.get, "/api/v1/models/m/versions"))
            #expect(list.versions.map(\.version) == [3, 1])
        }
    }

    @Test("upload, finalize, then the files are sealed: download with ETag, Range and If-None-Match")
    func sealedFiles() async throws {
        try await APIHarness.run { harness, client in
            let version = try await client.seed(
                model: "m",
                files: ["model/weights.bin": "0123456789", "MLmodel": "flavors: {}"]
            )
            #expect(version.status == "READY" && version.fileCount == 2 && version.totalSize == 21)
            let manifest = try decode(
                ManifestDTO.self,
                try await client.send(.get, "/api/v1/models/m/versions/1/files")
            )
            #expect(manifest.sealed && manifest.files.map(\.path) == ["MLmodel", "model/weights.bin"])
            #expect(manifest.digest == version.manifestDigest)

            let uri = "/api/v1/models/m/versions/1/files/model/weights.bin"
            let whole = try await client.send(.get, uri)
            #expect(String(buffer: whole.body) == "0123456789")
            let etag = try #require(whole.headers[.eTag])
            #expect(etag == "\"\(Digest.of(Array("0123456789".utf8)))\"")
            let partial = try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=2-4"])
            #expect(partial.status == .partialContent && String(buffer: partial.body) == "234")
            #expect(partial.headers[.contentRange] == "bytes 2-4/10")
            let suffix = try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=-3"])
            #expect(String(buffer: suffix.body) == "789")
            let outside = try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=50-60"])
            #expect(outside.status == .rangeNotSatisfiable && outside.headers[.contentRange] == "bytes */10")
            let cached = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)

            let late = try await client.execute(
                uri: uri,
                method: .put,
                headers: binaryHeaders,
                body: ByteBuffer(string: "x")
            )
            #expect(late.status == .conflict)
            #expect(try errorCode(late) == "FAILED_PRECONDITION")
            #expect(String(buffer: try await client.send(.get, uri).body) == "0123456789")
            #expect(try harness.uploadAreaCount() == 0)
        }
    }

    @Test("the archive is a valid tar of every file")
    func archive() async throws {
        try await APIHarness.run { _, client in
            let long = String(repeating: "d/", count: 70) + "f.txt"
            _ = try await client.seed(model: "m", files: ["a.txt": "hello", long: "deep"])
            let response = try await client.send(.get, "/api/v1/models/m/versions/1/archive")
            #expect(response.status == .ok)
            #expect(response.headers[.contentLength] == String(response.body.readableBytes))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tar-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let archive = directory.appendingPathComponent("v.tar")
            try Data(response.body.readableBytesView).write(to: archive)
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            tar.arguments = ["tar", "-xf", archive.path, "-C", directory.path]
            try ProcessLauncher.run(tar)
            tar.waitUntilExit()
            #expect(tar.terminationStatus == 0)
            #expect(try String(contentsOf: directory.appendingPathComponent("a.txt"), encoding: .utf8) == "hello")
            #expect(try String(contentsOf: directory.appendingPathComponent(long), encoding: .utf8) == "deep")
        }
    }

    @Test("identical bytes are stored once across versions and models")
    func deduplication() async throws {
        try await APIHarness.run { harness, client in
            _ = try await client.seed(model: "a", files: ["w.bin": "same bytes"])
            _ = try await client.seed(model: "a", files: ["w.bin": "same bytes"])
            _ = try await client.seed(model: "b", files: ["other/name.bin": "same bytes"])
            #expect(try harness.blobCount() == 1)
        }
    }

    @Test("resolve by number, latest, stage and alias; aliases move; pending versions never resolve")
    func resolve() async throws {
        try await APIHarness.run { _, client in
            _ = try await client.seed(model: "m", files: ["f": "one"])
            _ = try await client.seed(model: "m", files: ["f": "two"])
            _ = try await client.seed(model: "m", files: ["f": "three"], finalize: false)
            func resolved(_ uri: String) async throws -> Int? {
                let response = try await client.send(.get, "/api/v1/resolve?uri=\(uri)")
                guard response.status == .ok else { return nil }
                return try decode(ResolveDTO.self, response).version.version
            }
            #expect(try await resolved("models:/m/1") == 1)
            #expect(try await resolved("models:/m/latest") == 2)
            #expect(try await resolved("models:/m/None") == 2)
            #expect(try await resolved("models:/m/3") == nil)
            #expect(try await resolved("models:/m/Production") == nil)
            #expect(
                try await client.send(.put, "/api/v1/models/m/aliases/champion", json: #"{"version":1}"#).status == .ok
            )
            #expect(try await resolved("models:/m@champion") == 1)
            _ = try await client.send(.put, "/api/v1/models/m/aliases/champion", json: #"{"version":2}"#)
            #expect(try await resolved("models:/m@champion") == 2)
            let pending = try await client.send(.put, "/api/v1/models/m/aliases/next", json: #"{"version":3}"#)
            #expect(pending.status == .conflict)
            let full = try decode(
                ResolveDTO.self,
                try await client.send(.get, "/api/v1/resolve?uri=models:/m@champion")
            )
            #expect(full.manifest.files.map(\.path) == ["f"] && full.manifest.sealed)
            #expect(try await client.send(.delete, "/api/v1/models/m/aliases/champion").status == .noContent)
            let gone = try await client.send(.get, "/api/v1/resolve?uri=models:/m@champion")
            #expect(gone.status == .notFound)
            #expect(try decode(ErrorBody.self, gone).message.contains("no alias 'champion'"))
            let garbage = try await client.send(.get, "/api/v1/resolve?uri=s3://bucket/x")
            #expect(garbage.status == .badRequest)
        }
    }
}
