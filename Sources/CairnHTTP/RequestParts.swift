import CairnCore
import Foundation
import Hummingbird

/// Path and query parameters, percent-decoded exactly once.
extension CairnRequestContext {
    /// The decoded value of a `:name` path parameter.
    /// - Throws: `.invalidArgument` for malformed percent-encoding.
    public func pathParameter(_ name: String) throws -> String {
        guard let raw = parameters.get(name) else {
            throw RegistryError(.invalidArgument, "Missing path parameter '\(name)'.")
        }
        return try PercentDecoding.decode(raw, what: name)
    }

    /// A positive integer path parameter (a version number).
    public func versionParameter(_ name: String = "version") throws -> Int {
        let text = try pathParameter(name)
        guard let number = Int(text), number >= 1, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw RegistryError(.invalidArgument, "'\(text.prefix(40))' is not a version number; use 1, 2, 3…")
        }
        return number
    }

    /// The raw tail of the request path after its first `segments` segments (`/api/v1/models/N/versions/V/files` is
    /// 7), each segment decoded once and joined with `/`. Read from the raw URI rather than the router's `**` match,
    /// which drops empty segments: `files//etc/passwd` must be refused as absolute, not quietly made relative.
    public func filePath(in request: Request, afterSegments segments: Int) throws -> String {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(segments + 1)
        return try parts.map { try PercentDecoding.decode($0, what: "file path") }.joined(separator: "/")
    }
}

/// Percent-decoding of URL parts, exactly once, for every surface.
public enum PercentDecoding {
    /// `raw` decoded once.
    /// - Throws: `.invalidArgument` naming `what` for malformed percent-encoding.
    public static func decode(_ raw: some StringProtocol, what: String) throws -> String {
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

extension RequestBody {
    /// Streams the whole body into `upload`, buffer by buffer, as it arrives (memory does not grow with its size).
    /// A write the upload refuses (past the announced size) stops the reading: the rest of the body is never taken in.
    public func write(to upload: any BlobUpload) async throws {
        for try await buffer in self {
            try await upload.write(Array(buffer.readableBytesView))
        }
    }
}
