import CairnWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// One hostile or malformed request and the answers that are acceptable for it.
struct BadRequest: Sendable, CustomTestStringConvertible {
    var name: String
    var method: HTTPRequest.Method
    var uri: String
    var headers: HTTPFields = [:]
    var body: String?
    var statuses: Set<Int>
    var code: String?

    var testDescription: String { name }

    static func json(
        _ name: String,
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ body: String,
        _ status: Int,
        _ code: String
    ) -> BadRequest {
        BadRequest(
            name: name,
            method: method,
            uri: uri,
            headers: jsonHeaders,
            body: body,
            statuses: [status],
            code: code
        )
    }

    static func upload(
        _ name: String,
        path: String,
        headers: HTTPFields = binaryHeaders,
        version: String = "m/versions/1",
        status: Int = 400,
        code: String = "INVALID_ARGUMENT"
    ) -> BadRequest {
        BadRequest(
            name: name,
            method: .put,
            uri: "/api/v1/models/\(version)/files/\(path)",
            headers: headers,
            body: "payload",
            statuses: [status],
            code: code
        )
    }
}

@Suite("Native API: bad input is refused with a clear error and changes nothing")
struct BadInputTests {
    static let cases: [BadRequest] = [
        .json("a name with a slash", .post, "/api/v1/models", #"{"name":"a/b"}"#, 400, "INVALID_ARGUMENT"),
        .json("the name '..'", .post, "/api/v1/models", #"{"name":".."}"#, 400, "INVALID_ARGUMENT"),
        .json("a name with a leading space", .post, "/api/v1/models", #"{"name":" x"}"#, 400, "INVALID_ARGUMENT"),
        .json(
            "a name with a control character",
            .post,
            "/api/v1/models",
            #"{"name":"a\u0007b"}"#,
            400,
            "INVALID_ARGUMENT"
        ),
        .json(
            "a 257-character name",
            .post,
            "/api/v1/models",
            #"{"name":"\#(String(repeating: "n", count: 257))"}"#,
            400,
            "INVALID_ARGUMENT"
        ),
        .json("an existing name", .post, "/api/v1/models", #"{"name":"m"}"#, 409, "ALREADY_EXISTS"),
        .json("malformed JSON", .post, "/api/v1/models", #"{"name":"#, 400, "INVALID_ARGUMENT"),
        .json("a field of the wrong type", .post, "/api/v1/models", #"{"name":5}"#, 400, "INVALID_ARGUMENT"),
        .json(
            "a NaN-like metric",
            .post,
            "/api/v1/models/m/versions",
            #"{"metrics":{"a":"NaN"}}"#,
            400,
            "INVALID_ARGUMENT"
        ),
        .json(
            "a signature that is not JSON",
            .post,
            "/api/v1/models/m/versions",
            #"{"signature":{"inputs":"{oops"}}"#,
            400,
            "INVALID_ARGUMENT"
        ),
        .json(
            "an alias named latest",
            .put,
            "/api/v1/models/s/aliases/latest",
            #"{"version":1}"#,
            400,
            "INVALID_ARGUMENT"
        ),
        .json(
            "an alias on a missing version",
            .put,
            "/api/v1/models/s/aliases/champion",
            #"{"version":9}"#,
            404,
            "NOT_FOUND"
        ),
        BadRequest(
            name: "JSON sent as text/plain",
            method: .post,
            uri: "/api/v1/models",
            headers: [.contentType: "text/plain"],
            body: #"{"name":"x"}"#,
            statuses: [415],
            code: "UNSUPPORTED_MEDIA_TYPE"
        ),
        BadRequest(
            name: "a JSON body over 1 MiB",
            method: .post,
            uri: "/api/v1/models",
            headers: jsonHeaders,
            body: #"{"name":"x","description":""# + String(repeating: "a", count: 1_100_000) + #""}"#,
            statuses: [413],
            code: "PAYLOAD_TOO_LARGE"
        ),
        .upload("a '..' segment encoded as %2F", path: "..%2Fescape"),
        .upload("a percent-encoded '..'", path: "%2e%2e/escape"),
        .upload("'..' in the middle", path: "a/%2E%2E/b"),
        .upload("a double-encoded '..'", path: "%252e%252e/escape"),
        .upload("a backslash", path: "a%5C..%5Cb"),
        .upload("a NUL byte", path: "a%00b"),
        .upload("an overlong UTF-8 dot", path: "%C0%AE%C0%AE/escape"),
        .upload("fullwidth dots", path: "%EF%BC%8E%EF%BC%8E/escape"),
        .upload("a '.' segment", path: "./x"),
        BadRequest(
            name: "an absolute path",
            method: .put,
            uri: "/api/v1/models/m/versions/1/files//etc/passwd",
            headers: binaryHeaders,
            body: "x",
            statuses: [400, 404]
        ),
        .upload("a 1025-byte path", path: String(repeating: "p", count: 1025)),
        .upload("an upload sent as JSON", path: "f", headers: jsonHeaders, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"),
        .upload(
            "a digest that is not SHA-256",
            path: "f",
            headers: [.contentType: "application/octet-stream", HTTPField.Name("X-Cairn-Digest")!: "sha256:zz"]
        ),
        .upload(
            "bytes that do not match the digest",
            path: "f",
            headers: [
                .contentType: "application/octet-stream",
                HTTPField.Name("X-Cairn-Digest")!: "sha256:" + String(repeating: "0", count: 64),
            ],
            status: 422,
            code: "DIGEST_MISMATCH"
        ),
        .upload(
            "an upload into a sealed version",
            path: "f",
            version: "s/versions/1",
            status: 409,
            code: "FAILED_PRECONDITION"
        ),
        .upload("an upload into a missing version", path: "f", version: "m/versions/7", status: 404, code: "NOT_FOUND"),
        .upload("version zero", path: "f", version: "m/versions/0"),
        .upload("a fractional version", path: "f", version: "m/versions/1.5"),
        .upload("a negative version", path: "f", version: "m/versions/-1"),
        BadRequest(
            name: "a missing model",
            method: .get,
            uri: "/api/v1/models/ghost",
            statuses: [404],
            code: "NOT_FOUND"
        ),
        BadRequest(name: "an unknown route", method: .get, uri: "/api/v1/ghosts", statuses: [404], code: "NOT_FOUND"),
        BadRequest(
            name: "an events limit out of range",
            method: .get,
            uri: "/api/v1/events?limit=5000",
            statuses: [400],
            code: "INVALID_ARGUMENT"
        ),
        BadRequest(
            name: "a resolve without a URI",
            method: .get,
            uri: "/api/v1/resolve",
            statuses: [400],
            code: "INVALID_ARGUMENT"
        ),
    ]

    @Test("is refused and leaves no trace", arguments: cases)
    func refused(_ bad: BadRequest) async throws {
        try await APIHarness.run { harness, client in
            _ = try await client.send(.post, "/api/v1/models", json: #"{"name":"m"}"#)
            _ = try await client.send(.post, "/api/v1/models/m/versions", json: "{}")
            try await client.seed(model: "s", files: ["kept.bin": "kept"])
            let eventsBefore = try decode(EventListDTO.self, try await client.send(.get, "/api/v1/events?limit=1000"))
                .events
            let blobsBefore = try harness.blobCount()

            let response = try await client.execute(
                uri: bad.uri,
                method: bad.method,
                headers: bad.headers,
                body: bad.body.map { ByteBuffer(string: $0) }
            )
            #expect(
                bad.statuses.contains(Int(response.status.code)),
                "got \(response.status): \(String(buffer: response.body))"
            )
            let error = try decode(ErrorBody.self, response)
            if let code = bad.code { #expect(error.code == code) }
            #expect(!error.message.isEmpty && error.message.count < 400)

            let eventsAfter = try decode(EventListDTO.self, try await client.send(.get, "/api/v1/events?limit=1000"))
                .events
            #expect(eventsAfter == eventsBefore, "a refused request changed the event log")
            #expect(try harness.blobCount() == blobsBefore)
            #expect(try harness.uploadAreaCount() == 0)
            let pending = try decode(ManifestDTO.self, try await client.send(.get, "/api/v1/models/m/versions/1/files"))
            #expect(pending.files.isEmpty)
            let models = try decode(ModelListDTO.self, try await client.send(.get, "/api/v1/models"))
            #expect(models.models.map(\.name) == ["m", "s"])
        }
    }
}
