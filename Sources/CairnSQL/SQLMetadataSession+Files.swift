import CairnCore
import Foundation

extension SQLMetadataSession {
    // MARK: Files

    public func files(versionID: String) async throws -> [ManifestEntry] {
        try await run(
            "SELECT path, digest, size, media_type FROM version_files WHERE version_id = ? ORDER BY path",
            [.text(versionID)]
        ).map(ModelVersionRows.entry)
    }

    public func references(to digest: Digest) async throws -> Int {
        // Version files and tracking artifacts share the blob store: GC may delete neither's blobs.
        let rows = try await run(
            """
            SELECT (SELECT COUNT(*) FROM version_files WHERE digest = ?)
                + (SELECT COUNT(*) FROM artifacts WHERE digest = ?) AS n
            """,
            [.text(digest.description), .text(digest.description)]
        )
        return try rows.first?.int("n") ?? 0
    }

    public func putFile(versionID: String, entry: ManifestEntry) async throws {
        _ = try await run(
            """
            INSERT INTO version_files (version_id, path, digest, size, media_type) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (version_id, path)
            DO UPDATE SET digest = excluded.digest, size = excluded.size, media_type = excluded.media_type
            """,
            [
                .text(versionID), .text(entry.path), .text(entry.digest.description), .integer(entry.size),
                .text(entry.mediaType),
            ],
            onMissingParent: Self.versionIDNotFound(versionID)
        )
    }

    public func removeFiles(versionID: String) async throws {
        _ = try await run("DELETE FROM version_files WHERE version_id = ?", [.text(versionID)])
    }

    // MARK: Aliases

    public func aliases(modelID: String) async throws -> [ModelAlias] {
        try await run(
            "SELECT alias, version FROM model_aliases WHERE model_id = ? ORDER BY alias",
            [.text(modelID)]
        ).map { ModelAlias(alias: try $0.text("alias"), version: try $0.int("version")) }
    }

    public func setAlias(modelID: String, alias: ModelAlias) async throws {
        _ = try await run(
            """
            INSERT INTO model_aliases (model_id, alias, version) VALUES (?, ?, ?)
            ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version
            """,
            [.text(modelID), .text(alias.alias), .int(alias.version)],
            onMissingParent: Self.modelIDNotFound(modelID)
        )
    }

    public func deleteAlias(modelID: String, alias: String) async throws -> Bool {
        try await !run(
            "DELETE FROM model_aliases WHERE model_id = ? AND alias = ? RETURNING alias",
            [.text(modelID), .text(alias)]
        ).isEmpty
    }
}

extension SQLMetadataSession {
    // MARK: Blob releases

    public func releasedBlobs(before date: Date, limit: Int) async throws -> [Digest] {
        guard limit > 0 else { return [] }
        let rows = try await run(
            "SELECT digest FROM blob_releases WHERE released_at < ? ORDER BY released_at, digest LIMIT ?",
            [.millis(date), .int(limit)]
        )
        return try rows.map { try Digest(parsing: try $0.text("digest")) }
    }

    public func releaseBlobs(_ digests: Set<Digest>, at time: Date) async throws {
        for digest in digests.sorted() {
            _ = try await run(
                """
                INSERT INTO blob_releases (digest, released_at) VALUES (?, ?)
                ON CONFLICT (digest) DO UPDATE SET released_at = excluded.released_at
                WHERE blob_releases.released_at < excluded.released_at
                """,
                [.text(digest.description), .millis(time)]
            )
        }
    }

    public func forgetReleasedBlobs(_ digests: [Digest], before date: Date) async throws {
        for digest in digests {
            _ = try await run(
                "DELETE FROM blob_releases WHERE digest = ? AND released_at < ?",
                [.text(digest.description), .millis(date)]
            )
        }
    }
}
