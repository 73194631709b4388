import CairnAPI
import CairnBlobFS
import CairnCore
import CairnHTTP
import CairnMLflowFiles
import CairnSQLite
import CairnServer
import CairnTesting
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A real server stack (SQLite on disk, blobs on disk) behind an in-process router, with a bootstrapped admin.
///
/// Every request of ``run(anonymous:throttle:countChanges:clock:_:)``'s client carries the admin's token unless it
/// sets its own `Authorization` header, so tests that are not about identity act as an admin.
struct APIHarness {
    let root: URL
    let store: SQLiteMetadataStore
    let blobs: FileSystemBlobStore
    let service: RegistryService
    /// The bootstrapped admin's token secret.
    let adminToken: String
    /// The sequence of the bootstrap event: later events are the test's own.
    let baseSequence: Int64
    /// The store's change signal, when made with `countChanges`.
    let changes: ChangeCountingStore?

    static func make(countChanges: Bool = false, clock: any CairnCore.Clock = SystemClock()) async throws -> APIHarness
    {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let store = try await SQLiteMetadataStore.open(path: root.appendingPathComponent("cairn.sqlite").path)
        let blobs = try FileSystemBlobStore(root: root)
        let counted = countChanges ? ChangeCountingStore(store) : nil
        let service = RegistryService(
            store: counted ?? store,
            blobs: blobs,
            clock: clock,
            passwords: FastPasswordHasher(),
            mlmodels: YAMLMLmodelParser()
        )
        let admin = try #require(try await service.identity.bootstrapAdmin())
        return APIHarness(
            root: root,
            store: store,
            blobs: blobs,
            service: service,
            adminToken: admin.secret,
            baseSequence: 1,
            changes: counted
        )
    }

    /// Runs `body` against the router (anonymous access `anonymous`; failed logins never really wait), then closes
    /// the store and removes every file.
    static func run(
        anonymous: AnonymousAccess = .none,
        throttle: LoginThrottle = LoginThrottle(sleeper: { _ in }),
        countChanges: Bool = false,
        clock: any CairnCore.Clock = SystemClock(),
        origins: OriginPolicy = OriginPolicy(),
        _ body: @Sendable (APIHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let harness = try await make(countChanges: countChanges, clock: clock)
        do {
            let router = CairnServer.makeRouter(
                service: harness.service,
                anonymous: anonymous,
                changes: harness.changes,
                throttle: throttle,
                origins: origins
            )
            try await Application(router: router).test(.router) { client in
                try await body(harness, AuthorizedClient(base: client, authorization: "Bearer \(harness.adminToken)"))
            }
        } catch {
            await harness.store.close()
            try? FileManager.default.removeItem(at: harness.root)
            throw error
        }
        await harness.store.close()
        try? FileManager.default.removeItem(at: harness.root)
    }

    /// Files in the upload area: must be empty between requests.
    func uploadAreaCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("uploads").path).count
    }

    /// Blob files stored.
    func blobCount() throws -> Int {
        let base = root.appendingPathComponent("blobs/sha256").path
        return try FileManager.default.subpathsOfDirectory(atPath: base).filter { $0.count > 3 }.count
    }
}

/// A test client adding an `Authorization` header to every request that has none.
struct AuthorizedClient: TestClientProtocol {
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
    func with(_ authorization: String?) -> AuthorizedClient {
        AuthorizedClient(base: base, authorization: authorization)
    }
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]
let binaryHeaders: HTTPFields = [.contentType: "application/octet-stream"]

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    try WireJSON.decoder().decode(T.self, from: Data(response.body.readableBytesView))
}

func errorCode(_ response: TestResponse) throws -> String {
    try decode(ErrorBody.self, response).code
}

extension TestClientProtocol {
    /// POSTs/PUTs/PATCHes JSON and returns the response.
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: json == nil ? [:] : jsonHeaders, body: json.map(body))
    }

    /// Creates a model and a version with one file each, finalized. Returns the version.
    @discardableResult
    func seed(model: String, files: [String: String] = ["model.bin": "weights"], finalize: Bool = true) async throws
        -> VersionDTO
    {
        let encoded = model.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? model
        let exists = try await send(.get, "/api/v1/models/\(encoded)")
        if exists.status == .notFound {
            let created = try await send(.post, "/api/v1/models", json: #"{"name":"\#(model)"}"#)
            try #require(created.status == .created)
        }
        let version = try decode(
            VersionDTO.self,
            try await send(.post, "/api/v1/models/\(encoded)/versions", json: "{}")
        )
        for (path, content) in files {
            let put = try await execute(
                uri: "/api/v1/models/\(encoded)/versions/\(version.version)/files/\(path)",
                method: .put,
                headers: binaryHeaders,
                body: ByteBuffer(string: content)
            )
            try #require(put.status == .created, "upload of \(path) failed: \(String(buffer: put.body))")
        }
        guard finalize else { return version }
        return try decode(
            VersionDTO.self,
            try await send(.post, "/api/v1/models/\(encoded)/versions/\(version.version)/finalize")
        )
    }
}
