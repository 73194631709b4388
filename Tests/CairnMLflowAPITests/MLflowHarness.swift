import CairnBlobFS
import CairnCore
import CairnHTTP
import CairnMLflowFiles
import CairnSQLite
import CairnServer
import CairnTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A real server stack (SQLite and blobs on disk) behind an in-process router, with both API surfaces mounted and a
/// bootstrapped admin: every request carries the admin's token unless it sets its own `Authorization` header.
struct MLflowHarness {
    let root: URL
    let store: SQLiteMetadataStore
    let service: RegistryService
    /// The bootstrapped admin's token secret.
    let adminToken: String

    /// Runs `body` against the router (anonymous access `anonymous`), then closes the store and removes every file.
    /// As in the server, writes are counted and the hot-path reads cached until the next write, unless `cached` is
    /// false.
    static func run(
        anonymous: AnonymousAccess = .none,
        cached: Bool = true,
        _ body: @Sendable (MLflowHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-mlflow-\(UUID().uuidString)")
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let store = try await SQLiteMetadataStore.open(path: data.appendingPathComponent("cairn.sqlite").path)
        let blobs = try FileSystemBlobStore(root: data)
        let counted = cached ? ChangeCountingStore(store) : nil
        let service = RegistryService(
            store: counted ?? store,
            blobs: blobs,
            passwords: FastPasswordHasher(),
            mlmodels: YAMLMLmodelParser()
        )
        do {
            try await service.tracking.bootstrapTracking()
            let admin = try #require(try await service.identity.bootstrapAdmin())
            let harness = MLflowHarness(root: root, store: store, service: service, adminToken: admin.secret)
            let router = CairnServer.makeRouter(
                service: service,
                anonymous: anonymous,
                changes: counted,
                throttle: LoginThrottle(sleeper: { _ in })
            )
            try await Application(router: router).test(.router) { client in
                try await body(harness, MLflowClient(base: client, authorization: "Bearer \(admin.secret)"))
            }
        } catch {
            await store.close()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        await store.close()
        try? FileManager.default.removeItem(at: root)
    }

    /// Every file path under the harness root, relative to it (the store lives in `data/`).
    func filesOnDisk() throws -> Set<String> {
        Set(FileManager.default.subpaths(atPath: root.path) ?? [])
    }
}

/// A test client adding an `Authorization` header to every request that has none.
struct MLflowClient: TestClientProtocol {
    let base: any TestClientProtocol
    let authorization: String?

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws
        -> TestResponse
    {
        var headers = headers
        if headers[.authorization] == nil, let authorization { headers[.authorization] = authorization }
        return try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    var port: Int? { base.port }

    /// The same client with another `Authorization` (`nil`: none, as an anonymous caller).
    func with(_ authorization: String?) -> MLflowClient { MLflowClient(base: base, authorization: authorization) }
}

/// A decoded MLflow response.
struct Reply {
    var status: Int
    var text: String
    var headers: HTTPFields

    /// The body as a JSON object (empty when the body is not an object).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    var errorCode: String? { json["error_code"] as? String }
    var message: String { json["message"] as? String ?? "" }
}

extension TestClientProtocol {
    /// Sends one MLflow call: JSON bodies with `Content-Type: application/json`, like the Python client.
    func mlflow(_ method: HTTPRequest.Method, _ uri: String, _ json: String? = nil) async throws -> Reply {
        let headers: HTTPFields = json == nil ? [:] : [.contentType: "application/json"]
        let response = try await execute(uri: uri, method: method, headers: headers, body: json.map(ByteBuffer.init))
        return Reply(status: Int(response.status.code), text: String(buffer: response.body), headers: response.headers)
    }

    /// Sends raw bytes (artifact uploads, hostile bodies).
    func raw(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil) async throws
        -> Reply
    {
        let response = try await execute(uri: uri, method: method, headers: headers, body: body.map(ByteBuffer.init))
        return Reply(status: Int(response.status.code), text: String(buffer: response.body), headers: response.headers)
    }
}

/// `/api/2.0/mlflow/` + `path`.
func api(_ path: String) -> String { "/api/2.0/mlflow/" + path }

/// Percent-encodes a query value.
func q(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~")))
        ?? value
}
