import CairnCore
import CairnHTTP
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The `mlflow-artifacts` proxy: upload (PUT), download (GET), list (GET `?path=`) and delete.
///
/// Paths are names in the artifact tree, never file-system locations: the service stores bytes by digest. Still,
/// every path is checked here first, the same way for the URL tail and the `path` query: each segment is
/// percent-decoded exactly once and must not be empty, `.` or `..`, nor contain `/`, `\` or NUL after decoding
/// (so `%2e%2e`, `%2F` and a leading `/` are refused), then the whole path must pass ``ManifestPath``.
enum MLflowArtifactRoutes {
    static let base = "/api/2.0/mlflow-artifacts/artifacts"
    /// Segments of `base`: `api`, `2.0`, `mlflow-artifacts`, `artifacts`.
    static let baseSegments = 4

    static let routes: [MLflowRoute] =
        [
            MLflowRoute(.get, base, .requires(.read), raw: list),
            MLflowRoute(.put, base + "/**", .requires(.write), raw: upload),
            MLflowRoute(.get, base + "/**", .requires(.read), raw: download),
            MLflowRoute(.delete, base + "/**", .requires(.delete), raw: delete),
        ] + MLflowMultipartRoutes.routes

    static func upload(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let path = try tailPath(of: request)
        let body = request.body
        _ = try await service.tracking.uploadArtifact(
            path: path,
            expectedSize: try contentLength(of: request),
            actor: context.principal
        ) { try await body.write(to: $0) }
        return Response(status: .ok, headers: [.contentLength: "0"])
    }

    /// The request's `Content-Length`, when it sends one.
    static func contentLength(of request: Request) throws -> Int64? {
        try request.headers[.contentLength].map { text in
            guard let size = Int64(text), size >= 0 else {
                throw RegistryError.badValue("The Content-Length '\(text.prefix(40))' is not a byte count.")
            }
            return size
        }
    }

    static func download(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let path = try tailPath(of: request)
        let (size, digest, stream) = try await service.readArtifact(path: path, range: nil, actor: context.principal)
        let name = String(path.split(separator: "/").last ?? "")
        var headers: HTTPFields = [.contentLength: String(size), .eTag: "\"\(digest)\""]
        DownloadHeaders.apply(to: &headers, fileName: name, mediaType: contentType(of: name))
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(contentLength: Int(size)) { writer in
                for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            }
        )
    }

    /// Lists one directory: basenames, directories without `file_size`; `{}` for a file or a missing path.
    static func list(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let raw = try MLflowInput.queryPairs(request.uri.query).first { $0.0 == "path" }?.1 ?? ""
        let directory = try queryPath(raw)
        let entries = try await service.browseArtifacts(directory: directory, actor: context.principal)
        let files: [JSONValue] = entries.sorted { $0.path < $1.path }.map { entry in
            var object = JSONObject()
            object.set("path", entry.path)
            object.set("is_dir", .bool(entry.isDirectory))
            if !entry.isDirectory { object.set("file_size", entry.size) }
            return object.value
        }
        var object = JSONObject()
        object.set("files", list: files)
        return MLflowResponse.json(object)
    }

    static func delete(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        try await service.tracking.deleteArtifacts(path: try tailPath(of: request), actor: context.principal)
        return MLflowResponse.empty
    }

    // MARK: Paths

    /// The artifact path of the URL after `base` (or another prefix of `prefixSegments` segments), from the raw URI
    /// (the router's `**` drops empty segments, which would quietly turn `artifacts//etc` into a relative path).
    static func tailPath(of request: Request, prefixSegments: Int = baseSegments) throws -> String {
        let raw = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(prefixSegments + 1)
        return try checked(raw.map(String.init), decode: true)
    }

    /// The `path` query of a listing, already percent-decoded once; `""` is the root.
    static func queryPath(_ raw: String) throws -> String {
        if raw.isEmpty { return "" }
        var segments = raw.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.count > 1, segments.last == "" { segments.removeLast() }
        return try checked(segments, decode: false)
    }

    static func checked(_ segments: [String], decode: Bool) throws -> String {
        let invalid = RegistryError.badValue("Invalid path")
        guard !segments.isEmpty else { throw invalid }
        let decoded = try segments.map { segment -> String in
            guard decode, segment.contains("%") else { return segment }
            guard let text = segment.removingPercentEncoding else { throw invalid }
            return text
        }
        for segment in decoded {
            guard !segment.isEmpty, segment != ".", segment != "..",
                !segment.contains("/"), !segment.contains("\\"), !segment.unicodeScalars.contains(where: { $0 == "\0" })
            else { throw invalid }
        }
        let path = decoded.joined(separator: "/")
        do {
            return try ManifestPath.validate(path)
        } catch {
            throw RegistryError.badValue("Invalid path: \(error.message).")
        }
    }

    /// MLflow serves text artifacts as `text/plain` and everything else as `application/octet-stream`.
    static func contentType(of name: String) -> String {
        let textExtensions: Set<String> = ["txt", "yaml", "yml", "json", "csv", "md", "py", "log", "html", "xml"]
        let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!).lowercased() : ""
        return name == "MLmodel" || textExtensions.contains(ext) ? "text/plain" : "application/octet-stream"
    }
}
