import CairnCore
import CairnHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// The reads a serving fleet makes on every `load_model` (alias, latest versions, version, download URI) answer from
/// memory until the next write: never stale, never to a caller who may not read, never an error kept.
@Suite("MLflow hot-path cache")
struct MLflowHotPathCacheTests {
    static let reads: [(HTTPRequest.Method, String, String?)] = [
        (.get, api("registered-models/alias?name=fraud-detector&alias=champion"), nil),
        (.post, api("registered-models/get-latest-versions"), #"{"name":"fraud-detector","stages":["Production"]}"#),
        (.get, api("registered-models/get-latest-versions?name=fraud-detector&stages=Production"), nil),
        (.get, api("model-versions/get?name=fraud-detector&version=1"), nil),
        (.get, api("model-versions/get-download-uri?name=fraud-detector&version=1"), nil),
    ]

    @Test("cached answers equal uncached ones, and every write is seen by the next read")
    func freshAfterWrites() async throws {
        var answers: [[String]] = []
        for cached in [false, true] {
            let seen = Mutex<[String]>([])
            try await MLflowHarness.run(cached: cached) { _, client in
                try await MLflowErrorShapeTests.seed(client)
                let setup: [(HTTPRequest.Method, String, String)] = [
                    (.post, "registered-models/alias", #"{"name":"fraud-detector","alias":"champion","version":"1"}"#),
                    (
                        .post, "model-versions/transition-stage",
                        #"{"name":"fraud-detector","version":"1","stage":"Production"}"#
                    ),
                ]
                for (method, path, body) in setup {
                    #expect(try await client.mlflow(method, api(path), body).status == 200)
                }
                func readAll() async throws -> [String] {
                    var texts: [String] = []
                    for (method, uri, body) in Self.reads {
                        let first = try await client.mlflow(method, uri, body)
                        let second = try await client.mlflow(method, uri, body)
                        #expect(first.status == 200 && first.text == second.text, "\(uri): \(first.text)")
                        #expect(first.headers[.contentType] == "application/json")
                        texts.append(first.text)
                    }
                    return texts
                }
                let before = try await readAll()
                seen.withLock { $0 += before }
                // A tag on the version, then a description: each shows in the very next read of every route.
                let tag = #"{"name":"fraud-detector","version":"1","key":"reviewed","value":"yes"}"#
                #expect(try await client.mlflow(.post, api("model-versions/set-tag"), tag).status == 200)
                let afterTag = try await readAll()
                #expect(afterTag[0].contains("reviewed") && afterTag[3].contains("reviewed"), "\(afterTag[0])")
                let moved = #"{"name":"fraud-detector","version":"1","stage":"Archived"}"#
                #expect(try await client.mlflow(.post, api("model-versions/transition-stage"), moved).status == 200)
                let latest = try await client.mlflow(.get, Self.reads[2].1)
                #expect(
                    latest.json["model_versions"] as? [Any] == nil
                        || (latest.json["model_versions"] as? [Any])?.isEmpty == true
                )
                seen.withLock { $0 += afterTag }
            }
            answers.append(
                // Ids and times differ between the two runs; everything else must not.
                seen.withLock { $0 }.map {
                    $0.replacing(/"(creation|last_updated)_timestamp": ?"?\d+"?/, with: "")
                        .replacing(/[0-9a-f]{32}/, with: "<id>")
                }
            )
        }
        #expect(answers[0] == answers[1])
    }

    @Test("a caller who may not read is refused even when the answer is cached; errors are not cached")
    func rulesBeforeHits() async throws {
        try await MLflowHarness.run(anonymous: .none) { harness, client in
            try await MLflowErrorShapeTests.seed(client)
            let uri = api("model-versions/get?name=fraud-detector&version=1")
            #expect(try await client.mlflow(.get, uri).status == 200)  // cached now
            let noCredentials = try await client.execute(
                uri: uri,
                method: .get,
                headers: [.authorization: "Bearer cairn_not-a-real-token"],
                body: nil
            )
            #expect(noCredentials.status == .unauthorized)
            _ = try await harness.service.identity.createAccount(name: "other-team", kind: .user, actor: .system)
            try await harness.service.identity.grant(
                Grant(.viewer, .model("something-else")),
                to: "other-team",
                actor: .system
            )
            let token = try await harness.service.identity.createToken(accountName: "other-team", actor: .system).secret
            let stranger = try await client.execute(
                uri: uri,
                method: .get,
                headers: [.authorization: "Bearer \(token)"],
                body: nil
            )
            #expect(stranger.status == .forbidden || stranger.status == .notFound, "\(stranger.status)")
            #expect(!String(buffer: stranger.body).contains("\"model_version\""))

            let missing = api("model-versions/get?name=fraud-detector&version=99")
            #expect(try await client.mlflow(.get, missing).errorCode == "RESOURCE_DOES_NOT_EXIST")
            let create = #"{"name":"fraud-detector","source":"models:/fraud-detector/1"}"#
            let created = try await client.mlflow(.post, api("model-versions/create"), create)
            #expect(created.status == 200, "\(created.text)")
            let version = (created.json["model_version"] as? [String: Any])?["version"] as? String
            let now = api("model-versions/get?name=fraud-detector&version=\(version ?? "?")")
            #expect(try await client.mlflow(.get, now).status == 200)
        }
    }
}
