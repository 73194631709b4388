import CairnHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The `mlflow-artifacts` proxy: upload, list, download, delete, and hostile paths.
@Suite("MLflow artifacts proxy")
struct MLflowArtifactTests {
    static let base = "/api/2.0/mlflow-artifacts/artifacts"

    @Test("uploads answer 200 with an empty body; listings show basenames, directories without sizes")
    func listing() async throws {
        try await MLflowHarness.run { _, client in
            let root = "1/0123456789abcdef0123456789abcdef/artifacts"
            for (path, content) in [
                ("notes.txt", "hello"), ("reports/notes.txt", "report"), ("reportdir/sub/b.json", "{}"),
                ("bin/blob.bin", "0123456789"),
            ] {
                let put = try await client.raw(
                    .put,
                    "\(Self.base)/\(root)/\(path)",
                    headers: [.contentType: "text/plain"],
                    body: content
                )
                #expect(put.status == 200 && put.text.isEmpty && put.headers[.contentType] == nil, "\(path)")
            }
            let listed = try await client.mlflow(.get, "\(Self.base)?path=\(q(root))")
            try Golden.check("artifacts_list_run", listed.text)
            let sub = try await client.mlflow(.get, "\(Self.base)?path=\(q(root + "/reportdir"))")
            try Golden.check("artifacts_list_subdir", sub.text)
            for path in [root + "/notes.txt", root + "/does/not/exist", "2"] {
                let reply = try await client.mlflow(.get, "\(Self.base)?path=\(q(path))")
                #expect(reply.status == 200 && reply.text == "{}", "\(path): \(reply.text)")
            }
            let file = try await client.raw(.get, "\(Self.base)/\(root)/bin/blob.bin")
            #expect(file.status == 200 && file.text == "0123456789")
            #expect(file.headers[.contentType] == "application/octet-stream")
            #expect(file.headers[.contentDisposition] == "attachment; filename=\"blob.bin\"; filename*=UTF-8''blob.bin")
            #expect(file.headers[.contentLength] == "10")
            let deleted = try await client.mlflow(.delete, "\(Self.base)/\(root)/reports")
            #expect(deleted.status == 200 && deleted.text == "{}")
            let after = try await client.mlflow(.get, "\(Self.base)?path=\(q(root + "/reports"))")
            #expect(after.text == "{}")
            let gone = try await client.raw(.get, "\(Self.base)/\(root)/reports/notes.txt")
            #expect(gone.status == 404 && gone.errorCode == "RESOURCE_DOES_NOT_EXIST")
        }
    }

    static let hostileTails = [
        "../../escape.txt", "1/../../escape.txt", "%2e%2e/%2e%2e/escape.txt", "1/%2E%2E/escape.txt",
        "1/a%2F..%2F..%2Fescape.txt", "1/a%2fescape.txt", "/etc/escape.txt", "1//escape.txt", "1/..%5c..%5cescape.txt",
        "1/%252e%252e/escape.txt", "1/%00/escape.txt", "1/./escape.txt", "1/a%zz/escape.txt",
    ]

    @Test("hostile artifact paths are refused with 400 and write, read or delete nothing outside the store")
    func traversal() async throws {
        try await MLflowHarness.run { harness, client in
            let canary = harness.root.appendingPathComponent("canary.txt")
            try "canary".write(to: canary, atomically: true, encoding: .utf8)
            let before = try harness.filesOnDisk().filter { !$0.hasPrefix("data") }
            for tail in Self.hostileTails {
                for method in [HTTPRequest.Method.put, .get, .delete] {
                    let reply = try await client.raw(
                        method,
                        "\(Self.base)/\(tail)",
                        headers: [.contentType: "application/octet-stream"],
                        body: method == .put ? "escaped" : nil
                    )
                    #expect(reply.status == 400, "\(method) \(tail): \(reply.status) \(reply.text)")
                    #expect(reply.errorCode == "INVALID_PARAMETER_VALUE", "\(method) \(tail)")
                }
            }
            for path in ["../../etc", "/etc", "1/../..", "..", "1//x", "%2e%2e", "1/./x", "a\\..\\b"] {
                let reply = try await client.mlflow(.get, "\(Self.base)?path=\(q(path))")
                #expect(
                    reply.status == 400 && reply.errorCode == "INVALID_PARAMETER_VALUE",
                    "list \(path): \(reply.text)"
                )
            }
            let after = try harness.filesOnDisk().filter { !$0.hasPrefix("data") }
            #expect(after == before)
            #expect(try String(contentsOf: canary, encoding: .utf8) == "canary")
            #expect(try harness.filesOnDisk().allSatisfy { !$0.hasSuffix("escape.txt") })
            let escaped = FileManager.default.temporaryDirectory.appendingPathComponent("escape.txt")
            #expect(!FileManager.default.fileExists(atPath: escaped.path))
        }
    }

    @Test("health, version and server-info answer like MLflow")
    func system() async throws {
        try await MLflowHarness.run { _, client in
            let health = try await client.raw(.get, "/health")
            #expect(health.status == 200 && health.text == "OK")
            let version = try await client.raw(.get, "/version")
            #expect(version.status == 200 && version.text.hasPrefix("3."))
            let info = try await client.mlflow(.get, "/api/3.0/mlflow/server-info")
            #expect(info.json["multipart_uploads_enabled"] as? Bool == true)
            for flag in ["multipart_downloads_enabled", "artifacts_presigned_only"] {
                #expect(info.json[flag] as? Bool == false, "\(flag)")
            }
            let unknown = try await client.mlflow(.get, "/api/3.0/mlflow/server-features")
            #expect(unknown.status == 404 && unknown.errorCode == "ENDPOINT_NOT_FOUND")
        }
    }
}
