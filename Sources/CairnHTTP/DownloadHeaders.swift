import Foundation
import HTTPTypes

/// The headers every file Cairn serves (a version's file, a tracked artifact, a version archive) goes out with, on
/// every surface, so that no stored file can run as active content in the registry's origin (which the web UI shares):
///
/// - `Content-Disposition: attachment` with the file's name (ASCII-safe `filename`, UTF-8 `filename*`);
/// - `X-Content-Type-Options: nosniff`, so a browser never guesses a type;
/// - `Content-Security-Policy: sandbox; default-src 'none'`, so even a file opened in a tab runs nothing;
/// - a content type from a list of passive types only; HTML, SVG, XML, JavaScript and anything unknown become
///   `application/octet-stream`.
public enum DownloadHeaders {
    /// Types that no browser executes.
    static let passive: Set<String> = [
        "application/octet-stream", "application/json", "application/x-yaml", "text/plain", "text/csv",
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/x-tar", "application/gzip",
        "application/zip",
    ]

    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!

    /// `mediaType` when it is passive (parameters kept), else `application/octet-stream`.
    public static func safeMediaType(_ mediaType: String) -> String {
        let essence = mediaType.split(separator: ";", maxSplits: 1)[...].first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let essence, passive.contains(essence) else { return "application/octet-stream" }
        return mediaType
    }

    /// Adds the download headers for a file called `fileName` of type `mediaType` to `headers`.
    public static func apply(to headers: inout HTTPFields, fileName: String, mediaType: String) {
        headers[.contentType] = safeMediaType(mediaType)
        headers[.contentDisposition] = disposition(fileName)
        headers[contentTypeOptions] = "nosniff"
        headers[contentSecurityPolicy] = "sandbox; default-src 'none'"
    }

    /// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): quotes, backslashes, controls and non-ASCII
    /// become `_` in the plain name; the extended name is percent-encoded.
    public static func disposition(_ fileName: String) -> String {
        let plain = String(
            fileName.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7F
                    && !"\"\\;".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            }
        )
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let encoded = fileName.utf8.map { byte in
            unreserved.contains(byte) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
        return "attachment; filename=\"\(plain)\"; filename*=UTF-8''\(encoded)"
    }
}
