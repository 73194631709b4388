import CairnCore
import CairnHTTP
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// MLflow's proxied multipart upload (`MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true`, files of 500 MB and more):
///
/// 1. `POST mpu/create/<directory>` `{"path", "num_parts"}` opens a session for the file `<directory>/<basename of
///    path>` (`path` is the client's local file, as in MLflow) and answers one credential per part: a URL on this
///    server and the headers to send with it (the session's part token, a capability for its parts only).
/// 2. The client PUTs each part to its URL, in parallel, with plain `requests.put` (no account credentials); each
///    answer's `ETag` is the part's digest.
/// 3. `POST mpu/complete/<directory>` `{"path", "upload_id", "parts": [{"part_number", "etag"}]}` joins the parts
///    into the file, or `POST mpu/abort/<directory>` `{"path", "upload_id"}` discards them.
///
/// Parts stream into the blob store's multipart staging; memory does not grow with the file or the part.
enum MLflowMultipartRoutes {
    static let base = "/api/2.0/mlflow-artifacts/mpu"
    /// Segments of `base/<verb>`: `api`, `2.0`, `mlflow-artifacts`, `mpu`, `<verb>`.
    static let verbSegments = 5

    static let routes: [MLflowRoute] = [
        MLflowRoute(.post, base + "/create/**", .requires(.write), raw: create),
        MLflowRoute(.put, base + "/part/:upload_id/:part_number", .partToken, raw: part),
        MLflowRoute(.post, base + "/complete/**", .requires(.write), raw: complete),
        MLflowRoute(.post, base + "/abort/**", .requires(.write), raw: abort),
    ]

    static func create(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let input = try await MLflowInput.read(request)
        let path = try filePath(request, input)
        guard let parts = try input.int64("num_parts"), let count = Int(exactly: parts) else {
            throw RegistryError.badValue("Missing value for required parameter 'num_parts'.")
        }
        guard let host = request.head.authority, !host.isEmpty else {
            throw RegistryError.badValue("A multipart upload needs the request's Host header to address its parts.")
        }
        let upload = try await service.tracking.createArtifactMultipartUpload(
            path: path,
            partCount: count,
            actor: context.principal
        )
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        var headers = JSONObject()
        headers.set(AccessRule.partTokenHeader.rawName, upload.partToken)
        let credentials: [JSONValue] = (1...upload.partCount).map { number in
            var credential = JSONObject()
            credential.set("url", "\(scheme)://\(host)\(base)/part/\(upload.id)/\(number)")
            credential.set("part_number", Int64(number))
            credential.set("headers", headers.value)
            return credential.value
        }
        var object = JSONObject()
        object.set("upload_id", upload.id)
        object.set("credentials", list: credentials)
        return MLflowResponse.json(object)
    }

    /// The artifact file a request addresses: the directory of the URL tail and the base name of the client's local
    /// file (`path` in the body; either separator, so a Windows client's path works too).
    static func filePath(_ request: Request, _ input: MLflowInput) throws -> String {
        let directory = try MLflowArtifactRoutes.tailPath(of: request, prefixSegments: verbSegments)
        let local = try input.required("path")
        let name = local.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return try MLflowArtifactRoutes.checked(
            directory.split(separator: "/").map(String.init) + [name],
            decode: false
        )
    }

    static func part(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        guard let number = Int(try MLflowLoggedModelRoutes.parameter("part_number", context)) else {
            throw RegistryError.badValue("The part URL must end in /<upload id>/<part number>.")
        }
        let body = request.body
        let digest = try await service.tracking.uploadArtifactPart(
            uploadID: try MLflowLoggedModelRoutes.parameter("upload_id", context),
            partNumber: number,
            partToken: request.headers[AccessRule.partTokenHeader] ?? "",
            expectedSize: try MLflowArtifactRoutes.contentLength(of: request)
        ) { try await body.write(to: $0) }
        return Response(status: .ok, headers: [.contentLength: "0", .eTag: "\"\(digest.hex)\""])
    }

    static func complete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let input = try await MLflowInput.read(request)
        let path = try filePath(request, input)
        let parts = try input.objects("parts").map { part -> (number: Int, etag: String?) in
            guard let value = try part.int64("part_number"), let number = Int(exactly: value) else {
                throw RegistryError.badValue("Every part needs its 'part_number'.")
            }
            return (number, try part.string("etag"))
        }
        _ = try await service.tracking.completeArtifactMultipartUpload(
            path: path,
            uploadID: try input.required("upload_id"),
            parts: parts,
            actor: context.principal
        )
        return MLflowResponse.empty
    }

    static func abort(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let input = try await MLflowInput.read(request)
        let path = try filePath(request, input)
        try await service.tracking.abortArtifactMultipartUpload(
            path: path,
            uploadID: try input.required("upload_id"),
            actor: context.principal
        )
        return MLflowResponse.empty
    }
}
