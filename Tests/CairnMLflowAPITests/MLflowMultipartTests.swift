import CairnCore
import CairnHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// MLflow's proxied multipart upload (`mlflow-artifacts/mpu/…`), as the client drives it.
@Suite("MLflow multipart upload")
struct MLflowMultipartTests {
    static let root = "1/0123456789abcdef0123456789abcdef/artifacts"
    static let mpu = "/api/2.0/mlflow-artifacts/mpu"

    /// Opens an upload of the local file `file` to the run's `directory` (as the client does: the URL names the
    /// directory, the body the local file), in `parts` parts; answers the upload id, and per part its URL path and
    /// token.
    static func create(_ client: MLflowClient, _ file: String, in directory: String = "", parts: Int) async throws
        -> (id: String, credentials: [(path: String, token: String)])
    {
        let reply = try await client.mlflow(
            .post,
            "\(mpu)/create/\(root)\(directory.isEmpty ? "" : "/" + directory)",
            #"{"path":"/home/me/\#(file)","num_parts":\#(parts)}"#
        )
        try #require(reply.status == 200, "\(reply.text)")
        let id = try #require(reply.json["upload_id"] as? String)
        let credentials = try #require(reply.json["credentials"] as? [[String: Any]])
        return (
            id,
            try credentials.map { credential in
                let text = try #require(credential["url"] as? String)
                let url = try #require(URL(string: text))
                let headers = try #require(credential["headers"] as? [String: String])
                #expect(Array(headers.keys) == ["X-Cairn-Part-Token"])
                return (url.path, try #require(headers["X-Cairn-Part-Token"]))
            }
        )
    }

    static func put(_ client: MLflowClient, _ credential: (path: String, token: String), _ body: String) async throws
        -> Reply
    {
        try await client.with(nil).raw(
            .put,
            credential.path,
            headers: [AccessRule.partTokenHeader: credential.token],
            body: body
        )
    }

    @Test("parts sent out of order with only the part token join into the file; the ETags are the parts' digests")
    func roundTrip() async throws {
        try await MLflowHarness.run { harness, base in
            let client = MLflowClient(base: base, authorization: "Bearer \(harness.adminToken)")
            let info = try await client.mlflow(.get, "/api/3.0/mlflow/server-info")
            #expect(info.json["multipart_uploads_enabled"] as? Bool == true)
            let parts = ["first part, ", "second part, ", "last"]
            let upload = try await Self.create(client, "model.bin", in: "big", parts: 3)
            #expect(upload.id.count == 32)
            #expect(upload.credentials.map(\.path) == (1...3).map { "\(Self.mpu)/part/\(upload.id)/\($0)" })
            var etags: [Int: String] = [:]
            for number in [2, 3, 1] {
                let reply = try await Self.put(client, upload.credentials[number - 1], parts[number - 1])
                #expect(reply.status == 200, "\(reply.text)")
                etags[number] = reply.headers[.eTag]
                #expect(reply.headers[.eTag] == "\"\(Digest.of(Array(parts[number - 1].utf8)).hex)\"")
            }
            // Nothing is visible before completion.
            let early = try await client.raw(.get, "/api/2.0/mlflow-artifacts/artifacts/\(Self.root)/big/model.bin")
            #expect(early.status == 404)
            let list = (1...3).map { #"{"part_number":\#($0),"etag":\#(etags[$0]!.debugDescription),"url":"x"}"# }
            let done = try await client.mlflow(
                .post,
                "\(Self.mpu)/complete/\(Self.root)/big",
                #"{"path":"C:\\Users\\me\\model.bin","upload_id":"\#(upload.id)","parts":[\#(list.joined(separator: ","))]}"#
            )
            #expect(done.status == 200 && done.text == "{}", "\(done.text)")
            let file = try await client.raw(.get, "/api/2.0/mlflow-artifacts/artifacts/\(Self.root)/big/model.bin")
            #expect(file.status == 200 && file.text == parts.joined())
            // The session is gone: its parts can no longer be sent, nor can it be completed again.
            let late = try await Self.put(client, upload.credentials[0], "again")
            #expect(late.status == 404 && late.errorCode == "RESOURCE_DOES_NOT_EXIST")
            #expect(try harness.filesOnDisk().filter { $0.contains("/uploads/") }.isEmpty)
        }
    }

    @Test("a missing, forged or other session's part token is refused; only the opener completes or aborts")
    func capability() async throws {
        try await MLflowHarness.run { harness, base in
            let client = MLflowClient(base: base, authorization: "Bearer \(harness.adminToken)")
            _ = try await harness.service.identity.createAccount(name: "bob", kind: .user, actor: .system)
            try await harness.service.identity.grant(Grant(.editor), to: "bob", actor: .system)
            let bob = client.with(
                "Bearer \(try await harness.service.identity.createToken(accountName: "bob", actor: .system).secret)"
            )
            let mine = try await Self.create(client, "a.bin", parts: 2)
            let other = try await Self.create(bob, "b.bin", parts: 1)
            let bare = try await client.with(nil).raw(.put, mine.credentials[0].path, body: "x")
            #expect(bare.status == 401 && bare.errorCode == "UNAUTHENTICATED", "\(bare.text)")
            // An account's own credentials are no substitute for the token.
            let admin = try await client.raw(.put, mine.credentials[0].path, body: "x")
            #expect(admin.status == 401, "\(admin.text)")
            for token in [other.credentials[0].token, "cairn_part_forged"] {
                let reply = try await Self.put(client, (mine.credentials[0].path, token), "x")
                #expect(reply.status == 403 && reply.errorCode == "PERMISSION_DENIED", "\(reply.text)")
            }
            let outside = try await Self.put(client, ("\(Self.mpu)/part/\(mine.id)/3", mine.credentials[0].token), "x")
            #expect(outside.status == 400 && outside.errorCode == "INVALID_PARAMETER_VALUE", "\(outside.text)")
            for hostile in ["../../../etc", "0123", String(repeating: "g", count: 32)] {
                let reply = try await Self.put(
                    client,
                    ("\(Self.mpu)/part/\(hostile)/1", mine.credentials[0].token),
                    "x"
                )
                #expect(reply.status == 404 || reply.status == 400, "\(hostile): \(reply.status) \(reply.text)")
            }
            let stolen = try await bob.mlflow(
                .post,
                "\(Self.mpu)/abort/\(Self.root)",
                #"{"path":"a.bin","upload_id":"\#(mine.id)"}"#
            )
            #expect(stolen.status == 403 && stolen.errorCode == "PERMISSION_DENIED", "\(stolen.text)")
            let elsewhere = try await client.mlflow(
                .post,
                "\(Self.mpu)/complete/\(Self.root)",
                #"{"path":"elsewhere.bin","upload_id":"\#(mine.id)","parts":[{"part_number":1}]}"#
            )
            #expect(elsewhere.status == 400 && elsewhere.errorCode == "INVALID_PARAMETER_VALUE", "\(elsewhere.text)")
            _ = try await Self.put(client, mine.credentials[0], "one")
            let incomplete = try await client.mlflow(
                .post,
                "\(Self.mpu)/complete/\(Self.root)",
                #"{"path":"a.bin","upload_id":"\#(mine.id)","parts":[{"part_number":1},{"part_number":2}]}"#
            )
            #expect(incomplete.status == 404, "\(incomplete.text)")
            let wrongTag = try await client.mlflow(
                .post,
                "\(Self.mpu)/complete/\(Self.root)",
                #"{"path":"a.bin","upload_id":"\#(mine.id)","parts":[{"part_number":1,"etag":"\"\#(Digest.of([1]).hex)\""}]}"#
            )
            #expect(wrongTag.status == 400 && wrongTag.errorCode == "INVALID_PARAMETER_VALUE", "\(wrongTag.text)")
            for (caller, upload, path) in [(client, mine.id, "a.bin"), (bob, other.id, "b.bin")] {
                let aborted = try await caller.mlflow(
                    .post,
                    "\(Self.mpu)/abort/\(Self.root)",
                    #"{"path":"\#(path)","upload_id":"\#(upload)"}"#
                )
                #expect(aborted.status == 200, "\(aborted.text)")
            }
            let gone = try await client.raw(.get, "/api/2.0/mlflow-artifacts/artifacts/\(Self.root)/a.bin")
            #expect(gone.status == 404)
            #expect(try harness.filesOnDisk().filter { $0.contains("/uploads/") }.isEmpty)
            let tooMany = try await client.mlflow(
                .post,
                "\(Self.mpu)/create/\(Self.root)",
                #"{"path":"c.bin","num_parts":10001}"#
            )
            #expect(tooMany.status == 400 && tooMany.errorCode == "INVALID_PARAMETER_VALUE", "\(tooMany.text)")
        }
    }
}
