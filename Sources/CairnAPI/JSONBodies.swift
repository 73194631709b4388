import CairnCore
import CairnHTTP
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
