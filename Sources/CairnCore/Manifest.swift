import Foundation

/// One file of a version: where it sits in the version's tree and which blob holds its bytes.
public struct ManifestEntry: Hashable, Sendable, Codable {
    /// A validated relative path (see ``ManifestPath``).
    public var path: String
    public var digest: Digest
    public var size: Int64
    /// A media type guessed from the file name, for downloads.
    public var mediaType: String

    public init(path: String, digest: Digest, size: Int64, mediaType: String) {
        self.path = path
        self.digest = digest
        self.size = size
        self.mediaType = mediaType
    }
}

/// The sealed list of a version's files, sorted by path.
///
/// Sealing happens once, when the version is finalized; afterwards the manifest never changes. ``digest`` is the
/// SHA-256 of the manifest's canonical text (one `digest size path` line per file, sorted by path), so a whole version
/// can be identified and verified by one value.
public struct Manifest: Hashable, Sendable, Codable {
    public var entries: [ManifestEntry]

    public init(entries: [ManifestEntry]) {
        self.entries = entries.sorted { $0.path < $1.path }
    }

    public var totalSize: Int64 { entries.reduce(0) { $0 + $1.size } }

    public var digest: Digest {
        var text = ""
        for entry in entries { text += "\(entry.digest.hex) \(entry.size) \(entry.path)\n" }
        return Digest.of(Array(text.utf8))
    }

    public func entry(at path: String) -> ManifestEntry? { entries.first { $0.path == path } }
}

/// Media types by file extension: enough for browsers and clients to handle downloads sensibly.
public enum MediaType {
    public static let octetStream = "application/octet-stream"

    public static func guess(forPath path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name == "MLmodel" { return "application/x-yaml" }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return octetStream }
        switch name[name.index(after: dot)...].lowercased() {
        case "json": return "application/json"
        case "yaml", "yml": return "application/x-yaml"
        case "txt", "md", "log": return "text/plain; charset=utf-8"
        case "csv": return "text/csv"
        case "html": return "text/html; charset=utf-8"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "svg": return "image/svg+xml"
        case "tar": return "application/x-tar"
        case "gz", "tgz": return "application/gzip"
        case "zip": return "application/zip"
        default: return octetStream
        }
    }
}
