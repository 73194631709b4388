import CairnAPI
import CairnBlobFS
import CairnCore
import CairnSQLite
import CairnServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A real server stack (SQLite and blobs on disk) behind an in-process router, with both API surfaces mounted.
struct MLflowHarness {
    let root: URL
    let store: SQLiteMetadataStore
    let service: RegistryService

    /// Runs `body` against the router, then closes the store and removes every file.
    static func run(_ body: @Sendable (MLflowHarness, any TestClientProtocol) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-mlflow-\(UUID().uuidString)")
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let store = try await SQLiteMetadataStore.open(path: data.appendingPathComponent("cairn.sqlite").path)
        let blobs = try FileSystemBlobStore(root: data)
        let service = RegistryService(store: store, blobs: blobs)
        let harness = MLflowHarness(root: root, store: store, service: service)
        do {
            try await service.bootstrapTracking()
            let app = Application(router: CairnServer.makeRouter(service: service))
            try await app.test(.router) { client in try await body(harness, client) }
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
