import CairnCore

/// The tracking artifact tree: one row per file, keyed by its path.
///
/// "At or below the directory `prefix`" is `path = prefix OR path starts with prefix + "/"`, written as the range
/// `prefix + "/" <= path < prefix + "0"` (`'0'` is the code point after `'/'`; paths compare by code point on every
/// backend), so the primary key index serves it and `%`, `_` or any other character in `prefix` is matched literally,
/// never as a wildcard. The empty prefix is the root: every path.
extension SQLMetadataSession {
    private static let artifactColumns = "path, digest, size, updated_at"

    public func artifact(at path: String) async throws -> ArtifactEntry? {
        try await run("SELECT \(Self.artifactColumns) FROM artifacts WHERE path = ?", [.text(path)])
            .first.map(TrackingRows.artifact)
    }

    public func artifacts(under prefix: String, limit: Int) async throws -> [ArtifactEntry] {
        guard limit > 0 else { return [] }
        let (condition, binds) = Self.underCondition(prefix)
        return try await run(
            "SELECT \(Self.artifactColumns) FROM artifacts WHERE \(condition) ORDER BY path LIMIT ?",
            binds + [.int(limit)]
        ).map(TrackingRows.artifact)
    }

    public func putArtifact(_ entry: ArtifactEntry) async throws {
        _ = try await run(
            """
            INSERT INTO artifacts (\(Self.artifactColumns)) VALUES (?, ?, ?, ?)
            ON CONFLICT (path) DO UPDATE SET digest = excluded.digest, size = excluded.size,
                updated_at = excluded.updated_at
            """,
            [.text(entry.path), .text(entry.digest.description), .integer(entry.size), .millis(entry.updatedAt)]
        )
    }

    public func deleteArtifacts(under prefix: String) async throws -> [ArtifactEntry] {
        let (condition, binds) = Self.underCondition(prefix)
        let deleted = try await run(
            "DELETE FROM artifacts WHERE \(condition) RETURNING \(Self.artifactColumns)",
            binds
        ).map(TrackingRows.artifact)
        return deleted.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The condition selecting `prefix` and everything below it, with its binds.
    private static func underCondition(_ prefix: String) -> (String, [SQLValue]) {
        guard !prefix.isEmpty else { return ("1 = 1", []) }
        return ("(path = ? OR (path >= ? AND path < ?))", [.text(prefix), .text(prefix + "/"), .text(prefix + "0")])
    }
}
