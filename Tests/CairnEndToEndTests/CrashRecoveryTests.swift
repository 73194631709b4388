import CairnClient
import CairnWire
import Crypto
import Foundation
import Testing

@Suite("cairn serve: crashes, disconnects and shutdown", .serialized)
struct CrashRecoveryTests {
    /// Polls `condition` every 20 ms for up to `seconds`.
    static func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }

    static func files(under directory: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var out: [String] = []
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(
                atPath: directory.appendingPathComponent(relative).path,
                isDirectory: &isDirectory
            )
            if !isDirectory.boolValue { out.append(relative) }
        }
        return out.sorted()
    }

    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    @Test("a chunked upload longer than its X-Cairn-Size is answered 413 while the client is still sending")
    func overLongUploadRefusedWhileStreaming() async throws {
        let data = try TempDirectory()
        let server = try await KillableServer.start(data: data.url)
        defer { _ = server.terminate() }
        let version = try await CairnClient.withClient(baseURL: server.url) { client in
            _ = try await client.createModel(CreateModelRequest(name: "fraud"))
            return try await client.createVersion(model: "fraud")
        }
        let connection = try RawHTTPConnection(port: server.port)
        try connection.send(
            "PUT /api/v1/models/fraud/versions/\(version.version)/files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nX-Cairn-Size: 1048576\r\n\r\n"
        )
        // Announced 1 MiB; send up to 256 MiB in 64 KiB chunks, looking for the answer after each one.
        let chunk = [UInt8](repeating: 0x5A, count: 64 << 10)
        var sent = 0
        var answer = ""
        while sent < 256 << 20 {
            answer += connection.receiveAvailable()
            if answer.contains("\r\n\r\n") { break }
            do { try connection.sendChunk(chunk) } catch { break }
            sent += chunk.count
        }
        for _ in 0..<100 where !answer.contains("\r\n\r\n") {
            try await Task.sleep(for: .milliseconds(20))
            answer += connection.receiveAvailable()
        }
        connection.abort()
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
        #expect(answer.contains("PAYLOAD_TOO_LARGE"))
        // The answer came while the body was still being sent: far short of the 256 MiB offered.
        #expect(sent < 64 << 20, "sent \(sent) bytes before the answer")
        let manifest = try await CairnClient.withClient(baseURL: server.url) { client in
            try await client.manifest(model: "fraud", version: version.version)
        }
        #expect(manifest.files.isEmpty)
        #expect(try Self.files(under: data.url.appendingPathComponent("uploads")).isEmpty)
    }

    @Test(
        "SIGKILL in the middle of an upload: the committed version is intact, the interrupted one is not READY, no partial file remains"
    )
    func killDuringUpload() async throws {
        let data = try TempDirectory()
        let source = try TempDirectory()
        var expected: [String: Data] = [:]
        for (path, size) in [("MLmodel", 120), ("model/weights.bin", 3_000_000), ("model/conf/params.json", 900)] {
            let bytes = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size) })
            try source.write(path, bytes)
            expected[path] = bytes
        }

        let first = try await KillableServer.start(data: data.url)
        let pushed = try await CairnClient.withClient(baseURL: first.url) { client in
            _ = try await client.createModel(CreateModelRequest(name: "fraud"))
            return try await client.push(model: "fraud", directory: source.url)
        }
        #expect(pushed.status == "READY" && pushed.version == 1)
        let second = try await CairnClient.withClient(baseURL: first.url) { client in
            try await client.createVersion(model: "fraud")
        }

        // Half of a 64 MiB upload, then SIGKILL while the server is writing it.
        let connection = try RawHTTPConnection(port: first.port)
        try connection.startUpload(
            path: "/api/v1/models/fraud/versions/\(second.version)/files/big.bin",
            length: 64 << 20
        )
        let chunk = [UInt8](repeating: 0xAB, count: 1 << 20)
        for _ in 0..<8 { try connection.send(chunk) }
        let uploads = data.url.appendingPathComponent("uploads")
        let midUpload = try await Self.eventually {
            try Self.files(under: uploads).contains { name in
                let size =
                    (try? FileManager.default.attributesOfItem(atPath: uploads.appendingPathComponent(name).path)[.size]
                        as? Int) ?? 0
                return size >= 4 << 20
            }
        }
        #expect(midUpload, "the server never started writing the upload")
        first.killHard()
        connection.abort()
        #expect(
            try Self.files(under: uploads).count == 1,
            "the kill should leave a partial upload for start-up to clean"
        )

        let restarted = try await KillableServer.start(data: data.url)
        defer { _ = restarted.terminate() }
        #expect(try Self.files(under: uploads).isEmpty, "start-up must remove the abandoned upload")
        let blobs = data.url.appendingPathComponent("blobs/sha256")
        for relative in try Self.files(under: blobs) {
            let name = URL(fileURLWithPath: relative).lastPathComponent
            #expect(
                Self.sha256Hex(try Data(contentsOf: blobs.appendingPathComponent(relative))) == name,
                "partial blob \(relative)"
            )
        }

        let pulled = try TempDirectory()
        try await CairnClient.withClient(baseURL: restarted.url) { client in
            let version = try await client.version(model: "fraud", version: 1)
            #expect(version.status == "READY" && version.manifestDigest == pushed.manifestDigest)
            let manifest = try await client.manifest(model: "fraud", version: 1)
            for file in manifest.files {
                #expect(file.digest == "sha256:" + Self.sha256Hex(try #require(expected[file.path])))
            }
            try await client.pull("models:/fraud/1", into: pulled.url)
            let interrupted = try await client.version(model: "fraud", version: second.version)
            #expect(interrupted.status != "READY")
            #expect(try await client.manifest(model: "fraud", version: second.version).files.isEmpty)
        }
        #expect(try pulled.tree() == expected)
    }

    @Test("a client that disconnects mid-upload leaves no file behind and the version unchanged")
    func clientDisconnect() async throws {
        let data = try TempDirectory()
        let server = try await KillableServer.start(data: data.url)
        defer { _ = server.terminate() }
        let version = try await CairnClient.withClient(baseURL: server.url) { client in
            _ = try await client.createModel(CreateModelRequest(name: "m"))
            return try await client.createVersion(model: "m")
        }
        let connection = try RawHTTPConnection(port: server.port)
        try connection.startUpload(path: "/api/v1/models/m/versions/\(version.version)/files/w.bin", length: 32 << 20)
        for _ in 0..<4 { try connection.send([UInt8](repeating: 7, count: 1 << 20)) }
        connection.abort()
        let uploads = data.url.appendingPathComponent("uploads")
        #expect(try await Self.eventually { try Self.files(under: uploads).isEmpty })
        #expect(try Self.files(under: data.url.appendingPathComponent("blobs/sha256")).isEmpty)
        try await CairnClient.withClient(baseURL: server.url) { client in
            #expect(try await client.manifest(model: "m", version: version.version).files.isEmpty)
            let events = try await client.events().events.map(\.action)
            #expect(!events.contains("version.file_uploaded"))
        }
    }

    @Test("SIGTERM shuts the server down gracefully with exit status 0, and the data directory is locked while it runs")
    func gracefulShutdown() async throws {
        let data = try TempDirectory()
        let server = try await KillableServer.start(data: data.url)
        do {
            _ = try await KillableServer.start(data: data.url)
            Issue.record("a second server started on the same data directory")
        } catch {
            #expect("\(error)".contains("Another `cairn serve` is already using"))
        }
        #expect(server.terminate() == 0)
    }
}
