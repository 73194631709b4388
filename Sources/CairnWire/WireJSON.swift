import Foundation

/// The JSON conventions of the native API: snake_case keys, ISO 8601 timestamps with milliseconds (UTC), sorted keys.
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "'\(text)' is not an ISO 8601 timestamp such as 2026-03-03T10:00:00.000Z"
                )
            }
            return date
        }
        return decoder
    }

    public static func formatTimestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}

/// Header names of the native API.
public enum WireHeaders {
    /// On a file upload: the SHA-256 the client expects (`sha256:<hex>` or `<hex>`). A mismatch is refused.
    public static let expectedDigest = "X-Cairn-Digest"
    /// On a file upload: the length the client expects when the body is chunked (otherwise `Content-Length` counts).
    public static let expectedSize = "X-Cairn-Size"
    /// On every response: the request's id, also in the server's log.
    public static let requestID = "X-Request-Id"
}
