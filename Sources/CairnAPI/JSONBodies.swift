import CairnCore
import CairnWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reading JSON request bodies and writing JSON responses, with the native API's rules.
enum JSONResponse {
    /// Largest JSON request body accepted (1 MiB): metadata only; files go through the streaming upload route.
    static let maxBodyBytes = 1 << 20

    private static let encoder = WireJSON.encoder()

    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func noContent() -> Response { Response(status: .noContent) }

    /// A 200 JSON response around an already encoded body.
    static func make(body: ByteBuffer) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json", .contentLength: String(body.readableBytes)],
            body: .init(byteBuffer: body)
        )
    }

    /// Encodes `value` once, returning the bytes (for caching) and the response.
    static func encoded<T: Encodable>(_ value: T) -> ByteBuffer {
        ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// Decodes a JSON body into `T`.
    /// - Throws: `.unsupportedMediaType` unless the content type is JSON (``JSONMediaType``); `.payloadTooLarge` past
    ///   ``maxBodyBytes`` (``RequestBodyReader``); `.invalidArgument` for malformed framing; `.invalidArgument` naming the field when the JSON does not fit `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let contentType = request.headers[.contentType] ?? ""
        guard JSONMediaType.matches(contentType) else {
            await RequestBodyReader.discard(request)
            throw RegistryError(
                .unsupportedMediaType,
                "Send the request body as JSON with 'Content-Type: application/json' (got '\(contentType.prefix(80))')."
            )
        }
        let buffer = try await RequestBodyReader.collect(request, limit: maxBodyBytes)
        do {
            return try WireJSON.decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw RegistryError(.invalidArgument, describe(error), underlying: error)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the body" : "'\(text)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "Missing field '\(key.stringValue)' in \(path(context.codingPath))."
        case .typeMismatch(let type, let context):
            return "Field \(path(context.codingPath)) has the wrong type; expected \(type)."
        case .valueNotFound(let type, let context):
            return "Field \(path(context.codingPath)) must not be null; expected \(type)."
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "The body is not valid JSON."
                : "Field \(path(context.codingPath)) is invalid: \(context.debugDescription)"
        @unknown default:
            return "The body does not match the expected JSON shape."
        }
    }
}

/// Path and query parameters, percent-decoded exactly once.
extension CairnRequestContext {
    /// The decoded value of a `:name` path parameter.
    /// - Throws: `.invalidArgument` for malformed percent-encoding.
    func pathParameter(_ name: String) throws -> String {
        guard let raw = parameters.get(name) else {
            throw RegistryError(.invalidArgument, "Missing path parameter '\(name)'.")
        }
        return try PercentDecoding.decode(raw, what: name)
    }

    /// A positive integer path parameter (a version number).
    func versionParameter(_ name: String = "version") throws -> Int {
        let text = try pathParameter(name)
        guard let number = Int(text), number >= 1, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw RegistryError(.invalidArgument, "'\(text.prefix(40))' is not a version number; use 1, 2, 3…")
        }
        return number
    }

    /// The raw tail of the request path after its first `segments` segments (`/api/v1/models/N/versions/V/files` is
    /// 7), each segment decoded once and joined with `/`. Read from the raw URI rather than the router's `**` match,
    /// which drops empty segments: `files//etc/passwd` must be refused as absolute, not quietly made relative.
    func filePath(in request: Request, afterSegments segments: Int) throws -> String {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(segments + 1)
        return try parts.map { try PercentDecoding.decode($0, what: "file path") }.joined(separator: "/")
    }
}

enum PercentDecoding {
    static func decode(_ raw: some StringProtocol, what: String) throws -> String {
        guard raw.contains("%") else { return String(raw) }
        guard let decoded = String(raw).removingPercentEncoding else {
            throw RegistryError(.invalidArgument, "The \(what) in the URL has malformed percent-encoding.")
        }
        return decoded
    }
}

/// Which `Content-Type` values are JSON: `application/json` or a `+json` type, with any parameters. Exact, not a
/// substring match: `text/plain; x=json`, which a cross-site "simple" request may send, is not JSON.
public enum JSONMediaType {
    public static func matches(_ contentType: String) -> Bool {
        let essence = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard let slash = essence.firstIndex(of: "/") else { return false }
        let (type, subtype) = (essence[..<slash], essence[essence.index(after: slash)...])
        return type == "application" && (subtype == "json" || (subtype.hasSuffix("+json") && subtype.count > 5))
    }
}
