import CairnCore
import CairnHTTP
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A version's files: streaming upload, manifest, single-file download with ranges, and the whole version as tar.
enum FileRoutes {
    static let base = "/api/v1/models/{name}/versions/{version}"

    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .put,
            path: base + "/files/{path}",
            operationID: "uploadFile",
            summary: "Stream one file into a PENDING version. Send X-Cairn-Digest to have the server verify it.",
            requestBody: "binary",
            success: (201, "File"),
            errors: [400, 404, 409, 415, 422],
            rule: .requires(.write),
            handler: upload
        ),
        Endpoint(
            method: .get,
            path: base + "/files",
            operationID: "getManifest",
            summary: "The version's manifest (sealed once READY) or the files uploaded so far.",
            success: (200, "Manifest"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: manifest
        ),
        Endpoint(
            method: .get,
            path: base + "/files/{path}",
            operationID: "downloadFile",
            summary: "Download one file; supports Range and If-None-Match (ETag is the digest).",
            success: (200, "binary"),
            errors: [400, 404, 416],
            rule: .requires(.read),
            handler: download
        ),
        Endpoint(
            method: .get,
            path: base + "/archive",
            operationID: "downloadArchive",
            summary: "Download every file of the version as one tar stream.",
            success: (200, "tar"),
            errors: [400, 404],
            rule: .requires(.read),
            handler: archive
        ),
    ]

    static let digestHeader = HTTPField.Name(WireHeaders.expectedDigest)!
    static let sizeHeader = HTTPField.Name(WireHeaders.expectedSize)!

    static func upload(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number, path) = (
            try context.pathParameter("name"), try context.versionParameter(),
            try context.filePath(in: request, afterSegments: 7)
        )
        if let type = request.headers[.contentType]?.lowercased(), !type.hasPrefix("application/octet-stream") {
            throw RegistryError(
                .unsupportedMediaType,
                "Upload file bytes as 'Content-Type: application/octet-stream' (got '\(type)')."
            )
        }
        let expectedDigest = try request.headers[digestHeader].map { text throws(RegistryError) in
            try Digest(parsing: text)
        }
        let announced = request.headers[.contentLength] ?? request.headers[sizeHeader]
        let expectedSize = try announced.map { text in
            guard let size = Int64(text), size >= 0 else {
                throw RegistryError(.invalidArgument, "The announced length '\(text.prefix(40))' is not a byte count.")
            }
            return size
        }
        let body = request.body
        let entry = try await service.catalog.uploadFile(
            modelName: name,
            number: number,
            path: path,
            expectedDigest: expectedDigest,
            expectedSize: expectedSize,
            actor: context.principal
        ) { try await body.write(to: $0) }
        return JSONResponse.make(WireMapping.file(entry), status: .created)
    }

    static func manifest(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number) = (try context.pathParameter("name"), try context.versionParameter())
        let version = try await service.catalog.version(modelName: name, number: number, actor: context.principal)
        let files = try await service.catalog.files(modelName: name, number: number, actor: context.principal)
        return JSONResponse.make(WireMapping.manifest(of: version, files: files))
    }

    static func download(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number, path) = (
            try context.pathParameter("name"), try context.versionParameter(),
            try context.filePath(in: request, afterSegments: 7)
        )
        try ManifestPath.validate(path)
        guard
            let entry = try await service.catalog.files(modelName: name, number: number, actor: context.principal)
                .first(where: { $0.path == path })
        else {
            throw RegistryError(.notFound, "Version \(number) of '\(name)' has no file '\(path)'.")
        }
        let etag = "\"\(entry.digest)\""
        var headers: HTTPFields = [.eTag: etag, .acceptRanges: "bytes"]
        DownloadHeaders.apply(
            to: &headers,
            fileName: String(path.split(separator: "/").last ?? ""),
            mediaType: entry.mediaType
        )
        if let match = request.headers[.ifNoneMatch], match == etag || match == "*" {
            return Response(status: .notModified, headers: headers)
        }
        var status = HTTPResponse.Status.ok
        var range: Range<Int64>?
        if let header = request.headers[.range] {
            switch ByteRange.parse(header, size: entry.size) {
            case .whole: break
            case .unsatisfiable:
                var response = NativeErrors.response(
                    status: .rangeNotSatisfiable,
                    code: RegistryError.Code.rangeNotSatisfiable.rawValue,
                    message: "Range '\(header.prefix(60))' is outside the file (\(entry.size) bytes).",
                    context: context
                )
                response.headers[.contentRange] = "bytes */\(entry.size)"
                return response
            case .partial(let r):
                range = r
                status = .partialContent
                headers[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound - 1)/\(entry.size)"
            }
        }
        let (_, stream) = try await service.catalog.openFile(
            modelName: name,
            number: number,
            path: path,
            range: range,
            actor: context.principal
        )
        headers[.contentLength] = String(stream.count)
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(contentLength: Int(stream.count)) { writer in
                for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            }
        )
    }

    static func archive(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let (name, number) = (try context.pathParameter("name"), try context.versionParameter())
        let archive = try await service.catalog.versionArchive(
            modelName: name,
            number: number,
            actor: context.principal
        )
        let length = archive.stream.count
        var headers: HTTPFields = [.contentLength: String(length), .eTag: "\"\(archive.manifest.digest)\""]
        DownloadHeaders.apply(to: &headers, fileName: "\(name)-\(number).tar", mediaType: "application/x-tar")
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(contentLength: Int(length)) { writer in
                for try await chunk in archive.stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            }
        )
    }
}

/// `Range: bytes=…` for a single range (RFC 9110 §14.1.2). Several ranges are answered with the whole file.
enum ByteRange: Equatable {
    case whole
    case partial(Range<Int64>)
    case unsatisfiable

    static func parse(_ header: String, size: Int64) -> ByteRange {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return .whole }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int64(last), suffix > 0 else { return .unsatisfiable }
            return size == 0 ? .unsatisfiable : .partial(max(0, size - suffix)..<size)
        }
        guard let start = Int64(first), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .partial(start..<size) }
        guard let end = Int64(last), end >= start else { return .whole }
        // `end` is the client's number and may be Int64.max: clamp before adding one, never after.
        return .partial(start..<(min(end, size - 1) + 1))
    }
}
