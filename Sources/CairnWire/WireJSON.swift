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

    /// `2026-03-03T10:00:00.005Z`: UTC, rounded to the nearest millisecond (the precision every store keeps).
    ///
    /// `Date.ISO8601FormatStyle` truncates fractional seconds, and a millisecond time is rarely exact in binary, so
    /// it would write `…04.005` as `…04.004` about half the time; here the millisecond count is computed first and
    /// written out digit for digit, so formatting a parsed time gives back the same text.
    public static func formatTimestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = millis.quotientAndRemainder(dividingBy: 1000)
        let (whole, part) = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        // A whole number of seconds is exact in a Date, so formatting it loses nothing.
        var text = Date(timeIntervalSince1970: TimeInterval(whole)).formatted(Date.ISO8601FormatStyle())
        guard text.hasSuffix("Z") else { return text }
        text.removeLast()
        let digits = String(part)
        return text + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
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

/// Times typed by people (CLI flags, query parameters): ISO 8601 with or without seconds and fractions, `Z` or an
/// offset, or a bare date meaning its start in UTC.
public enum WireTime {
    public static func parse(_ text: String) -> Date? {
        if let date = WireJSON.parseTimestamp(text) { return date }
        if text.utf8.count == 10, let date = WireJSON.parseTimestamp(text + "T00:00:00Z") { return date }
        // 2026-03-03T10:00Z, 2026-03-03T10:00+02:00: add the seconds.
        guard text.utf8.count >= 17, let t = text.firstIndex(of: "T") else { return nil }
        let clock = text[text.index(after: t)...]
        guard clock.count >= 6, clock.dropFirst(5).first.map({ $0 == "Z" || $0 == "+" || $0 == "-" }) == true else {
            return nil
        }
        let withSeconds = String(text[...t]) + clock.prefix(5) + ":00" + clock.dropFirst(5)
        return WireJSON.parseTimestamp(withSeconds)
    }
}
